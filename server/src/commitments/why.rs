//! Why a member is bound: each liability explained in plain words as the chain of
//! commitments that binds it — "3 hours of work, because of c4 (alice: 3 hours of work if
//! bob does ≥ 5 hours of work), which holds because bob is bound to 5 hours of work by c6
//! (bob: 5 hours of work, unconditionally)". Pure: it reads the solver's answer and the
//! commitments, and proves nothing new.

use std::collections::HashSet;

use quid_shared::{Commitment, Condition, Liability, Scope};

use super::units::{convert, display_unit, format_amount, normalize_action, same_dimension};

/// How deep a chain is followed before it is cut with "…".
const DEPTH: usize = 4;

/// `liabilities` with `why` filled in, from the `commitments` that made them.
pub fn explain(liabilities: &[Liability], commitments: &[Commitment]) -> Vec<Liability> {
    let reader = Chains {
        liabilities,
        commitments,
    };
    liabilities
        .iter()
        .map(|l| Liability {
            why: Some(reader.liability(l)),
            ..l.clone()
        })
        .collect()
}

struct Chains<'a> {
    liabilities: &'a [Liability],
    commitments: &'a [Commitment],
}

/// "5 hours of work".
fn quantity(amount: f64, unit: &str, action: &str) -> String {
    format!(
        "{} {} of {action}",
        format_amount(amount),
        display_unit(amount, unit)
    )
}

/// "c4", or "the new offer" for a commitment not made yet (a negative id).
fn name(id: i64) -> String {
    if id < 0 {
        "the offer tried".to_owned()
    } else {
        format!("c{id}")
    }
}

impl Chains<'_> {
    fn liability(&self, l: &Liability) -> String {
        let mut seen = HashSet::new();
        let what = quantity(l.amount, &l.unit, &l.action);
        if l.because.is_empty() {
            return what;
        }
        format!(
            "{what}, because of {}",
            self.commitments_of(&l.because, &mut seen, 0)
        )
    }

    /// "c4 (alice: …), which holds because …" for each id, joined.
    fn commitments_of(&self, ids: &[i64], seen: &mut HashSet<i64>, depth: usize) -> String {
        let parts: Vec<String> = ids
            .iter()
            .map(|id| self.commitment(*id, seen, depth))
            .collect();
        parts.join(" and of ")
    }

    fn commitment(&self, id: i64, seen: &mut HashSet<i64>, depth: usize) -> String {
        let Some(c) = self.commitments.iter().find(|c| c.id == id) else {
            return name(id);
        };
        let head = format!("{} ({}: {})", name(id), c.creator.username, c.summary);
        if !seen.insert(id) {
            return name(id);
        }
        if c.conditions.is_empty() {
            return head;
        }
        if depth >= DEPTH {
            return format!("{head}, which holds because of further commitments");
        }
        let reasons: Vec<String> = c
            .conditions
            .iter()
            .map(|condition| self.condition(c, condition, seen, depth))
            .collect();
        format!("{head}, which holds because {}", reasons.join(", and "))
    }

    /// The liabilities of `(action, unit)` — one quantity, compared by dimension.
    fn of<'b>(&'b self, action: &'b str, unit: &'b str) -> impl Iterator<Item = &'b Liability> {
        let action = normalize_action(action);
        self.liabilities
            .iter()
            .filter(move |l| normalize_action(&l.action) == action && same_dimension(&l.unit, unit))
    }

    fn condition(
        &self,
        commitment: &Commitment,
        condition: &Condition,
        seen: &mut HashSet<i64>,
        depth: usize,
    ) -> String {
        let (action, unit) = (&condition.action, &condition.unit);
        let others = || {
            self.of(action, unit)
                .filter(move |l| l.user.id != commitment.creator.id)
        };
        match (condition.user, condition.scope) {
            (Some(user), _) => match others().find(|l| l.user.id == user) {
                Some(l) => {
                    let mut text = format!(
                        "{} is bound to {}",
                        l.user.username,
                        quantity(l.amount, &l.unit, &l.action)
                    );
                    let fresh: Vec<i64> = l
                        .because
                        .iter()
                        .copied()
                        .filter(|id| !seen.contains(id))
                        .collect();
                    if !fresh.is_empty() {
                        text.push_str(" by ");
                        text.push_str(&self.commitments_of(&fresh, seen, depth + 1));
                    } else if !l.because.is_empty() {
                        let ids: Vec<String> = l.because.iter().map(|id| name(*id)).collect();
                        text.push_str(&format!(" by {} (each holds the other up)", ids.join(", ")));
                    }
                    text
                }
                None => "the condition is met".to_owned(),
            },
            (None, Scope::Together) => {
                let total: f64 = others()
                    .map(|l| convert(l.amount, &l.unit, unit).unwrap_or(l.amount))
                    .sum();
                format!(
                    "the others together are bound to {}",
                    quantity(total, unit, action)
                )
            }
            (None, Scope::Anyone) => {
                let most = others().max_by(|a, b| {
                    let a = convert(a.amount, &a.unit, unit).unwrap_or(a.amount);
                    let b = convert(b.amount, &b.unit, unit).unwrap_or(b.amount);
                    a.total_cmp(&b)
                });
                match most {
                    Some(l) => format!(
                        "{} is bound to {}",
                        l.user.username,
                        quantity(l.amount, &l.unit, &l.action)
                    ),
                    None => "the condition is met".to_owned(),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commitments::fixtures::{self, commitment};
    use crate::commitments::solve;

    fn condition(who: &str, min: f64) -> Condition {
        fixtures::condition(Some(who), min, "hours", "work")
    }

    fn promise(base: f64) -> quid_shared::Promise {
        fixtures::fixed(base, "hours", "work")
    }

    fn summed(mut c: Commitment, summary: &str) -> Commitment {
        c.summary = summary.into();
        c
    }

    /// A conditional liability names its commitment and, down the chain, the commitment
    /// that makes its condition hold.
    #[test]
    fn a_chain_down_to_the_unconditional_offer() {
        let all = vec![
            summed(
                commitment(4, "alice", vec![condition("bob", 5.0)], vec![promise(3.0)]),
                "3 hours of work if bob does ≥ 5 hours of work",
            ),
            summed(
                commitment(6, "bob", vec![], vec![promise(5.0)]),
                "5 hours of work, unconditionally",
            ),
        ];
        let explained = explain(&solve(&all).unwrap(), &all);
        let alice = explained
            .iter()
            .find(|l| l.user.username == "alice")
            .unwrap();
        assert_eq!(
            alice.why.as_deref(),
            Some(
                "3 hours of work, because of c4 (alice: 3 hours of work if bob does ≥ 5 hours \
                 of work), which holds because bob is bound to 5 hours of work by c6 (bob: 5 \
                 hours of work, unconditionally)"
            )
        );
    }

    /// Mutual conditions end the chain where it comes back, instead of going round.
    #[test]
    fn mutual_conditions_do_not_loop() {
        let all = vec![
            commitment(1, "alice", vec![condition("bob", 3.0)], vec![promise(3.0)]),
            commitment(2, "bob", vec![condition("alice", 3.0)], vec![promise(3.0)]),
        ];
        let explained = explain(&solve(&all).unwrap(), &all);
        let why = explained[0].why.clone().unwrap();
        assert!(why.starts_with("3 hours of work, because of c1"), "{why}");
        assert!(
            why.contains("bob is bound to 3 hours of work by c2"),
            "{why}"
        );
        assert!(
            why.ends_with("alice is bound to 3 hours of work by c1 (each holds the other up)"),
            "{why}"
        );
    }
}
