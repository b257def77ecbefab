//! The shape of an offer as read, before it is checked: its promises and conditions with
//! whatever parts were found, who each names, and where in the text a missing part would
//! go. Every reader fills these in; `draft` checks and completes them.

use quid_shared::UserRef;

/// Who a condition or a share follows, as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Who {
    Member(UserRef),
    /// The other members together.
    Others,
    /// At least one other member on their own.
    Anyone,
    /// A name no member has; `suggestion` is the closest username, if one is close.
    Unknown {
        name: String,
        suggestion: Option<UserRef>,
    },
    /// A prefix several members share.
    Ambiguous {
        name: String,
        candidates: Vec<UserRef>,
    },
}

/// An amount as written.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Amount {
    Known(f64),
    /// A vague word ("some", "a few") at this byte range.
    Vague((usize, usize)),
    #[default]
    Missing,
}

/// One amount of something, with where its missing parts would go.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Quantity {
    pub amount: Amount,
    pub unit: Option<String>,
    pub action: Option<String>,
    /// The action a verb implies ("clean" -> cleaning), used when none is named.
    pub verb_action: Option<String>,
    /// Given with a verb of giving: money is "payment" when nothing else names it.
    pub giving: bool,
    /// Just after a number that has no unit: where the unit goes.
    pub unit_at: Option<usize>,
    /// Just after the quantity: where " of <action>" goes.
    pub action_at: usize,
    /// A bare number that may count something else ("cook for 4", "room 3", "buy 3"):
    /// its unit is asked for, never borrowed from another clause.
    pub keep_bare: bool,
    /// Why the amount cannot be recorded as written ("3 kids", "Bob's 2 hours"), if so.
    pub unclear: Option<&'static str>,
}

/// A limit on a proportional promise: "up to 8 hours (in total)" or "up to 6 more".
#[derive(Debug, Clone, PartialEq)]
pub struct Limit {
    pub amount: f64,
    pub unit: Option<String>,
    /// "up to 6 hours of tutoring": the action, when the promise names none.
    pub action: Option<String>,
    /// The limit includes the fixed part.
    pub total: bool,
}

/// The proportional part of a promise: `rate` per unit of what `follows` does.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Share {
    pub rate: f64,
    /// `None`: "he", "she", "they" or nobody named — the one member the conditions name.
    pub follows: Option<Who>,
    pub ref_action: Option<String>,
    pub ref_unit: Option<String>,
    pub threshold: Option<f64>,
    /// "any excess": counted above the followed member's condition.
    pub excess: bool,
    /// What is followed is given ("whatever Bob gives"): money is "payment".
    pub giving: bool,
}

/// One promise as read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PromiseDraft {
    pub quantity: Quantity,
    pub share: Option<Share>,
    /// "the same": the quantity of the offer's one condition.
    pub same: bool,
}

/// One condition as read.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionDraft {
    pub who: Who,
    /// Where the subject was written (replaced by the answer to "who do you mean?").
    pub who_span: (usize, usize),
    /// `None`: no amount at all ("if Bob helps").
    pub quantity: Option<Quantity>,
    /// "if Bob does too": the quantity of the offer's one promise.
    pub same: bool,
    /// From the verb to the end of the condition: replaced by "does <answer>" when no
    /// amount was given.
    pub rest_span: (usize, usize),
}

/// An offer as read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OfferDraft {
    pub promises: Vec<PromiseDraft>,
    pub conditions: Vec<ConditionDraft>,
    /// The limit of a proportional promise, wherever in the sentence it was written.
    pub limit: Option<Limit>,
}
