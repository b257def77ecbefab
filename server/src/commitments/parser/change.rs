//! Changing an offer in chat: "change my offer to 4 hours", "update #3 to 2h", "make my
//! cooking offer 3 hours", "raise my commitment to $30" — which of the author's
//! commitments (as a withdrawal names it), and its new amount. Only an offer of one fixed
//! promise is changed this way; anything else is asked about.

use quid_shared::{Commitment, Promise};

use super::super::model::Terms;
use super::super::units::{normalize_unit, same_dimension};
use super::cursor::Cursor;
use super::lexer::{digits, tokenize};
use super::shape::Amount;
use super::withdraw::{self, Strength, Withdrawal};

/// Verbs that change an amount.
const VERBS: &[&str] = &[
    "change", "update", "raise", "lower", "increase", "reduce", "decrease", "adjust", "set",
    "make", "bump", "cut", "up",
];

/// Words that say the object is one of the author's commitments.
const NAMING: &[&str] = &["my", "#", "offer", "commitment", "pledge", "promise"];

/// A change as read: which commitment, and the new amount (and unit, if written).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub which: Withdrawal,
    pub amount: f64,
    pub unit: Option<String>,
}

/// Reads a change of one of the author's active `commitments` from `text`.
pub fn read(text: &str, commitments: &[Commitment]) -> Option<Change> {
    if commitments.is_empty() {
        return None;
    }
    let tokens = tokenize(text);
    let mut c = Cursor::new(&tokens);
    c.skip_all(&[
        "please", "can", "could", "you", "i", "want", "would", "like", "to", "let", "me", "ok",
        "okay", "actually", "so", "just",
    ]);
    let verb = c.eat_one(VERBS)?;
    let rest = c.rest();
    // the object ends at "to" (or, after "make", at the new amount)
    let end = rest.iter().rposition(|t| t.text == "to").or_else(|| {
        (verb == "make")
            .then(|| {
                rest.iter()
                    .position(|t| digits(&t.text).is_some() || t.text == "$")
            })
            .flatten()
    })?;
    let object = &rest[..end];
    if !object.iter().any(|t| NAMING.contains(&t.text.as_str())) {
        return None;
    }
    let mut after = Cursor::new(&rest[end..]);
    after.eat_one(&["to"]);
    let read = super::quantity::read(&mut after)?;
    while matches!(
        after.peek(0),
        "." | "!" | "please" | "instead" | "now" | "thanks"
    ) {
        after.at += 1;
    }
    if !after.done() {
        return None;
    }
    let Amount::Known(amount) = read.quantity.amount else {
        return None;
    };
    Some(Change {
        which: withdraw::choose(object, commitments, Strength::Strong),
        amount,
        unit: read.quantity.unit,
    })
}

/// Whether `text` could be a change at all (the pre-filter's test).
pub fn may_be(text: &str) -> bool {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).collect();
    words.iter().any(|w| VERBS.contains(w))
        && (words.iter().any(|w| NAMING.contains(w)) || lower.contains('#'))
}

/// `commitment`'s terms with its one fixed promise at `amount` (in `unit`, if given), or
/// why that cannot be done.
pub fn terms(commitment: &Commitment, amount: f64, unit: Option<&str>) -> Result<Terms, String> {
    let [promise] = commitment.promises.as_slice() else {
        return Err("that offer has several promises: say the whole new offer".into());
    };
    if promise.rate != 0.0 {
        return Err("that offer grows with what someone does: say the whole new offer".into());
    }
    let unit = match unit {
        Some(unit) if !same_dimension(unit, &promise.unit) => {
            return Err(format!(
                "the new amount is in {} but the offer in {}",
                normalize_unit(unit),
                promise.unit
            ));
        }
        Some(unit) => unit.to_owned(),
        None => promise.unit.clone(),
    };
    Ok(Terms {
        conditions: commitment.conditions.clone(),
        promises: vec![Promise::fixed(promise.action.clone(), unit, amount)],
    })
}

#[cfg(test)]
mod tests {
    use super::super::super::fixtures::{commitment, condition, fixed, user};
    use super::super::{Context, Detection, Detector, RuleParser};
    use super::*;

    fn mine() -> Vec<Commitment> {
        let mut work = commitment(
            3,
            "carol",
            vec![condition(Some("bob"), 5.0, "hours", "work")],
            vec![fixed(3.0, "hours", "work")],
        );
        work.summary = "3 hours of work if bob does ≥ 5 hours of work".into();
        let mut cooking = commitment(4, "carol", vec![], vec![fixed(2.0, "hours", "cooking")]);
        cooking.summary = "2 hours of cooking, unconditionally".into();
        vec![work, cooking]
    }

    fn read(text: &str) -> Detection {
        let members = vec![user("alice"), user("bob"), user("carol")];
        let author = user("carol");
        let commitments = mine();
        let context = Context {
            author: &author,
            members: &members,
            commitments: &commitments,
        };
        RuleParser.detect(text, &context)
    }

    /// A change that names one commitment keeps its conditions and takes the new amount.
    #[test]
    fn a_named_commitment_takes_the_new_amount() {
        for text in [
            "change my work offer to 4 hours",
            "Please update #3 to 4h",
            "make my work commitment 4 hours",
        ] {
            let Detection::Change { id, terms } = read(text) else {
                panic!("{text}: {:?}", read(text))
            };
            assert_eq!(id, 3, "{text}");
            assert_eq!(terms.promises[0].base, 4.0, "{text}");
            assert_eq!(terms.conditions.len(), 1, "{text}");
        }
    }

    /// Words that do not single one out ask which, and the answer picks it.
    #[test]
    fn which_one_is_asked() {
        let Detection::Clarify { question, pending } = read("change my offer to 5 hours") else {
            panic!()
        };
        assert!(
            question.starts_with("Which commitment do you change to 5 hours?"),
            "{question}"
        );
        let members = vec![user("alice"), user("bob"), user("carol")];
        let author = user("carol");
        let commitments = mine();
        let context = Context {
            author: &author,
            members: &members,
            commitments: &commitments,
        };
        let Detection::Change { id, terms } = RuleParser.answer(&pending, "2", &context) else {
            panic!()
        };
        assert_eq!((id, terms.promises[0].base), (4, 5.0));
    }

    /// A new amount in another dimension is asked about; chat about changing plans is not
    /// a change.
    #[test]
    fn what_is_not_a_change() {
        assert!(matches!(
            read("change my cooking offer to $20"),
            Detection::Clarify { .. }
        ));
        for text in [
            "let's change the plan to 4 hours",
            "change of plans, see you at 5",
        ] {
            assert!(!matches!(read(text), Detection::Change { .. }), "{text}");
        }
    }
}
