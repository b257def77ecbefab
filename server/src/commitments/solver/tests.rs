//! The solver cases the contract names, plus the corner cases of the algorithm.

use quid_shared::{CommitmentStatus, Liability};

use super::super::fixtures::{commitment, condition, fixed, proportional, row, rows, user};
use super::{diff, solve};

/// Mutual conditions bind: 3h if the other does 3h, both ways -> both 3h.
#[test]
fn mutual_conditions_bind() {
    let result = solve(&[
        commitment(
            1,
            "alice",
            vec![condition(Some("bob"), 3.0, "h", "work")],
            vec![fixed(3.0, "hours", "work")],
        ),
        commitment(
            2,
            "bob",
            vec![condition(Some("alice"), 3.0, "hours", "work")],
            vec![fixed(3.0, "hrs", "work")],
        ),
    ]);
    assert_eq!(
        rows(&result.unwrap()),
        vec![
            row("alice", "work", "hours", 3.0),
            row("bob", "work", "hours", 3.0)
        ]
    );
}

/// alice 10h unconditionally; bob 2 + min(5, 0.5·(alice − 5)) if alice ≥ 5 -> bob 4.5.
#[test]
fn proportional_promise_follows_its_reference() {
    let result = solve(&[
        commitment(1, "alice", vec![], vec![fixed(10.0, "hours", "work")]),
        commitment(
            2,
            "bob",
            vec![condition(Some("alice"), 5.0, "hours", "work")],
            vec![proportional(
                2.0,
                0.5,
                Some("alice"),
                5.0,
                5.0,
                "hours",
                "work",
            )],
        ),
    ])
    .unwrap();
    assert_eq!(
        rows(&result),
        vec![
            row("alice", "work", "hours", 10.0),
            row("bob", "work", "hours", 4.5)
        ]
    );
    assert_eq!(result[1].because, vec![2]);
}

/// "If the others do ≥ 10h" with nobody else committed binds nobody.
#[test]
fn aggregate_condition_with_nobody_else_yields_nothing() {
    let result = solve(&[commitment(
        1,
        "carol",
        vec![condition(None, 10.0, "hours", "work")],
        vec![fixed(5.0, "hours", "work")],
    )]);
    assert_eq!(result, Ok(vec![]));
}

/// An aggregate condition counts the others only, never the creator.
#[test]
fn aggregate_condition_counts_the_others() {
    let result = solve(&[
        commitment(
            1,
            "carol",
            vec![condition(None, 10.0, "hours", "work")],
            vec![fixed(5.0, "hours", "work")],
        ),
        commitment(2, "dave", vec![], vec![fixed(6.0, "hours", "work")]),
        commitment(3, "erin", vec![], vec![fixed(4.0, "hours", "work")]),
    ]);
    assert_eq!(result.unwrap().len(), 3);
}

/// The household of the demo comes out exactly as listed in the contract.
#[test]
fn household_demo() {
    let result = solve(&household()).unwrap();
    assert_eq!(
        rows(&result),
        vec![
            row("anna", "ac/dc volume reduction", "dB", 7.0),
            row("anna", "trash", "times per week", 1.0),
            row("bella", "dishes", "times per day", 2.0),
            row("cat", "meowing reduction", "dB", 3.5),
            row("cat", "rent", "percent", 10.0),
            row("celia", "rent", "percent", 30.0),
        ]
    );
}

/// The household's commitments, as `quid-server --demo` creates them.
fn household() -> Vec<quid_shared::Commitment> {
    let mut meow = proportional(0.0, 0.5, Some("anna"), 0.0, 3.5, "dB", "meowing reduction");
    meow.ref_action = Some("AC/DC volume reduction".into());
    vec![
        commitment(
            1,
            "anna",
            vec![condition(Some("bella"), 1.0, "times per day", "dishes")],
            vec![fixed(1.0, "times per week", "trash")],
        ),
        commitment(
            2,
            "bella",
            vec![condition(None, 40.0, "%", "rent")],
            vec![fixed(2.0, "times per day", "the dishes")],
        ),
        commitment(
            3,
            "celia",
            vec![condition(None, 0.5, "times per week", "trash")],
            vec![fixed(30.0, "percent", "rent")],
        ),
        commitment(4, "cat", vec![], vec![fixed(10.0, "percent", "rent")]),
        commitment(
            5,
            "cat",
            vec![condition(Some("anna"), 2.0, "dB", "AC/DC volume reduction")],
            vec![meow],
        ),
        commitment(
            6,
            "anna",
            vec![condition(Some("cat"), 3.5, "dB", "meowing reduction")],
            vec![fixed(7.0, "dB", "AC/DC volume reduction")],
        ),
    ]
}

/// A: 1 + 0.99·B, B: 1 + 0.99·A, caps 1000 -> exactly 100 each, not an approximation.
#[test]
fn contracting_cycle_is_solved_exactly() {
    let result = solve(&[
        commitment(
            1,
            "a",
            vec![],
            vec![proportional(
                1.0,
                0.99,
                Some("b"),
                0.0,
                1000.0,
                "hours",
                "work",
            )],
        ),
        commitment(
            2,
            "b",
            vec![],
            vec![proportional(
                1.0,
                0.99,
                Some("a"),
                0.0,
                1000.0,
                "hours",
                "work",
            )],
        ),
    ]);
    assert_eq!(
        rows(&result.unwrap()),
        vec![
            row("a", "work", "hours", 100.0),
            row("b", "work", "hours", 100.0)
        ]
    );
}

/// A: 0.5·B, B: 0.5·A -> exactly 0 for both, so no liability at all.
#[test]
fn halving_cycle_is_exactly_zero() {
    let result = solve(&[
        commitment(
            1,
            "a",
            vec![],
            vec![proportional(
                0.0,
                0.5,
                Some("b"),
                0.0,
                10.0,
                "hours",
                "work",
            )],
        ),
        commitment(
            2,
            "b",
            vec![],
            vec![proportional(
                0.0,
                0.5,
                Some("a"),
                0.0,
                10.0,
                "hours",
                "work",
            )],
        ),
    ]);
    assert_eq!(result, Ok(vec![]));
}

/// A: 1·B, B: 1·A, caps 10 -> the greatest fixed point, 10 each (not the least, 0).
#[test]
fn neutral_cycle_takes_the_greatest_point() {
    let result = solve(&[
        commitment(
            1,
            "a",
            vec![],
            vec![proportional(
                0.0,
                1.0,
                Some("b"),
                0.0,
                10.0,
                "hours",
                "work",
            )],
        ),
        commitment(
            2,
            "b",
            vec![],
            vec![proportional(
                0.0,
                1.0,
                Some("a"),
                0.0,
                10.0,
                "hours",
                "work",
            )],
        ),
    ]);
    assert_eq!(
        rows(&result.unwrap()),
        vec![
            row("a", "work", "hours", 10.0),
            row("b", "work", "hours", 10.0)
        ]
    );
}

/// With a contracting and a neutral promise competing, the answer is the greatest fixed
/// point (5), not the contracting promise's own fixed point (2), which is also one.
#[test]
fn competing_promises_do_not_stop_at_a_lower_fixed_point() {
    let result = solve(&[
        commitment(
            1,
            "a",
            vec![],
            vec![proportional(
                1.0,
                0.5,
                Some("b"),
                0.0,
                100.0,
                "hours",
                "work",
            )],
        ),
        commitment(
            2,
            "a",
            vec![],
            vec![proportional(0.0, 1.0, Some("b"), 0.0, 5.0, "hours", "work")],
        ),
        commitment(
            3,
            "b",
            vec![],
            vec![proportional(
                0.0,
                1.0,
                Some("a"),
                0.0,
                100.0,
                "hours",
                "work",
            )],
        ),
    ])
    .unwrap();
    assert_eq!(
        rows(&result),
        vec![
            row("a", "work", "hours", 5.0),
            row("b", "work", "hours", 5.0)
        ]
    );
    assert_eq!(result[0].because, vec![2]);
}

/// A user's several commitments do not add up: the largest applicable one counts.
#[test]
fn largest_applicable_commitment_counts() {
    let result = solve(&[
        commitment(1, "alice", vec![], vec![fixed(2.0, "hours", "work")]),
        commitment(
            2,
            "alice",
            vec![condition(Some("bob"), 1.0, "hours", "work")],
            vec![fixed(5.0, "hours", "work")],
        ),
        commitment(
            3,
            "alice",
            vec![condition(Some("carol"), 1.0, "hours", "work")],
            vec![fixed(9.0, "hours", "work")],
        ),
        commitment(4, "bob", vec![], vec![fixed(1.0, "hours", "work")]),
    ])
    .unwrap();
    assert_eq!(result[0].amount, 5.0);
    assert_eq!(result[0].because, vec![2]);
}

/// A chain of unmet conditions binds nobody, and revoked commitments do not count.
#[test]
fn unmet_chain_and_revoked_commitments_bind_nobody() {
    let mut revoked = commitment(3, "carol", vec![], vec![fixed(3.0, "hours", "work")]);
    revoked.status = CommitmentStatus::Revoked;
    let result = solve(&[
        commitment(
            1,
            "alice",
            vec![condition(Some("bob"), 3.0, "hours", "work")],
            vec![fixed(3.0, "hours", "work")],
        ),
        commitment(
            2,
            "bob",
            vec![condition(Some("carol"), 3.0, "hours", "work")],
            vec![fixed(3.0, "hours", "work")],
        ),
        revoked,
    ]);
    assert_eq!(result, Ok(vec![]));
}

/// An invalid commitment is reported with its id, never silently solved.
#[test]
fn invalid_commitment_is_an_error() {
    let mut uncapped = proportional(1.0, 0.5, Some("b"), 0.0, 1.0, "hours", "work");
    uncapped.cap = None;
    let result = solve(&[commitment(7, "a", vec![], vec![uncapped])]);
    assert!(matches!(
        result,
        Err(super::SolveError::Invalid { id: 7, .. })
    ));
}

/// The diff names each changed entry once, reports a removal as `x -> 0`, and omits the rest.
#[test]
fn diff_reports_changes_once() {
    let liability = |name: &str, amount| Liability {
        user: user(name),
        action: "work".into(),
        unit: "hours".into(),
        amount,
        because: vec![1],
        why: None,
    };
    let old = vec![
        liability("alice", 3.0),
        liability("bob", 3.0),
        liability("carol", 1.0),
    ];
    let new = vec![
        liability("alice", 3.0),
        liability("bob", 4.0),
        liability("dave", 2.0),
    ];
    let changes: Vec<(String, f64, f64)> = diff(&old, &new)
        .into_iter()
        .map(|c| (c.user.username, c.old, c.new))
        .collect();
    assert_eq!(
        changes,
        vec![
            ("bob".into(), 3.0, 4.0),
            ("carol".into(), 1.0, 0.0),
            ("dave".into(), 0.0, 2.0)
        ]
    );
    assert!(diff(&new, &new).is_empty());
}
