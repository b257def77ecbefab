//! Test fixtures shared by the commitment tests: users, conditions, promises, commitments,
//! and liabilities as rows.

use quid_shared::{
    Commitment, CommitmentStatus, Condition, Id, Liability, Promise, Scope, UserRef,
};
use time::OffsetDateTime;

/// A user whose id is derived from the name, so tests can refer to it twice.
pub fn user(name: &str) -> UserRef {
    let seed = name.bytes().fold(7u128, |acc, b| {
        acc.wrapping_mul(131).wrapping_add(u128::from(b))
    });
    UserRef {
        id: Id::from_u128(seed),
        username: name.to_owned(),
    }
}

/// `who` (or, with `None`, the others) must do at least `min` of `action` in `unit`.
pub fn condition(who: Option<&str>, min: f64, unit: &str, action: &str) -> Condition {
    Condition {
        user: who.map(|w| user(w).id),
        scope: Scope::Together,
        action: action.into(),
        min,
        unit: unit.into(),
    }
}

/// Some member other than the creator, on their own, must do at least `min` of `action`.
pub fn anyone(min: f64, unit: &str, action: &str) -> Condition {
    Condition {
        scope: Scope::Anyone,
        ..condition(None, min, unit, action)
    }
}

/// A fixed promise of `base` of `action` in `unit`.
pub fn fixed(base: f64, unit: &str, action: &str) -> Promise {
    Promise::fixed(action, unit, base)
}

/// `base + min(cap, rate * max(0, L_ref - threshold))` of `action` in `unit`, following
/// `who`'s (or the others') amount of the same quantity.
pub fn proportional(
    base: f64,
    rate: f64,
    who: Option<&str>,
    threshold: f64,
    cap: f64,
    unit: &str,
    action: &str,
) -> Promise {
    Promise {
        rate,
        ref_user: who.map(|w| user(w).id),
        threshold,
        cap: Some(cap),
        ..fixed(base, unit, action)
    }
}

/// An active commitment by `creator`.
pub fn commitment(
    id: i64,
    creator: &str,
    conditions: Vec<Condition>,
    promises: Vec<Promise>,
) -> Commitment {
    Commitment {
        id,
        group: Id::nil(),
        creator: user(creator),
        status: CommitmentStatus::Active,
        conditions,
        promises,
        source_text: None,
        source_message: None,
        summary: String::new(),
        created_at: OffsetDateTime::UNIX_EPOCH,
        revoked_at: None,
        version: 1,
        meta: serde_json::Value::Null,
    }
}

/// One liability as `(user, action, unit, amount)`, for compact assertions.
pub type Row = (String, String, String, f64);

/// Liabilities as [`Row`]s.
pub fn rows(liabilities: &[Liability]) -> Vec<Row> {
    liabilities
        .iter()
        .map(|l| {
            (
                l.user.username.clone(),
                l.action.clone(),
                l.unit.clone(),
                l.amount,
            )
        })
        .collect()
}

/// One [`Row`].
pub fn row(user: &str, action: &str, unit: &str, amount: f64) -> Row {
    (user.into(), action.into(), unit.into(), amount)
}
