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
}

/// `GET /api/groups/:id/liabilities`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LiabilityList {
    pub liabilities: Vec<Liability>,
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
