//! The one liability solver: the greatest fixed point of everyone's active commitments,
//! exact and always terminating, and the diff that drives `liability` messages. Amounts of
//! one action and dimension are one quantity, compared by value in base units; each
//! liability is reported in the unit of the promise that yields it.

mod convex;
mod fixpoint;
mod linear;
mod point;
mod problem;

use std::cmp::Ordering;
use std::collections::BTreeMap;

use quid_shared::{Commitment, Id, Liability, LiabilityChange};
use thiserror::Error;

use super::exact;
use super::model::ModelError;
use super::units::{Measure, compare, convert, measure};

/// Why a set of commitments cannot be solved.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SolveError {
    #[error("commitment {id} is invalid: {reason}")]
    Invalid { id: i64, reason: ModelError },
}

/// Every user's liabilities under the active commitments in `commitments` (revoked ones are
/// ignored): per user, action and dimension, the amount and the commitments that yield it,
/// in the unit of the promise that yields it (the oldest, when several do). Zero amounts
/// are left out. Sorted by username, action, unit.
pub fn solve(commitments: &[Commitment]) -> Result<Vec<Liability>, SolveError> {
    let problem = problem::Problem::build(commitments)?;
    let solution = fixpoint::greatest(&problem);
    let point = &solution.point;
    let mut liabilities = Vec::new();
    for (var, value) in point.x().iter().enumerate() {
        if *value <= exact::zero() {
            continue;
        }
        let all = problem.var_pledges[var]
            .iter()
            .map(|p| &problem.pledges[*p]);
        let yielding: Vec<&problem::Pledge> = all
            .clone()
            .filter(|p| solution.holding[p.commitment])
            .filter(|p| point.yields(p) == *value)
            .collect();
        let age = |p: &&problem::Pledge| {
            let entry = &problem.entries[p.commitment];
            (entry.created_at, entry.id)
        };
        // Every variable has a pledge, and at the fixed point one of them yields its value.
        let Some(named) = yielding
            .iter()
            .copied()
            .min_by_key(age)
            .or(all.min_by_key(age))
        else {
            continue;
        };
        let (user, quantity) = problem.vars[var];
        liabilities.push(Liability {
            user: problem.users[user].clone(),
            action: problem.quantities[quantity].0.clone(),
            unit: named.unit.clone(),
            amount: exact::to_f64(&(value / &named.scale)),
            because: yielding
                .iter()
                .map(|p| problem.entries[p.commitment].id)
                .collect(),
            why: None,
        });
    }
    liabilities.sort_by(|a, b| {
        (&a.user.username, &a.action, &a.unit).cmp(&(&b.user.username, &b.action, &b.unit))
    });
    Ok(liabilities)
}

/// What changed from `old` to `new`, one entry per user, action and dimension whose amount
/// differs by value, in the new liability's unit (the old amount converted into it); a
/// liability that disappeared is reported once, as `old -> 0` in its own unit.
pub fn diff(old: &[Liability], new: &[Liability]) -> Vec<LiabilityChange> {
    type Key = (String, Id, String, Measure);
    let key = |l: &Liability| {
        (
            l.user.username.clone(),
            l.user.id,
            l.action.clone(),
            measure(&l.unit),
        )
    };
    type Pair<'a> = (Option<&'a Liability>, Option<&'a Liability>);
    let mut pairs: BTreeMap<Key, Pair<'_>> = BTreeMap::new();
    for liability in old {
        keep_larger(&mut pairs.entry(key(liability)).or_default().0, liability);
    }
    for liability in new {
        keep_larger(&mut pairs.entry(key(liability)).or_default().1, liability);
    }
    pairs
        .into_values()
        .filter_map(|(old, new)| {
            let shown = new.or(old)?;
            let before = old.map_or(0.0, |o| {
                convert(o.amount, &o.unit, &shown.unit).unwrap_or(o.amount)
            });
            let after = new.map_or(0.0, |n| n.amount);
            let same_unit = old.is_none_or(|o| o.unit == shown.unit);
            let unchanged = if same_unit {
                before == after
            } else {
                // Converted amounts carry the rounding of their f64 form.
                (before - after).abs() <= 1e-9 * after.abs().max(1.0)
            };
            (!unchanged).then(|| LiabilityChange {
                user: shown.user.clone(),
                action: shown.action.clone(),
                unit: shown.unit.clone(),
                old: before,
                new: after,
            })
        })
        .collect()
}

/// Puts `liability` in `slot` unless the one there is at least as large. Liabilities
/// announced before amounts were compared by value may hold two of one dimension ("2 hours"
/// and "30 minutes" of work): the larger stands for both, as the solver now reads them.
fn keep_larger<'a>(slot: &mut Option<&'a Liability>, liability: &'a Liability) {
    let held_is_larger = slot.is_some_and(|held| {
        compare(held.amount, &held.unit, liability.amount, &liability.unit)
            .is_some_and(|order| order != Ordering::Less)
    });
    if !held_is_larger {
        *slot = Some(liability);
    }
}

#[cfg(test)]
mod dimension_tests;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
