//! The people a sentence is read among: its author, the group, and whom "he" or "you"
//! refer to in it.

use quid_shared::UserRef;

/// The people a sentence is read among.
#[derive(Debug, Clone)]
pub struct Scene<'a> {
    pub author: &'a UserRef,
    pub members: &'a [UserRef],
    /// The one member the message names, whom "he", "she" or "they" refer to.
    pub named: Option<UserRef>,
    /// Whom "you" means: the member addressed by name, or the only other member.
    pub addressed: Option<UserRef>,
}
