//! Validation messages and plain-words summaries of the commitment model.

use quid_shared::{Condition, Scope};

use super::super::fixtures::{anyone, condition, fixed, proportional, user};
use super::{ModelError, Terms};

fn terms(conditions: Vec<quid_shared::Condition>, promises: Vec<quid_shared::Promise>) -> Terms {
    Terms {
        conditions,
        promises,
    }
}

/// The contract's example reads as the contract writes it.
#[test]
fn summary_of_a_conditional_promise() {
    let t = terms(
        vec![condition(Some("alice"), 5.0, "h", "work")],
        vec![fixed(3.0, "hrs", "Work")],
    )
    .normalized();
    assert_eq!(
        t.summary(&[user("alice")]),
        "3 hours of work if alice does ≥ 5 hours of work"
    );
}

/// Aggregates, several conditions and proportional parts read plainly too.
#[test]
fn summaries_of_aggregates_and_proportions() {
    let t = terms(
        vec![condition(None, 10.0, "hours", "work")],
        vec![fixed(5.0, "hours", "work")],
    );
    assert_eq!(
        t.summary(&[]),
        "5 hours of work if the others together do ≥ 10 hours of work"
    );
    let t = terms(
        vec![condition(Some("bob"), 3.0, "hours", "testing")],
        vec![proportional(
            2.0,
            0.5,
            Some("bob"),
            3.0,
            6.0,
            "hours",
            "testing",
        )],
    );
    assert_eq!(
        t.summary(&[user("bob")]),
        "2 hours of testing plus 50% of bob's testing beyond 3 hours (at most 6 hours more) \
         if bob does ≥ 3 hours of testing"
    );
    let t = terms(vec![], vec![fixed(10.0, "percent", "rent")]);
    assert_eq!(t.summary(&[]), "10 percent of rent, unconditionally");
    let mut rate = fixed(0.0, "dB", "meowing reduction");
    rate.rate = 0.5;
    rate.cap = Some(3.5);
    rate.ref_user = Some(user("anna").id);
    rate.ref_action = Some("ac/dc volume reduction".into());
    rate.ref_unit = Some("dB".into());
    let t = terms(vec![], vec![rate]);
    assert_eq!(
        t.summary(&[user("anna")]),
        "0.5 dB of meowing reduction per dB of anna's ac/dc volume reduction (at most 3.5 dB), \
         unconditionally"
    );
}

/// Each rule a person can break gets its own readable error.
#[test]
fn validation_explains_what_is_wrong() {
    let me = user("me").id;
    let check = |t: Terms| t.validate(me, None);
    assert_eq!(check(terms(vec![], vec![])), Err(ModelError::NoPromise));
    assert_eq!(
        check(terms(
            vec![condition(Some("me"), 1.0, "h", "work")],
            vec![fixed(1.0, "h", "work")]
        )),
        Err(ModelError::ConditionOnSelf)
    );
    let mut uncapped = proportional(1.0, 0.5, Some("bob"), 0.0, 1.0, "h", "work");
    uncapped.cap = None;
    assert_eq!(
        check(terms(vec![], vec![uncapped])),
        Err(ModelError::UncappedProportion)
    );
    assert!(matches!(
        check(terms(vec![], vec![fixed(-1.0, "h", "work")])),
        Err(ModelError::BadNumber { .. })
    ));
    for absurd in [f64::NAN, f64::INFINITY, 1.7e308, 1e12 + 1.0] {
        assert!(
            matches!(
                check(terms(vec![], vec![fixed(absurd, "h", "work")])),
                Err(ModelError::BadNumber { .. })
            ),
            "{absurd}"
        );
    }
    assert_eq!(check(terms(vec![], vec![fixed(1e12, "h", "work")])), Ok(()));
    assert_eq!(
        check(terms(vec![], vec![fixed(0.0, "h", "work")])),
        Err(ModelError::EmptyPromise)
    );
    assert_eq!(
        check(terms(vec![], vec![fixed(1.0, "h", " ")])),
        Err(ModelError::EmptyAction)
    );
    assert!(matches!(
        check(terms(
            vec![],
            vec![fixed(1.0, "h", "work"), fixed(2.0, "hours", "Work")]
        )),
        Err(ModelError::DuplicatePromise { .. })
    ));
    let members = [me];
    assert_eq!(
        terms(
            vec![condition(Some("zed"), 1.0, "h", "work")],
            vec![fixed(1.0, "h", "work")]
        )
        .validate(me, Some(&members)),
        Err(ModelError::NotAMember(user("zed").id))
    );
    assert!(
        ModelError::UncappedProportion.to_string().contains("up to"),
        "the message tells the author what to write"
    );
}

/// "Someone else" reads as such, cannot name a member, and old JSON without a scope is
/// "the others together".
#[test]
fn someone_else_conditions() {
    let t = terms(
        vec![anyone(2.0, "hours", "cleaning")],
        vec![fixed(90.0, "mins", "cleaning")],
    )
    .normalized();
    assert_eq!(
        t.summary(&[]),
        "90 minutes of cleaning if someone else does ≥ 2 hours of cleaning"
    );
    let me = user("me").id;
    assert_eq!(t.validate(me, None), Ok(()));
    let mut named = anyone(2.0, "hours", "cleaning");
    named.user = Some(user("bob").id);
    assert_eq!(
        terms(vec![named], vec![fixed(1.0, "h", "cleaning")]).validate(me, None),
        Err(ModelError::ScopeWithUser)
    );
    let old: Condition =
        serde_json::from_str(r#"{"user":null,"action":"work","min":10,"unit":"hours"}"#)
            .expect("a condition without a scope");
    assert_eq!(old.scope, Scope::Together);
    let json = serde_json::to_value(anyone(1.0, "h", "work")).expect("serialisable");
    assert_eq!(json["scope"], "anyone");
    let json = serde_json::to_value(condition(None, 1.0, "h", "work")).expect("serialisable");
    assert!(
        json.get("scope").is_none(),
        "the default is left out: {json}"
    );
}

/// Two promises of one action in one dimension are one quantity promised twice, whatever
/// their units; in two dimensions they are two quantities.
#[test]
fn duplicates_are_found_across_units() {
    let me = user("me").id;
    let check = |promises| terms(vec![], promises).validate(me, None);
    assert_eq!(
        check(vec![
            fixed(1.0, "h", "work"),
            fixed(30.0, "minutes", "the work")
        ]),
        Err(ModelError::DuplicatePromise {
            action: "work".into(),
            unit: "hours".into(),
            other: "minutes".into(),
        })
    );
    assert_eq!(
        check(vec![fixed(1.0, "h", "work"), fixed(30.0, "usd", "work")]),
        Ok(())
    );
    assert_eq!(
        check(vec![fixed(5.0, "$", "rent"), fixed(50.0, "¢", "rent")]).map_err(|e| e.to_string()),
        Err("rent is promised twice (in usd, and in cents): make it one promise".into())
    );
}
