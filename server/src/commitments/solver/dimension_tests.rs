//! Units compared by value, liabilities in their promises' units, the diff across units,
//! and "someone else" conditions.

use quid_shared::Liability;
use time::{Duration, OffsetDateTime};

use super::super::fixtures::{anyone, commitment, condition, fixed, proportional, row, rows, user};
use super::{diff, solve};

/// Issue 12's case: "if yuri does ≥ 90 minutes of ironing, I'll do 1 hour", and yuri
/// offers 2 hours: the minutes meet the hours, and each is bound in their own unit.
#[test]
fn minutes_meet_hours() {
    let result = solve(&[
        commitment(
            1,
            "me",
            vec![condition(Some("yuri"), 90.0, "minutes", "ironing")],
            vec![fixed(1.0, "hour", "ironing")],
        ),
        commitment(2, "yuri", vec![], vec![fixed(2.0, "hours", "ironing")]),
    ]);
    assert_eq!(
        rows(&result.unwrap()),
        vec![
            row("me", "ironing", "hours", 1.0),
            row("yuri", "ironing", "hours", 2.0)
        ]
    );
    // 89 minutes against 1.5 hours is short by a minute: nobody is bound to the hour.
    let short = solve(&[
        commitment(
            1,
            "me",
            vec![condition(Some("yuri"), 1.5, "h", "ironing")],
            vec![fixed(1.0, "hour", "ironing")],
        ),
        commitment(2, "yuri", vec![], vec![fixed(89.0, "mins", "ironing")]),
    ]);
    assert_eq!(
        rows(&short.unwrap()),
        vec![row("yuri", "ironing", "minutes", 89.0)]
    );
}

/// Dollars and cents are one quantity; euros are another.
#[test]
fn money_compares_within_its_currency() {
    let result = solve(&[
        commitment(
            1,
            "ann",
            vec![condition(None, 10.0, "usd", "rent")],
            vec![fixed(500.0, "cents", "rent")],
        ),
        commitment(2, "bob", vec![], vec![fixed(600.0, "¢", "rent")]),
        commitment(3, "cyd", vec![], vec![fixed(4.0, "$", "rent")]),
        commitment(
            4,
            "dan",
            vec![condition(None, 10.0, "eur", "rent")],
            vec![fixed(1.0, "eur", "rent")],
        ),
    ])
    .unwrap();
    assert_eq!(
        rows(&result),
        vec![
            row("ann", "rent", "cents", 500.0),
            row("bob", "rent", "cents", 600.0),
            row("cyd", "rent", "usd", 4.0),
        ]
    );
}

/// A proportional promise's rate is per unit of its reference, in its own unit: 10 minutes
/// per hour of bob's, bob doing 90 minutes -> 15 minutes.
#[test]
fn rates_convert_both_sides() {
    let mut promise = proportional(0.0, 10.0, Some("bob"), 0.0, 60.0, "minutes", "work");
    promise.ref_unit = Some("hours".into());
    let result = solve(&[
        commitment(1, "ann", vec![], vec![promise]),
        commitment(2, "bob", vec![], vec![fixed(90.0, "minutes", "work")]),
    ])
    .unwrap();
    assert_eq!(result[0].amount, 15.0);
    assert_eq!(result[0].unit, "minutes");
    // Twice a day is 14 times a week: half a time per week for each daily one, capped at 10.
    let mut weekly = proportional(0.0, 0.5, Some("bob"), 0.0, 10.0, "times per week", "dishes");
    weekly.ref_unit = Some("times per day".into());
    let result = solve(&[
        commitment(1, "ann", vec![], vec![weekly]),
        commitment(2, "bob", vec![], vec![fixed(2.0, "times a day", "dishes")]),
    ])
    .unwrap();
    assert_eq!(
        rows(&result),
        vec![
            row("ann", "dishes", "times per week", 1.0),
            row("bob", "dishes", "times per day", 2.0)
        ]
    );
}

/// A liability is told in the unit of the promise that yields it: the larger, whatever
/// its unit; on a tie, the oldest commitment's.
#[test]
fn liability_unit_is_the_yielding_promise_unit() {
    let result = solve(&[
        commitment(1, "ann", vec![], vec![fixed(1.0, "hours", "work")]),
        commitment(2, "ann", vec![], vec![fixed(90.0, "minutes", "work")]),
    ])
    .unwrap();
    assert_eq!(rows(&result), vec![row("ann", "work", "minutes", 90.0)]);
    assert_eq!(result[0].because, vec![2]);

    let mut older = commitment(2, "ann", vec![], vec![fixed(60.0, "minutes", "work")]);
    older.created_at = OffsetDateTime::UNIX_EPOCH - Duration::days(1);
    let result = solve(&[
        commitment(1, "ann", vec![], vec![fixed(1.0, "hours", "work")]),
        older,
    ])
    .unwrap();
    assert_eq!(rows(&result), vec![row("ann", "work", "minutes", 60.0)]);
    assert_eq!(result[0].because, vec![1, 2]);
}

/// The diff compares by value: a liability whose unit changed is one change, the old
/// amount converted; the same value in another unit is no change at all.
#[test]
fn diff_across_units() {
    let liability = |name: &str, amount, unit: &str| Liability {
        user: user(name),
        action: "work".into(),
        unit: unit.into(),
        amount,
        because: vec![1],
        why: None,
    };
    let old = vec![
        liability("ann", 90.0, "minutes"),
        liability("bob", 60.0, "minutes"),
        liability("cyd", 2.0, "usd"),
    ];
    let new = vec![
        liability("ann", 2.0, "hours"),
        liability("bob", 1.0, "hours"),
        liability("cyd", 2.0, "hours"),
    ];
    let changes: Vec<(String, String, f64, f64)> = diff(&old, &new)
        .into_iter()
        .map(|c| (c.user.username, c.unit, c.old, c.new))
        .collect();
    assert_eq!(
        changes,
        vec![
            ("ann".into(), "hours".into(), 1.5, 2.0),
            ("cyd".into(), "hours".into(), 0.0, 2.0),
            ("cyd".into(), "usd".into(), 2.0, 0.0),
        ]
    );
    // Two of one dimension announced before units were compared: the larger stands.
    let both = vec![
        liability("ann", 2.0, "hours"),
        liability("ann", 30.0, "minutes"),
    ];
    assert!(diff(&both, &[liability("ann", 120.0, "minutes")]).is_empty());
    // A third of an hour and 20 minutes are one amount, whatever the f64 rounding.
    let third = vec![liability("ann", 1.0 / 3.0, "hours")];
    let twenty = vec![liability("ann", 20.0, "minutes")];
    assert!(diff(&third, &twenty).is_empty());
    assert!(diff(&twenty, &third).is_empty());
}

/// "Someone else" is one other member on their own: two members at 1 hour each do not
/// make someone who does 2 hours, one at 2 hours does; the creator never counts.
#[test]
fn someone_else_needs_one_member_with_enough() {
    let mine = || {
        commitment(
            1,
            "ann",
            vec![anyone(2.0, "hours", "cleaning")],
            vec![fixed(1.0, "hours", "cleaning")],
        )
    };
    let together = solve(&[
        mine(),
        commitment(2, "bob", vec![], vec![fixed(1.0, "hours", "cleaning")]),
        commitment(3, "cyd", vec![], vec![fixed(60.0, "minutes", "cleaning")]),
    ])
    .unwrap();
    assert!(together.iter().all(|l| l.user.username != "ann"));

    let one = solve(&[
        mine(),
        commitment(2, "bob", vec![], vec![fixed(1.0, "hours", "cleaning")]),
        commitment(3, "cyd", vec![], vec![fixed(120.0, "minutes", "cleaning")]),
    ])
    .unwrap();
    assert_eq!(one[0], {
        let mut expected = one[0].clone();
        expected.user = user("ann");
        expected.amount = 1.0;
        expected
    });

    let only_me = solve(&[
        mine(),
        commitment(2, "ann", vec![], vec![fixed(3.0, "hours", "cleaning")]),
    ])
    .unwrap();
    assert_eq!(rows(&only_me), vec![row("ann", "cleaning", "hours", 3.0)]);
    assert_eq!(only_me[0].because, vec![2]);
}

/// Mutual "someone else" conditions bind like mutual named ones: the greatest fixed point.
#[test]
fn mutual_someone_else_binds() {
    let ann = || {
        commitment(
            1,
            "ann",
            vec![anyone(1.0, "hours", "work")],
            vec![fixed(1.0, "hours", "work")],
        )
    };
    let bob = |minutes| {
        commitment(
            2,
            "bob",
            vec![anyone(30.0, "minutes", "work")],
            vec![fixed(minutes, "minutes", "work")],
        )
    };
    assert_eq!(
        rows(&solve(&[ann(), bob(60.0)]).unwrap()),
        vec![
            row("ann", "work", "hours", 1.0),
            row("bob", "work", "minutes", 60.0)
        ]
    );
    // ann needs someone at 1 hour, and bob offers 45 minutes, cyd 50: ann's falls, while
    // bob's holds on cyd alone.
    let cyd = commitment(3, "cyd", vec![], vec![fixed(50.0, "minutes", "work")]);
    assert_eq!(
        rows(&solve(&[ann(), bob(45.0), cyd]).unwrap()),
        vec![
            row("bob", "work", "minutes", 45.0),
            row("cyd", "work", "minutes", 50.0)
        ]
    );
}

/// Members who each promise a base plus a fifth of what the others together do, in hours
/// or in minutes: x = 1 h + 0.2 · 3x, so each does exactly 2.5 hours (150 minutes) —
/// one system through the others' total, solved exactly.
#[test]
fn shares_of_the_others_total_across_units() {
    let share = |id, name: &str, unit: &str, base: f64| {
        commitment(
            id,
            name,
            vec![],
            vec![proportional(
                base,
                0.2,
                None,
                0.0,
                10.0 * base,
                unit,
                "work",
            )],
        )
    };
    let result = solve(&[
        share(1, "ann", "hours", 1.0),
        share(2, "bob", "minutes", 60.0),
        share(3, "cyd", "hours", 1.0),
        share(4, "dan", "minutes", 60.0),
    ])
    .unwrap();
    assert_eq!(
        rows(&result),
        vec![
            row("ann", "work", "hours", 2.5),
            row("bob", "work", "minutes", 150.0),
            row("cyd", "work", "hours", 2.5),
            row("dan", "work", "minutes", 150.0),
        ]
    );
}
