//! Commitments and liabilities as they cross the wire (see `docs/commitments.md`).
//!
//! A commitment holds `conditions` (all must hold; none = unconditional) and `promises`
//! (at least one). A promise yields `base + min(cap, rate * max(0, L_ref - threshold))` of
//! its `(action, unit)`, where `L_ref` is `ref_user`'s liability for `(ref_action, ref_unit)`,
//! or with `ref_user: null` the sum over the members other than the creator. Amounts of one
//! dimension (minutes and hours, cents and dollars) are compared by value; each keeps the
//! unit its author wrote.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{Id, UserRef};

/// Whose amount a condition without a `user` looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The other members together (their sum): "the others", "everyone else", "in total".
    #[default]
    Together,
    /// At least one other member on their own: "someone else", "anyone else".
    Anyone,
}

impl Scope {
    /// Whether this is the default, [`Scope::Together`] (left out of the JSON).
    pub fn is_together(&self) -> bool {
        *self == Scope::Together
    }
}

/// One condition: `user` (or, with `None`, the members but the creator: together, or any
/// one of them, as `scope` says) must be liable for at least `min` of `(action, unit)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub user: Option<Id>,
    /// Whose amount counts when `user` is `None`; must be `Together` when `user` is set.
    #[serde(default, skip_serializing_if = "Scope::is_together")]
    pub scope: Scope,
    pub action: String,
    pub min: f64,
    pub unit: String,
}

/// One promise: `base + min(cap, rate * max(0, L_ref - threshold))` of `(action, unit)`.
/// With `rate == 0` it is the fixed amount `base` and the `ref_*` fields are unused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Promise {
    pub action: String,
    pub unit: String,
    pub base: f64,
    #[serde(default)]
    pub rate: f64,
    /// Whose amount the proportional part follows; `None` = the other members together.
    #[serde(default)]
    pub ref_user: Option<Id>,
    /// The action the proportional part follows (defaults to `action`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ref_action: Option<String>,
    /// The unit the proportional part follows (defaults to `unit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ref_unit: Option<String>,
    #[serde(default)]
    pub threshold: f64,
    /// Cap on the proportional part; required (finite) when `rate > 0`.
    #[serde(default)]
    pub cap: Option<f64>,
}

impl Promise {
    /// A fixed promise: `base` of `(action, unit)`, with no proportional part.
    pub fn fixed(action: impl Into<String>, unit: impl Into<String>, base: f64) -> Promise {
        Promise {
            action: action.into(),
            unit: unit.into(),
            base,
            rate: 0.0,
            ref_user: None,
            ref_action: None,
            ref_unit: None,
            threshold: 0.0,
            cap: None,
        }
    }
}

/// A commitment's lifecycle state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitmentStatus {
    Active,
    Revoked,
}

/// A stored commitment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Commitment {
    pub id: i64,
    pub group: Id,
    pub creator: UserRef,
    pub status: CommitmentStatus,
    pub conditions: Vec<Condition>,
    pub promises: Vec<Promise>,
    /// The public chat text it came from: `None` when it was completed by a (private)
    /// answer to a clarification, or made through the API without one.
    pub source_text: Option<String>,
    /// The message it came from, if any.
    pub source_message: Option<i64>,
    /// Plain-words restatement, e.g. "3 hours of work if alice does ≥ 5 hours of work".
    pub summary: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
    /// 1 when made; one more each time its author changes it (the earlier versions are
    /// in its history).
    #[serde(default = "first_version")]
    pub version: u32,
    /// Notes on how it was made, e.g. `{"reader": "rules"}` (the rule-based reader),
    /// `"model"` (the language-model reader) or `"api"` (a structured request).
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub meta: serde_json::Value,
}

fn first_version() -> u32 {
    1
}

/// `POST /api/groups/:id/commitments`: a structured commitment by the caller.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateCommitment {
    #[serde(default)]
    pub conditions: Vec<Condition>,
    pub promises: Vec<Promise>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_text: Option<String>,
}

/// `GET /api/groups/:id/commitments`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CommitmentList {
    pub commitments: Vec<Commitment>,
}

/// What one user is bound to do of one action (in one dimension), and the commitments that
/// bind it; `unit` is the unit of the promise that yields it (on a tie, the oldest's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Liability {
    pub user: UserRef,
    pub action: String,
    pub unit: String,
    pub amount: f64,
    /// Ids of the active commitments whose promise yields this amount.
    pub because: Vec<i64>,
    /// In plain words, the chain of commitments that binds: "3 hours of work, because of
    /// #4 (alice: …), which holds because bob is bound to 5 hours of work by #6". Given
    /// by the liability endpoints; absent elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// `GET /api/groups/:id/liabilities`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LiabilityList {
    pub liabilities: Vec<Liability>,
}

/// One group's part of `GET /api/me/liabilities`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupLiabilities {
    pub group: Id,
    pub name: String,
    /// What the caller is bound to in this group (with `why`).
    pub liabilities: Vec<Liability>,
}

/// `GET /api/me/liabilities`: everything the caller is bound to, by group (groups where
/// they are bound to nothing are left out), in the order of `GET /api/groups`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MyLiabilities {
    pub groups: Vec<GroupLiabilities>,
}

/// `GET /api/commitments/:id/history`: every version of a commitment, oldest first; the
/// last is the current one.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CommitmentHistory {
    pub versions: Vec<CommitmentVersion>,
}

/// One version of a commitment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitmentVersion {
    pub version: u32,
    pub conditions: Vec<Condition>,
    pub promises: Vec<Promise>,
    pub summary: String,
    pub source_text: Option<String>,
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub meta: serde_json::Value,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When the next version replaced it (`None` for the current one).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub replaced_at: Option<OffsetDateTime>,
}

/// `POST /api/groups/:id/whatif`: an offer to try, as chat text or as a structured
/// commitment (exactly one of the two). Nothing is stored and nobody is told.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WhatIfRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment: Option<CreateCommitment>,
}

/// An offer as it would be recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposedCommitment {
    pub summary: String,
    pub conditions: Vec<Condition>,
    pub promises: Vec<Promise>,
}

/// Answer to `POST /api/groups/:id/whatif`: how the offer reads and the liabilities as
/// they are (`before`) and as they would be (`after`). Commitments that do not exist yet
/// are named by negative ids in `because` (-1 for the first proposed one).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WhatIf {
    /// The commitments the offer would record (none when it asks or reads as nothing).
    pub commitments: Vec<ProposedCommitment>,
    /// The commitment the text would withdraw, if it reads as a withdrawal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdraws: Option<i64>,
    /// The commitment the text would change ("change my offer to 4 hours"): its new terms
    /// are the one entry of `commitments`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<i64>,
    /// The question the reader would ask instead of recording anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    pub before: Vec<Liability>,
    pub after: Vec<Liability>,
    /// Every amount that would change, old -> new.
    pub changes: Vec<LiabilityChange>,
}

/// One entry of a `liability` message's `meta.changes`: `old -> new` for one user and
/// quantity (0 when absent before or after), both in `unit` (the new liability's unit, or
/// the old one's when it disappeared).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiabilityChange {
    pub user: UserRef,
    pub action: String,
    pub unit: String,
    pub old: f64,
    pub new: f64,
}
