//! Property test against a brute-force oracle: on random small instances — conditions on a
//! member, on the others together and on "someone else", capped proportional promises,
//! amounts in hours and in minutes mixed — the solver's answer is a fixed point of the
//! liability operator as the oracle reads the commitments, every Kleene iterate from the
//! top stays above it and closes in on it, no point of a fine grid that the commitments
//! jointly support (a post-fixed point) lies outside it, and the reported liabilities say
//! the same amounts in their promises' units.
//!
//! The oracle reads the wire commitments directly, with its own unit table, so it shares
//! neither the solver's indexing nor its conversions.

use proptest::prelude::*;
use quid_shared::{Commitment, Condition, Promise, Scope};

use super::super::exact::{self, Exact};
use super::super::fixtures::{commitment, condition, fixed, proportional};
use super::problem::Problem;
use super::{fixpoint, solve};

const USERS: [&str; 3] = ["a", "b", "c"];

/// Seconds per unit, as the oracle knows them.
fn seconds(unit: &str) -> Exact {
    match unit {
        "hours" => Exact::from_integer(3600),
        "minutes" => Exact::from_integer(60),
        other => panic!("the generator uses hours and minutes only, not {other}"),
    }
}

fn exact(value: f64) -> Exact {
    exact::from_f64(value).unwrap_or_else(exact::zero)
}

fn max(a: Exact, b: Exact) -> Exact {
    if b > a { b } else { a }
}

fn min(a: Exact, b: Exact) -> Exact {
    if b < a { b } else { a }
}

/// The index of a user in [`USERS`], by id.
fn index_of(id: quid_shared::Id) -> usize {
    USERS
        .iter()
        .position(|name| super::super::fixtures::user(name).id == id)
        .unwrap_or(usize::MAX)
}

/// Someone's amount as a condition or a proportional part reads it, in seconds: a member's
/// own, or the others' (everyone but `creator`) sum, or their largest.
fn amount(x: &[Exact], creator: usize, user: Option<quid_shared::Id>, scope: Scope) -> Exact {
    let others = (0..USERS.len())
        .filter(|u| *u != creator)
        .map(|u| x[u].clone());
    match (user, scope) {
        (Some(id), _) => x[index_of(id)].clone(),
        (None, Scope::Together) => others.fold(exact::zero(), |sum, v| sum + v),
        (None, Scope::Anyone) => others.fold(exact::zero(), max),
    }
}

/// The liability operator, read straight from the commitments: per user (in seconds), the
/// largest yield of their commitments whose conditions hold under `x`, else 0.
fn oracle_step(commitments: &[Commitment], x: &[Exact]) -> Vec<Exact> {
    let mut next = vec![exact::zero(); USERS.len()];
    for c in commitments {
        let creator = index_of(c.creator.id);
        let holds = c.conditions.iter().all(|k: &Condition| {
            amount(x, creator, k.user, k.scope) >= exact(k.min) * seconds(&k.unit)
        });
        if !holds {
            continue;
        }
        for p in &c.promises {
            let mut native = exact(p.base);
            if p.rate > 0.0 {
                let ref_unit = p.ref_unit.as_deref().unwrap_or(&p.unit);
                let reference = amount(x, creator, p.ref_user, Scope::Together) / seconds(ref_unit);
                let excess = max(exact::zero(), reference - exact(p.threshold));
                native = native + min(exact(p.cap.unwrap_or(0.0)), exact(p.rate) * excess);
            }
            next[creator] = max(next[creator].clone(), native * seconds(&p.unit));
        }
    }
    next
}

/// Halves from 0 to `max_halves / 2`.
fn halves(max_halves: u32) -> impl Strategy<Value = f64> {
    (0..=max_halves).prop_map(|h| f64::from(h) / 2.0)
}

fn unit() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("hours"), Just("minutes")]
}

/// `hours` hours, written in `unit`.
fn written(hours: f64, unit: &str) -> f64 {
    if unit == "minutes" {
        hours * 60.0
    } else {
        hours
    }
}

/// A member other than the creator, or (with `None`) the others.
fn who(creator: usize) -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![
        Just(None),
        (1..USERS.len()).prop_map(move |shift| Some(USERS[(creator + shift) % USERS.len()])),
    ]
}

fn a_condition(creator: usize) -> impl Strategy<Value = Condition> {
    (who(creator), any::<bool>(), halves(8), unit()).prop_map(|(who, anyone, min, unit)| {
        let mut condition = condition(who, written(min, unit), unit, "work");
        if who.is_none() && anyone {
            condition.scope = Scope::Anyone;
        }
        condition
    })
}

fn a_promise(creator: usize) -> impl Strategy<Value = Promise> {
    prop_oneof![
        ((1..=6u32), unit()).prop_map(|(h, unit)| fixed(
            written(f64::from(h) / 2.0, unit),
            unit,
            "work"
        )),
        (
            halves(3),
            0..2usize,
            who(creator),
            halves(3),
            (1..=6u32),
            (unit(), unit()),
        )
            .prop_map(|(base, rate, who, threshold, cap, (unit, ref_unit))| {
                // Rates in promise units per reference unit whose decimal is exact.
                let rate = match (unit, ref_unit) {
                    ("hours", "minutes") => [0.025, 0.05][rate],
                    ("minutes", "hours") => [30.0, 120.0][rate],
                    _ => [0.5, 2.0][rate],
                };
                let mut promise = proportional(
                    written(base, unit),
                    rate,
                    who,
                    written(threshold, ref_unit),
                    written(f64::from(cap) / 2.0, unit),
                    unit,
                    "work",
                );
                promise.ref_unit = Some(ref_unit.to_owned());
                promise
            }),
    ]
}

fn a_commitment(id: i64) -> impl Strategy<Value = Commitment> {
    (0..USERS.len()).prop_flat_map(move |creator| {
        (
            prop::collection::vec(a_condition(creator), 0..=2),
            a_promise(creator),
        )
            .prop_map(move |(conditions, promise)| {
                commitment(id, USERS[creator], conditions, vec![promise])
            })
    })
}

fn instance() -> impl Strategy<Value = Vec<Commitment>> {
    (1..=5usize).prop_flat_map(|n| (0..n as i64).map(a_commitment).collect::<Vec<_>>())
}

/// Every grid point `q` (quarter hours up to the top, 0 for who promises nothing) with
/// `q <= step(q)`, i.e. every profile the commitments jointly support on the grid.
fn supported_grid_points(commitments: &[Commitment], top: &[Exact]) -> Vec<Vec<Exact>> {
    let quarter = Exact::from_integer(900);
    let mut points = vec![Vec::new()];
    for bound in top {
        let mut next = Vec::new();
        for point in &points {
            let mut value = exact::zero();
            while value <= *bound {
                let mut extended: Vec<Exact> = point.clone();
                extended.push(value.clone());
                next.push(extended);
                value += &quarter;
            }
        }
        points = next;
    }
    points
        .into_iter()
        .filter(|q| {
            oracle_step(commitments, q)
                .iter()
                .zip(q)
                .all(|(image, value)| value <= image)
        })
        .collect()
}

/// The most each user's promises can yield, in seconds.
fn oracle_top(commitments: &[Commitment]) -> Vec<Exact> {
    let mut top = vec![exact::zero(); USERS.len()];
    for c in commitments {
        let creator = index_of(c.creator.id);
        for p in &c.promises {
            let most = (exact(p.base) + exact(p.cap.unwrap_or(0.0))) * seconds(&p.unit);
            top[creator] = max(top[creator].clone(), most);
        }
    }
    top
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    /// The answer is the greatest fixed point of the liability operator.
    #[test]
    fn answer_is_the_greatest_fixed_point(commitments in instance()) {
        let problem = Problem::build(&commitments).expect("generated commitments are valid");
        let solution = fixpoint::greatest(&problem);
        let mut answer = vec![exact::zero(); USERS.len()];
        for (var, value) in solution.point.x().iter().enumerate() {
            let user = &problem.users[problem.vars[var].0];
            answer[index_of(user.id)] = value.clone();
        }
        prop_assert_eq!(&oracle_step(&commitments, &answer), &answer, "the answer is a fixed point");

        let top = oracle_top(&commitments);
        let mut iterate = top.clone();
        for _ in 0..200 {
            prop_assert!(answer.iter().zip(&iterate).all(|(a, i)| a <= i), "below every iterate from the top");
            iterate = oracle_step(&commitments, &iterate);
        }
        for (a, i) in answer.iter().zip(&iterate) {
            prop_assert!(exact::to_f64(i) - exact::to_f64(a) < 1e-6, "the iterates close in on it");
        }
        for point in supported_grid_points(&commitments, &top) {
            prop_assert!(point.iter().zip(&answer).all(|(q, a)| q <= a), "no larger supported profile");
        }

        let liabilities = solve(&commitments).expect("generated commitments are valid");
        for (user, value) in USERS.iter().zip(&answer) {
            let reported: Vec<_> = liabilities.iter().filter(|l| l.user.username == *user).collect();
            if *value == exact::zero() {
                prop_assert!(reported.is_empty(), "no liability of 0");
                continue;
            }
            prop_assert_eq!(reported.len(), 1, "one liability per user and dimension");
            let seconds_reported = reported[0].amount * exact::to_f64(&seconds(&reported[0].unit));
            prop_assert!((seconds_reported - exact::to_f64(value)).abs() < 1e-6, "in its promise's unit");
        }
    }
}
