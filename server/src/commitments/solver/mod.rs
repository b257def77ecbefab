//! The one liability solver: the greatest fixed point of everyone's active commitments,
//! exact and always terminating, and the diff that drives `liability` messages.

mod convex;
mod fixpoint;
mod linear;
mod problem;

use std::collections::BTreeMap;

use quid_shared::{Commitment, Id, Liability, LiabilityChange};
use thiserror::Error;

use super::exact;
use super::model::ModelError;

/// Why a set of commitments cannot be solved.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SolveError {
    #[error("commitment {id} is invalid: {reason}")]
    Invalid { id: i64, reason: ModelError },
}

/// Every user's liabilities under the active commitments in `commitments` (revoked ones are
/// ignored): per user and quantity, the amount and the commitments that yield it. Zero
/// amounts are left out. Sorted by username, action, unit.
pub fn solve(commitments: &[Commitment]) -> Result<Vec<Liability>, SolveError> {
    let problem = problem::Problem::build(commitments)?;
    let solution = fixpoint::greatest(&problem);
    let point = problem.point(&solution.values);
    let mut liabilities = Vec::new();
    for (var, value) in solution.values.iter().enumerate() {
        if *value <= exact::zero() {
            continue;
        }
        let because = problem.var_pledges[var]
            .iter()
            .map(|p| &problem.pledges[*p])
            .filter(|p| solution.holding[p.commitment])
            .filter(|p| problem.yields(p, &point) == *value)
            .map(|p| problem.entries[p.commitment].id)
            .collect();
        let (user, quantity) = problem.vars[var];
        let (action, unit) = problem.quantities[quantity].clone();
        liabilities.push(Liability {
            user: problem.users[user].clone(),
            action,
            unit,
            amount: exact::to_f64(value),
            because,
        });
    }
    liabilities.sort_by(|a, b| {
        (&a.user.username, &a.action, &a.unit).cmp(&(&b.user.username, &b.action, &b.unit))
    });
    Ok(liabilities)
}

/// What changed from `old` to `new`, one entry per user and quantity whose amount differs;
/// a liability that disappeared is reported once, as `old -> 0`.
pub fn diff(old: &[Liability], new: &[Liability]) -> Vec<LiabilityChange> {
    type Key = (String, Id, String, String);
    let key = |l: &Liability| {
        (
            l.user.username.clone(),
            l.user.id,
            l.action.clone(),
            l.unit.clone(),
        )
    };
    let mut amounts: BTreeMap<Key, (&Liability, f64, f64)> = BTreeMap::new();
    for liability in old {
        amounts
            .entry(key(liability))
            .or_insert((liability, 0.0, 0.0))
            .1 = liability.amount;
    }
    for liability in new {
        amounts
            .entry(key(liability))
            .or_insert((liability, 0.0, 0.0))
            .2 = liability.amount;
    }
    amounts
        .into_values()
        .filter(|(_, old, new)| old != new)
        .map(|(liability, old, new)| LiabilityChange {
            user: liability.user.clone(),
            action: liability.action.clone(),
            unit: liability.unit.clone(),
            old,
            new,
        })
        .collect()
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
