//! Who in a room an ephemeral frame is for, as a value rather than a closure, so the
//! same choice can be made on every node a bus reaches.

use serde::{Deserialize, Serialize};

use quid_shared::Id;

/// The members of a room a frame goes to (typing, status, member changes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "to", content = "user", rename_all = "kebab-case")]
pub enum Audience {
    /// Every connection in the room.
    Everyone,
    /// Every connection but those of this user.
    Except(Id),
    /// The connections of this user alone.
    Only(Id),
}

impl Audience {
    /// Whether a connection of `user` gets the frame.
    pub fn includes(self, user: Id) -> bool {
        match self {
            Audience::Everyone => true,
            Audience::Except(other) => user != other,
            Audience::Only(one) => user == one,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The three audiences choose as named, and read back from JSON as they were.
    #[test]
    fn chooses_and_round_trips() {
        let (a, b) = (Id::new_v4(), Id::new_v4());
        assert!(Audience::Everyone.includes(a));
        assert!(!Audience::Except(a).includes(a) && Audience::Except(a).includes(b));
        assert!(Audience::Only(a).includes(a) && !Audience::Only(a).includes(b));
        for audience in [Audience::Everyone, Audience::Except(a), Audience::Only(b)] {
            let json = serde_json::to_string(&audience).unwrap();
            assert_eq!(serde_json::from_str::<Audience>(&json).unwrap(), audience);
        }
    }
}
