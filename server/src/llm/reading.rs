//! The model's answer, checked: parsed from the reply's JSON, turned into the same
//! [`OfferDraft`] the grammar fills, and completed by the same validator
//! ([`draft::resolve`]) — so an unknown member, a missing unit or an invalid shape becomes a
//! question, never a commitment. On top, a reading must be grounded in the text: every
//! amount it records is written in the message, and a message with a condition word keeps
//! a condition; otherwise it would widen what the author said.

use quid_shared::UserRef;
use serde::Deserialize;

use crate::commitments::Terms;
use crate::commitments::parser::Need;
use crate::commitments::parser::draft::{self, Resolved};
use crate::commitments::parser::shape::{
    Amount, ConditionDraft, Limit, OfferDraft, PromiseDraft, Quantity, Share, Who,
};

/// A reading as the model gives it (the schema in [`super::prompt::schema`]).
#[derive(Debug, Clone, Deserialize)]
pub struct Reply {
    pub kind: Kind,
    #[serde(default)]
    pub promises: Vec<PromiseReply>,
    #[serde(default)]
    pub conditions: Vec<ConditionReply>,
    #[serde(default)]
    pub withdraw: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Offer,
    Withdraw,
    None,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PromiseReply {
    pub amount: Option<f64>,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub share: Option<ShareReply>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ShareReply {
    pub rate: f64,
    pub who: String,
    pub limit: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ConditionReply {
    pub who: String,
    pub amount: Option<f64>,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub action: String,
}

/// What the model's reading comes to.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading {
    /// Not an offer by the author.
    Nothing,
    /// Complete, valid terms, every amount written in the text.
    Terms(Terms),
    /// Complete, valid terms that say more than the text (an amount not written in it, or
    /// a condition dropped): only the author may confirm them.
    Ungrounded(Terms),
    /// Incomplete or invalid: what the validator would ask.
    Ask(Need),
    /// Withdraws this commitment of the author's.
    Withdraw(i64),
}

/// Parses the JSON the model wrote (the `content` of its message).
pub fn parse(content: &str) -> Result<Reply, serde_json::Error> {
    // Some servers wrap JSON in a code fence even when asked for a schema.
    let trimmed = content.trim();
    let unfenced = trimmed
        .strip_prefix("```json")
        .or_else(|| trimmed.strip_prefix("```"))
        .and_then(|rest| rest.strip_suffix("```"))
        .unwrap_or(trimmed);
    serde_json::from_str(unfenced)
}

/// Checks `reply` for `text` by `author` among `members`, the author's commitment ids
/// being `mine`.
pub fn check(
    reply: &Reply,
    text: &str,
    author: &UserRef,
    members: &[UserRef],
    mine: &[i64],
) -> Reading {
    match reply.kind {
        Kind::None => Reading::Nothing,
        Kind::Withdraw => match reply.withdraw {
            Some(id) if mine.contains(&id) => Reading::Withdraw(id),
            _ => Reading::Nothing,
        },
        Kind::Offer if reply.promises.is_empty() => Reading::Nothing,
        Kind::Offer => match draft::resolve(offer(reply, members), author, members) {
            Resolved::Ask(need) => Reading::Ask(need),
            Resolved::Terms(terms) if grounded(reply, text) => Reading::Terms(terms),
            Resolved::Terms(terms) => Reading::Ungrounded(terms),
        },
    }
}

/// The reading as the grammar's draft.
fn offer(reply: &Reply, members: &[UserRef]) -> OfferDraft {
    let mut limit = None;
    let promises = reply
        .promises
        .iter()
        .map(|p| {
            let share = p.share.as_ref().map(|s| {
                limit = Some(Limit {
                    amount: s.limit,
                    unit: None,
                    action: None,
                    total: false,
                });
                Share {
                    rate: s.rate,
                    follows: Some(who(&s.who, members)),
                    ..Share::default()
                }
            });
            // a share alone has no fixed part
            let base = p.amount.filter(|a| share.is_none() || *a > 0.0);
            PromiseDraft {
                quantity: quantity(base, &p.unit, &p.action),
                share,
                same: false,
            }
        })
        .collect();
    let conditions = reply
        .conditions
        .iter()
        .map(|c| ConditionDraft {
            who: who(&c.who, members),
            who_span: (0, 0),
            quantity: Some(quantity(c.amount, &c.unit, &c.action)),
            same: false,
            rest_span: (0, 0),
        })
        .collect();
    OfferDraft {
        promises,
        conditions,
        limit,
    }
}

fn quantity(amount: Option<f64>, unit: &str, action: &str) -> Quantity {
    let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    Quantity {
        amount: amount.map_or(Amount::Missing, Amount::Known),
        unit: text(unit),
        action: text(action),
        ..Quantity::default()
    }
}

/// Who a name is: a member (exactly, by username), the others, anyone — or unknown, with
/// the one member whose name it starts, offered but never taken.
fn who(name: &str, members: &[UserRef]) -> Who {
    let wanted = name.trim().trim_start_matches('@').to_lowercase();
    match wanted.as_str() {
        "others" | "the others" | "everyone else" | "everybody else" | "the group" | "everyone" => {
            return Who::Others;
        }
        "anyone" | "anyone else" | "someone" | "someone else" | "somebody else" => {
            return Who::Anyone;
        }
        _ => {}
    }
    if let Some(member) = members.iter().find(|m| m.username.to_lowercase() == wanted) {
        return Who::Member(member.clone());
    }
    let mut prefixed = members
        .iter()
        .filter(|m| !wanted.is_empty() && m.username.to_lowercase().starts_with(&wanted));
    let suggestion = match (prefixed.next(), prefixed.next()) {
        (Some(one), None) => Some(one.clone()),
        _ => None,
    };
    Who::Unknown {
        name: name.trim().to_owned(),
        suggestion,
    }
}

/// Whether every amount of the reading is written in `text`, and a text with a condition
/// word has a condition in the reading.
fn grounded(reply: &Reply, text: &str) -> bool {
    let written = numbers(text);
    let amounts = reply
        .promises
        .iter()
        .flat_map(|p| {
            let share = p.share.as_ref().map(|s| s.limit);
            p.amount.filter(|a| *a > 0.0).into_iter().chain(share)
        })
        .chain(reply.conditions.iter().filter_map(|c| c.amount));
    let all_written = amounts
        .into_iter()
        .all(|a| written.iter().any(|w| (w - a).abs() < 1e-9));
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let conditional = words.iter().any(|w| {
        matches!(
            *w,
            "if" | "provided" | "providing" | "unless" | "when" | "once" | "assuming"
        )
    }) || lower.contains("as long as");
    all_written && (!conditional || !reply.conditions.is_empty())
}

/// Whether `text` writes a number at all (what the model may be asked about).
pub fn names_an_amount(text: &str) -> bool {
    !numbers(text).is_empty()
}

/// Every number written in `text`, in digits ("2", "2.5", "1,000") or in the words the
/// rules' grammar reads as numbers ("twelve", "a dozen", "half", "twice"), and "an" (one).
fn numbers(text: &str) -> Vec<f64> {
    use crate::commitments::parser::{fraction_word, number_word, times_word};
    let lower = text.to_lowercase();
    let mut found = Vec::new();
    let mut digits = String::new();
    for c in lower.chars().chain([' ']) {
        if c.is_ascii_digit() || (c == '.' && !digits.is_empty()) {
            digits.push(c);
        } else if c == ',' && !digits.is_empty() {
            // a thousands separator ("1,000"); a list comma ends the number below
        } else if !digits.is_empty() {
            if let Ok(n) = digits.trim_end_matches('.').parse::<f64>() {
                found.push(n);
                if c == 'k' {
                    found.push(n * 1000.0);
                }
            }
            digits.clear();
        }
    }
    for word in lower.split(|c: char| !c.is_alphanumeric()) {
        let n = match word {
            "an" => Some(1.0),
            _ => number_word(word)
                .or_else(|| fraction_word(word))
                .or_else(|| times_word(word)),
        };
        found.extend(n);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(name: &str, n: u128) -> UserRef {
        UserRef {
            id: quid_shared::Id::from_u128(n),
            username: name.into(),
        }
    }

    fn group() -> Vec<UserRef> {
        vec![member("alice", 1), member("bob", 2), member("carol", 3)]
    }

    fn read(json: &str, text: &str) -> Reading {
        let members = group();
        check(&parse(json).unwrap(), text, &members[0], &members, &[7])
    }

    /// A complete reading with every amount in the text gives the validated terms.
    #[test]
    fn a_good_reading_is_terms() {
        let reading = read(
            r#"{"kind":"offer","promises":[{"amount":3,"unit":"h","action":"work","share":null}],
                "conditions":[{"who":"Bob","amount":5,"unit":"hours","action":"work"}],"withdraw":null}"#,
            "happy to put in 3 hours on the garden if bob manages 5",
        );
        let Reading::Terms(terms) = reading else {
            panic!("{reading:?}")
        };
        assert_eq!(terms.promises[0].unit, "hours");
        assert_eq!(terms.conditions[0].user, Some(group()[1].id));
    }

    /// An unknown member is a question, and a name's prefix is not taken for the member.
    #[test]
    fn unknown_members_are_asked_about() {
        for name in ["dave", "bo"] {
            let json = format!(
                r#"{{"kind":"offer","promises":[{{"amount":3,"unit":"hours","action":"work","share":null}}],
                    "conditions":[{{"who":"{name}","amount":5,"unit":"hours","action":"work"}}],"withdraw":null}}"#
            );
            let reading = read(&json, "3 hours from me if he does 5");
            assert!(
                matches!(reading, Reading::Ask(Need::Member { .. })),
                "{reading:?}"
            );
        }
    }

    /// An amount the text does not hold, or a condition dropped, widens the offer.
    #[test]
    fn a_widening_reading_is_not_grounded() {
        let unconditional = r#"{"kind":"offer","promises":[{"amount":3,"unit":"hours","action":"work","share":null}],
            "conditions":[],"withdraw":null}"#;
        assert!(matches!(
            read(unconditional, "I'll do 3 hours if bob does 5"),
            Reading::Ungrounded(_)
        ));
        assert!(matches!(
            read(unconditional, "I could do three hours"),
            Reading::Terms(_)
        ));
        let more = unconditional.replace("\"amount\":3", "\"amount\":30");
        assert!(matches!(
            read(&more, "I'll do 3 hours"),
            Reading::Ungrounded(_)
        ));
    }

    /// A withdrawal must name one of the author's own commitments.
    #[test]
    fn withdrawals_name_the_authors_commitment() {
        let json = |id: i64| {
            format!(r#"{{"kind":"withdraw","promises":[],"conditions":[],"withdraw":{id}}}"#)
        };
        assert_eq!(read(&json(7), "scrap that"), Reading::Withdraw(7));
        assert_eq!(read(&json(8), "scrap that"), Reading::Nothing);
    }

    /// Code fences around the JSON are tolerated; anything else that is not the schema is
    /// an error.
    #[test]
    fn replies_parse_strictly() {
        assert!(parse("```json\n{\"kind\":\"none\"}\n```").is_ok());
        assert!(parse("I think Bob offered 3 hours").is_err());
        assert!(parse(r#"{"kind":"maybe"}"#).is_err());
    }
}
