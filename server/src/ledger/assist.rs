//! The two readers together. The rules read first; a complete reading of theirs stands and
//! the model is not asked. When the rules find nothing or would ask, the model reads the
//! message, and its reading — checked by the rules' validator — decides:
//!
//! | rules      | model                          | result                                        |
//! |------------|--------------------------------|-----------------------------------------------|
//! | nothing    | complete, grounded             | recorded (reader `model`)                     |
//! | nothing    | complete, says more than text  | asked: "did you mean …?"                      |
//! | nothing    | incomplete or invalid          | asked to say it again, with the reason        |
//! | nothing    | a withdrawal of theirs         | asked which (that one offered)                |
//! | a question | complete (grounded or not)     | the rules' question, plus "or did you mean …?"|
//! |            |                                | (alone, if the rules' question takes "yes")   |
//! | any        | nothing, or it failed          | the rules' result                             |

use quid_shared::{Commitment, Liability, UserRef};

use crate::commitments::parser::Need;
use crate::commitments::{Detection, Pending, Terms};
use crate::llm::{ModelReader, Reading, Scene};

/// What the rules and the model make of a message together, and which reader decided.
pub struct Combined {
    pub detection: Detection,
    pub reader: &'static str,
}

/// Whether the model is asked about what the rules made of a message.
pub fn asks_model(rules: &Detection) -> bool {
    matches!(rules, Detection::Nothing | Detection::Clarify { .. })
}

/// Asks `model` to read `text` and combines its reading with the rules' `rules`.
pub async fn combine(
    model: &ModelReader,
    text: &str,
    author: &UserRef,
    members: &[UserRef],
    mine: &[Commitment],
    liabilities: &[Liability],
    rules: Detection,
) -> Combined {
    let scene = Scene {
        author,
        members,
        commitments: mine,
        liabilities,
    };
    let rules_stand = |rules| Combined {
        detection: rules,
        reader: "rules",
    };
    let Ok(reply) = model.read(text, &scene).await else {
        return rules_stand(rules);
    };
    let ids: Vec<i64> = mine.iter().map(|c| c.id).collect();
    let reading = crate::llm::reading::check(&reply, text, author, members, &ids);
    let by_model = |detection| Combined {
        detection,
        reader: "model",
    };
    let ask = |pending: Pending| {
        by_model(Detection::Clarify {
            question: pending.question(),
            pending,
        })
    };
    let suggest = |terms: Terms, otherwise: Option<Pending>| {
        let reading = terms.summary(members);
        let (text, allow, otherwise) = match otherwise {
            // A question answered by "yes" would make "yes" mean two things: the model's
            // reading is offered alone.
            Some(Pending {
                need: Need::Confirm | Need::Unplaced { .. },
                ..
            })
            | None => (text.to_owned(), Default::default(), None),
            Some(p) => (p.text, p.allow, Some(Box::new(p.need))),
        };
        ask(Pending {
            text,
            need: Need::Suggested {
                reading,
                conditions: terms.conditions,
                promises: terms.promises,
                otherwise,
            },
            allow,
        })
    };
    match (rules, reading) {
        (rules, Reading::Nothing) => rules_stand(rules),
        (Detection::Nothing, Reading::Terms(terms)) => by_model(Detection::Commitment(terms)),
        (Detection::Nothing, Reading::Ungrounded(terms)) => suggest(terms, None),
        (Detection::Nothing, Reading::Ask(need)) => ask(Pending {
            text: text.to_owned(),
            need: Need::Restate { why: why(&need) },
            allow: Default::default(),
        }),
        (Detection::Nothing, Reading::Withdraw(id)) => {
            let candidates = mine
                .iter()
                .filter(|c| c.id == id)
                .map(|c| (c.id, c.summary.clone()))
                .collect();
            ask(Pending {
                text: text.to_owned(),
                need: Need::Revoke { candidates },
                allow: Default::default(),
            })
        }
        (
            Detection::Clarify { pending, .. },
            Reading::Terms(terms) | Reading::Ungrounded(terms),
        ) => suggest(terms, Some(pending)),
        (rules, _) => rules_stand(rules),
    }
}

/// What an incomplete model reading lacks, in the words of "this reads like an offer,
/// but …".
fn why(need: &Need) -> String {
    match need {
        Need::Member { name, .. } => format!("I don't see {name} in this group"),
        Need::WhichMember {
            name, candidates, ..
        } => format!("\"{name}\" could be {}", candidates.join(" or ")),
        Need::Amount { about, .. } => format!("I could not tell how much {about}"),
        Need::Unit { amount, .. } => format!("I could not tell what {amount} counts"),
        Need::Action { quantity, .. } => format!("I could not tell what {quantity} are of"),
        Need::Cap => "a share of what someone else does needs a limit (\"up to …\")".into(),
        Need::Restate { why } => why.clone(),
        _ => "I could not read all of it".into(),
    }
}
