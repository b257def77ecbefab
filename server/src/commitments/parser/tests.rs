//! One test per row of the parser table in the contract, plus the clarification flow.

use quid_shared::{Commitment, UserRef};

use super::super::fixtures::{commitment, fixed, user};
use super::super::model::Terms;
use super::{Context, Detection, Detector, Need, RuleParser};

fn members() -> Vec<UserRef> {
    ["alice", "bob", "carol", "celia"]
        .into_iter()
        .map(user)
        .collect()
}

/// What `author` saying `text` is detected as, with no earlier commitments.
fn detect_by(author: &str, text: &str) -> Detection {
    detect_with(author, text, &[])
}

/// Also checks the pre-filter's promise: whatever is detected, `may_detect` said it might be.
fn detect_with(author: &str, text: &str, commitments: &[Commitment]) -> Detection {
    let members = members();
    let author = user(author);
    let detection = RuleParser.detect(
        text,
        &Context {
            author: &author,
            members: &members,
            commitments,
        },
    );
    if detection != Detection::Nothing {
        assert!(
            RuleParser.may_detect(text),
            "ruled out but detected: {text}"
        );
    }
    detection
}

/// The summary of a detected commitment, or a description of what was detected instead.
fn summary(detection: &Detection) -> String {
    match detection {
        Detection::Commitment(terms) => terms.summary(&members()),
        other => format!("not a commitment: {other:?}"),
    }
}

fn terms(detection: Detection) -> Terms {
    match detection {
        Detection::Commitment(terms) => terms,
        other => panic!("expected a commitment, got {other:?}"),
    }
}

fn question(detection: &Detection) -> String {
    match detection {
        Detection::Clarify { question, .. } => question.clone(),
        other => format!("not a question: {other:?}"),
    }
}

/// "If Alice does 5h work, I'll do 3h" (bob) -> 3 hours of work if alice ≥ 5 hours of work.
#[test]
fn condition_first_with_short_units() {
    assert_eq!(
        summary(&detect_by("bob", "If Alice does 5h work, I'll do 3h")),
        "3 hours of work if alice does ≥ 5 hours of work"
    );
}

/// Promise first, "at least", action coding.
#[test]
fn promise_first_with_action() {
    assert_eq!(
        summary(&detect_by(
            "bob",
            "I'll do 3 hours of coding if Alice does at least 5 hours of coding"
        )),
        "3 hours of coding if alice does ≥ 5 hours of coding"
    );
}

/// "others collectively" is the aggregate over the other members.
#[test]
fn aggregate_condition() {
    let t = terms(detect_by(
        "bob",
        "If others collectively do at least 10 hours of work, I will do at least 5 hours of work",
    ));
    assert_eq!(t.conditions.len(), 1);
    assert_eq!(t.conditions[0].user, None);
    assert_eq!(
        t.summary(&members()),
        "5 hours of work if the others together do ≥ 10 hours of work"
    );
}

/// No condition: unconditional.
#[test]
fn unconditional_promise() {
    assert_eq!(
        summary(&detect_by("bob", "I will do 10 hours of work")),
        "10 hours of work, unconditionally"
    );
}

/// Base 2, rate 0.5 of bob's testing over threshold 3, total capped at 8 (cap 6).
#[test]
fn proportional_promise_with_total_cap() {
    let t = terms(detect_by(
        "alice",
        "If Bob does at least 3 hours of testing, I will do 2 hours plus 50% of any excess he does, up to 8 hours total",
    ));
    let p = &t.promises[0];
    assert_eq!((p.action.as_str(), p.unit.as_str()), ("testing", "hours"));
    assert_eq!(
        (p.base, p.rate, p.threshold, p.cap),
        (2.0, 0.5, 3.0, Some(6.0))
    );
    assert_eq!(p.ref_user, Some(user("bob").id));
    assert_eq!(t.conditions[0].min, 3.0);
}

/// "each" distributes one condition over several names; money is usd.
#[test]
fn each_distributes_over_names() {
    let t = terms(detect_by(
        "alice",
        "I'll pay $20 if Bob and Carol each pay $10",
    ));
    assert_eq!(t.conditions.len(), 2);
    assert_eq!(t.conditions[0].user, Some(user("bob").id));
    assert_eq!(t.conditions[1].user, Some(user("carol").id));
    assert!(
        t.conditions
            .iter()
            .all(|c| c.unit == "usd" && c.min == 10.0)
    );
    assert_eq!(
        (t.promises[0].base, t.promises[0].unit.as_str()),
        (20.0, "usd")
    );
}

/// Frequencies and percentages: 2 times per day of dishes if celia ≥ 40 percent of rent.
#[test]
fn frequency_and_percentage() {
    assert_eq!(
        summary(&detect_by(
            "bob",
            "I'll do the dishes twice a day if Celia pays 40% of the rent"
        )),
        "2 times per day of dishes if celia does ≥ 40 percent of rent"
    );
}

/// An unknown name is questioned, with the closest member suggested.
#[test]
fn unknown_member_is_questioned() {
    assert_eq!(
        question(&detect_by("bob", "If Alicia does 5h, I'll do 3h")),
        "I don't see Alicia in this group — did you mean alice?"
    );
}

/// A missing amount is asked for.
#[test]
fn missing_amount_is_asked() {
    let q = question(&detect_by("alice", "I'll do some work if Bob does 5h"));
    assert!(q.starts_with("How much work will you do?"), "{q}");
}

/// A missing unit is asked for.
#[test]
fn missing_unit_is_asked() {
    let q = question(&detect_by("alice", "I'll do 3 if Bob does 5"));
    assert!(q.starts_with("3 of what"), "{q}");
}

/// Hedged wording asks whether it is a commitment at all.
#[test]
fn hedged_wording_asks_for_confirmation() {
    let q = question(&detect_by("alice", "maybe I could do 3h if Bob helps"));
    assert!(q.starts_with("Is this a commitment?"), "{q}");
}

/// Withdrawal: with one commitment it is revoked; with several, "last" picks the newest
/// and otherwise the parser asks which.
#[test]
fn revocation() {
    let one = [commitment(
        4,
        "alice",
        vec![],
        vec![fixed(1.0, "hours", "work")],
    )];
    assert_eq!(
        detect_with("alice", "I withdraw my commitment", &one),
        Detection::Revoke { id: 4 }
    );
    let two = [
        commitment(4, "alice", vec![], vec![fixed(1.0, "hours", "work")]),
        commitment(
            9,
            "alice",
            vec![],
            vec![fixed(2.0, "times per day", "dishes")],
        ),
    ];
    assert_eq!(
        detect_with("alice", "cancel my last offer", &two),
        Detection::Revoke { id: 9 }
    );
    assert!(
        question(&detect_with("alice", "I withdraw my commitment", &two))
            .starts_with("Which commitment")
    );
    assert_eq!(
        detect_with("alice", "I withdraw my dishes commitment", &two),
        Detection::Revoke { id: 9 }
    );
    assert_eq!(
        detect_with("alice", "I withdraw my commitment", &[]),
        Detection::Nothing
    );
}

/// Ordinary chat is nothing.
#[test]
fn ordinary_chat_is_nothing() {
    for text in [
        "I'll be there at 5",
        "did anyone do the dishes?",
        "if it rains I'll stay home",
        "hello everyone",
        "I worked 5 hours yesterday",
        "",
    ] {
        assert_eq!(detect_by("alice", text), Detection::Nothing, "{text}");
    }
}

/// The pre-filter rules out chat without "I" + a modal or a withdrawal, and keeps every
/// sentence the parser reads as something (a commitment, a question, a withdrawal).
#[test]
fn may_detect_rules_out_plain_chat_only() {
    for text in [
        "hello everyone",
        "did anyone do the dishes?",
        "I worked 5 hours yesterday",
        "will you do 3h of work?",
        "qb:1234:xxxxxxxxxxxxxxxxxxxx",
        "",
    ] {
        assert!(!RuleParser.may_detect(text), "{text}");
    }
    for text in [
        "If Alice does 5h work, I'll do 3h",
        "I will pay $20",
        "maybe I could do 3h if Bob helps",
        "i can do 2 hours",
        "I withdraw my commitment",
        "I take back my offer",
    ] {
        assert!(RuleParser.may_detect(text), "{text}");
    }
}

/// Names match case-insensitively; a prefix ("Ali" may be someone else) is asked about
/// with the member it begins suggested, and "yes" completes it; "the group" is the
/// aggregate.
#[test]
fn names_by_prefix_and_group_words() {
    assert_eq!(
        summary(&detect_by(
            "bob",
            "if ALICE does 2h of work I'll do 1h of work"
        )),
        "1 hour of work if alice does ≥ 2 hours of work"
    );
    let members = members();
    let bob = user("bob");
    let context = Context {
        author: &bob,
        members: &members,
        commitments: &[],
    };
    let asked = RuleParser.detect("if ALI does 2h of work I'll do 1h of work", &context);
    assert_eq!(
        question(&asked),
        "I don't see ALI in this group — did you mean alice?"
    );
    let Detection::Clarify { pending, .. } = asked else {
        panic!("expected a question");
    };
    assert_eq!(
        summary(&RuleParser.answer(&pending, "yes", &context)),
        "1 hour of work if alice does ≥ 2 hours of work"
    );
    let t = terms(detect_by(
        "bob",
        "If the group does 10 hours of work, I will do 2 hours of work",
    ));
    assert_eq!(t.conditions[0].user, None);
    let q = question(&detect_by("bob", "If c does 2h of work I'll do 1h"));
    assert!(q.contains("I don't see c"), "{q}");
}

/// A proportional promise without a limit is asked for one.
#[test]
fn proportional_without_limit_asks_for_one() {
    let q = question(&detect_by(
        "alice",
        "If Bob does 3 hours of work, I will do 1 hour plus 50% of any excess he does",
    ));
    assert!(q.starts_with("Up to how much"), "{q}");
}

/// The clarification flow: each answer is combined with the original text until the
/// commitment is complete (or a further question is asked).
#[test]
fn answers_complete_the_commitment() {
    let members = members();
    let bob = user("bob");
    let context = Context {
        author: &bob,
        members: &members,
        commitments: &[],
    };
    let answer = |detection: &Detection, reply: &str| match detection {
        Detection::Clarify { pending, .. } => RuleParser.answer(pending, reply, &context),
        other => panic!("expected a question, got {other:?}"),
    };

    let asked = RuleParser.detect("If Alicia does 5h work, I'll do 3h", &context);
    assert_eq!(
        summary(&answer(&asked, "yes")),
        "3 hours of work if alice does ≥ 5 hours of work"
    );
    assert_eq!(
        summary(&answer(&asked, "I meant Carol")),
        "3 hours of work if carol does ≥ 5 hours of work"
    );
    assert_eq!(answer(&asked, "no"), Detection::Nothing);

    let asked = RuleParser.detect("I'll do some work if Alice does 5h", &context);
    assert_eq!(
        summary(&answer(&asked, "3 hours")),
        "3 hours of work if alice does ≥ 5 hours of work"
    );

    let asked = RuleParser.detect("I'll do 3 if Alice does 5", &context);
    let further = answer(&asked, "hours");
    assert!(
        question(&further).starts_with("3 hours of what"),
        "{further:?}"
    );
    assert_eq!(
        summary(&answer(&further, "work")),
        "3 hours of work if alice does ≥ 5 hours of work"
    );

    let asked = RuleParser.detect("maybe I could do 3h of work if Alice helps", &context);
    let further = answer(&asked, "yes");
    assert!(question(&further).starts_with("How much"), "{further:?}");
    assert_eq!(
        summary(&answer(&further, "2 hours of work")),
        "3 hours of work if alice does ≥ 2 hours of work"
    );

    let asked = RuleParser.detect(
        "If Alice does 3 hours of work, I will do 1 hour plus 50% of any excess she does",
        &context,
    );
    let t = terms(answer(&asked, "up to 4 hours"));
    assert_eq!((t.promises[0].rate, t.promises[0].cap), (0.5, Some(3.0)));
}

/// A question about a withdrawal is answered with a number.
#[test]
fn which_commitment_is_answered_by_number() {
    let members = members();
    let alice = user("alice");
    let two = [
        commitment(4, "alice", vec![], vec![fixed(1.0, "hours", "work")]),
        commitment(
            9,
            "alice",
            vec![],
            vec![fixed(2.0, "times per day", "dishes")],
        ),
    ];
    let context = Context {
        author: &alice,
        members: &members,
        commitments: &two,
    };
    let Detection::Clarify { pending, .. } =
        RuleParser.detect("I withdraw my commitment", &context)
    else {
        panic!("expected a question");
    };
    assert!(matches!(pending.need, Need::Revoke { .. }));
    assert_eq!(
        RuleParser.answer(&pending, "2", &context),
        Detection::Revoke { id: 9 }
    );
}
