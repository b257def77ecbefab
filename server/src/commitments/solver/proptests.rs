//! Property test: on random small instances the solver's answer is a fixed point, every
//! Kleene iterate from the top stays above it and closes in on it, and no point of a fine
//! grid that the commitments jointly support (a post-fixed point) lies outside it.

use proptest::prelude::*;
use quid_shared::{Commitment, Condition, Promise};

use super::super::exact::{self, Exact};
use super::super::fixtures::{commitment, condition, fixed, proportional};
use super::fixpoint;
use super::problem::Problem;

const USERS: [&str; 3] = ["a", "b", "c"];

/// Halves from 0 to `max_halves / 2`.
fn halves(max_halves: u32) -> impl Strategy<Value = f64> {
    (0..=max_halves).prop_map(|h| f64::from(h) / 2.0)
}

fn who(creator: usize) -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![
        Just(None),
        (1..USERS.len()).prop_map(move |shift| Some(USERS[(creator + shift) % USERS.len()])),
    ]
}

fn a_condition(creator: usize) -> impl Strategy<Value = Condition> {
    (who(creator), halves(8)).prop_map(|(who, min)| condition(who, min, "hours", "work"))
}

fn a_promise(creator: usize) -> impl Strategy<Value = Promise> {
    prop_oneof![
        (1..=6u32).prop_map(|h| fixed(f64::from(h) / 2.0, "hours", "work")),
        (
            halves(3),
            prop_oneof![Just(0.5), Just(1.0), Just(2.0)],
            who(creator),
            halves(3),
            (1..=6u32)
        )
            .prop_map(|(base, rate, who, threshold, cap)| {
                proportional(
                    base,
                    rate,
                    who,
                    threshold,
                    f64::from(cap) / 2.0,
                    "hours",
                    "work",
                )
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

/// Every grid point `q` (quarters up to the top) with `q <= step(q)`, i.e. every profile the
/// commitments jointly support on the grid.
fn supported_grid_points(problem: &Problem, top: &[Exact]) -> Vec<Vec<Exact>> {
    let quarter = Exact::new(1, 4);
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
            problem
                .step(q)
                .iter()
                .zip(q)
                .all(|(image, value)| value <= image)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    /// The answer is the greatest fixed point of the liability operator.
    #[test]
    fn answer_is_the_greatest_fixed_point(commitments in instance()) {
        let problem = Problem::build(&commitments).expect("generated commitments are valid");
        let answer = fixpoint::greatest(&problem).values;
        prop_assert_eq!(&problem.step(&answer), &answer, "the answer is a fixed point");

        let mut iterate: Vec<Exact> = problem.var_pledges.iter()
            .map(|p| p.iter().map(|i| {
                let pledge = &problem.pledges[*i];
                pledge.proportion.as_ref().map_or(pledge.base.clone(), |q| &pledge.base + &q.cap)
            }).fold(exact::zero(), |a, b| if b > a { b } else { a }))
            .collect();
        let top = iterate.clone();
        for _ in 0..200 {
            prop_assert!(answer.iter().zip(&iterate).all(|(a, i)| a <= i), "below every iterate from the top");
            iterate = problem.step(&iterate);
        }
        for (a, i) in answer.iter().zip(&iterate) {
            prop_assert!(exact::to_f64(i) - exact::to_f64(a) < 1e-9, "the iterates close in on it");
        }
        for point in supported_grid_points(&problem, &top) {
            prop_assert!(point.iter().zip(&answer).all(|(q, a)| q <= a), "no larger supported profile");
        }
    }
}
