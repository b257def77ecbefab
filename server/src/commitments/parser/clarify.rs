//! Clarification: what a sentence is missing, the question that asks for it, and how the
//! author's answer is spliced back into the sentence so the grammar can read it again.

use serde::{Deserialize, Serialize};

/// A question asked and not yet answered; stored until the author's next message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    /// The sentence so far (the original text, with earlier answers already spliced in).
    pub text: String,
    pub need: Need,
}

/// What is missing, with where in `Pending::text` the answer goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "need", rename_all = "snake_case")]
pub enum Need {
    /// Nobody is called `name` (written at `span`); `suggestion` is the closest member.
    Member {
        name: String,
        span: (usize, usize),
        suggestion: Option<String>,
    },
    /// Several members start with `name`.
    WhichMember {
        name: String,
        span: (usize, usize),
        candidates: Vec<String>,
    },
    /// No amount: the answer replaces `span`, after `prefix`.
    Amount {
        span: (usize, usize),
        prefix: String,
        about: String,
    },
    /// Numbers without a unit end at these offsets: the answer goes after each.
    Unit { after: Vec<usize>, amount: String },
    /// Quantities without an action end at these offsets: " of <answer>" goes after each.
    Action { after: Vec<usize>, quantity: String },
    /// A proportional promise without a limit: ", up to <answer> total" is appended.
    Cap,
    /// Hedged wording: is it a commitment at all?
    Confirm,
    /// Several commitments could be the one withdrawn.
    Revoke { candidates: Vec<(i64, String)> },
}

impl Pending {
    /// The question to put to the author.
    pub fn question(&self) -> String {
        match &self.need {
            Need::Member {
                name,
                suggestion: Some(s),
                ..
            } => {
                format!("I don't see {name} in this group — did you mean {s}?")
            }
            Need::Member {
                name,
                suggestion: None,
                ..
            } => {
                format!("I don't see {name} in this group — who do you mean?")
            }
            Need::WhichMember {
                name, candidates, ..
            } => {
                format!(
                    "\"{name}\" could be {} — which one?",
                    candidates.join(" or ")
                )
            }
            Need::Amount { about, .. } => format!("How much {about}? (e.g. \"3 hours\")"),
            Need::Unit { amount, .. } => {
                format!("{amount} of what — hours, usd, percent, times per week…?")
            }
            Need::Action { quantity, .. } => {
                format!("{quantity} of what (e.g. \"work\", \"dishes\")?")
            }
            Need::Cap => {
                "Up to how much in total? A proportional promise needs a limit.".to_owned()
            }
            Need::Confirm => {
                "Is this a commitment? Answer \"yes\" to make it binding, or \"no\".".to_owned()
            }
            Need::Revoke { candidates } => {
                let list: Vec<String> = candidates
                    .iter()
                    .enumerate()
                    .map(|(i, (_, summary))| format!("{}) {summary}", i + 1))
                    .collect();
                format!(
                    "Which commitment do you withdraw? {} (answer with its number)",
                    list.join("; ")
                )
            }
        }
    }
}

/// What an answer does to a pending question.
#[derive(Debug, Clone, PartialEq)]
pub enum Answered {
    /// The sentence with the answer spliced in, to be read again.
    Text(String),
    /// The commitment to withdraw.
    Revoke(i64),
    /// The author said no, or the answer cannot be used: drop the question.
    Dropped,
}

/// Words that say yes.
const YES: &[&str] = &[
    "yes", "y", "yeah", "yep", "yup", "sure", "correct", "right", "ok", "okay",
];
/// Words that say no or withdraw the question.
const NO: &[&str] = &[
    "no",
    "n",
    "nope",
    "nah",
    "never mind",
    "nevermind",
    "cancel",
    "forget it",
];

/// Applies the author's `answer` to `pending`. `members` are the group's usernames.
pub fn apply(pending: &Pending, answer: &str, members: &[String]) -> Answered {
    let answer = answer.trim().trim_end_matches(['.', '!', '?']).trim();
    let lower = answer.to_lowercase();
    let first_word = lower
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(',');
    let yes = YES.contains(&first_word);
    if NO.contains(&lower.as_str()) || NO.contains(&first_word) || answer.is_empty() {
        return Answered::Dropped;
    }
    let text = &pending.text;
    match &pending.need {
        Need::Member {
            span, suggestion, ..
        } => {
            let chosen = if yes {
                suggestion.clone()
            } else {
                member_named(&lower, members)
            };
            chosen.map_or(Answered::Dropped, |name| {
                Answered::Text(splice(text, *span, &name))
            })
        }
        Need::WhichMember {
            span, candidates, ..
        } => {
            let chosen = member_named(&lower, candidates).or_else(|| member_named(&lower, members));
            chosen.map_or(Answered::Dropped, |name| {
                Answered::Text(splice(text, *span, &name))
            })
        }
        Need::Amount { span, prefix, .. } => {
            Answered::Text(splice(text, *span, &format!("{prefix}{answer}")))
        }
        Need::Unit { after, .. } => {
            Answered::Text(insert_after(text, after, &format!(" {answer}")))
        }
        Need::Action { after, .. } => {
            let action = lower.strip_prefix("of ").unwrap_or(&lower);
            Answered::Text(insert_after(text, after, &format!(" of {action}")))
        }
        Need::Cap => {
            let limit = lower.strip_prefix("up to ").unwrap_or(&lower);
            let limit = limit.strip_suffix(" total").unwrap_or(limit);
            let base = text.trim_end().trim_end_matches(['.', '!']);
            Answered::Text(format!("{base}, up to {limit} total"))
        }
        Need::Confirm if yes => Answered::Text(dehedge(text)),
        Need::Confirm => Answered::Dropped,
        Need::Revoke { candidates } => {
            let digits: String = lower.chars().filter(char::is_ascii_digit).collect();
            // The number shown in the question, or else a commitment's id.
            let chosen = digits.parse::<usize>().ok().and_then(|n| {
                let by_position = n.checked_sub(1).and_then(|i| candidates.get(i));
                by_position.or_else(|| {
                    candidates
                        .iter()
                        .find(|(id, _)| usize::try_from(*id).ok() == Some(n))
                })
            });
            chosen.map_or(Answered::Dropped, |(id, _)| Answered::Revoke(*id))
        }
    }
}

/// The member named by the first word of `answer` (exactly, or by unique prefix).
fn member_named(answer: &str, members: &[String]) -> Option<String> {
    let word = answer
        .split_whitespace()
        .find(|w| !YES.contains(w) && *w != "i" && *w != "meant")?;
    let word = word.trim_matches(|c: char| !c.is_alphanumeric());
    if let Some(exact) = members.iter().find(|m| m.to_lowercase() == word) {
        return Some(exact.clone());
    }
    let mut prefixed = members
        .iter()
        .filter(|m| m.to_lowercase().starts_with(word));
    match (prefixed.next(), prefixed.next()) {
        (Some(only), None) if !word.is_empty() => Some(only.clone()),
        _ => None,
    }
}

/// `text` with the byte range `span` replaced by `with`.
fn splice(text: &str, span: (usize, usize), with: &str) -> String {
    let (start, end) = (span.0.min(text.len()), span.1.min(text.len()));
    match (text.get(..start), text.get(end..)) {
        (Some(before), Some(after)) => format!("{before}{with}{after}"),
        _ => text.to_owned(),
    }
}

/// `text` with `with` inserted after each offset in `after`.
fn insert_after(text: &str, after: &[usize], with: &str) -> String {
    let mut offsets = after.to_vec();
    offsets.sort_unstable();
    offsets.dedup();
    let mut result = text.to_owned();
    for offset in offsets.into_iter().rev() {
        if result.is_char_boundary(offset) && offset <= result.len() {
            result.insert_str(offset, with);
        }
    }
    result
}

/// A hedged sentence made firm: "maybe I could do 3h" -> "I will do 3h".
fn dehedge(text: &str) -> String {
    let words: Vec<String> = text
        .split_whitespace()
        .filter_map(|word| {
            let bare = word.to_lowercase();
            let bare = bare.trim_matches(|c: char| !c.is_alphanumeric());
            match bare {
                "maybe" | "perhaps" | "possibly" | "probably" => None,
                "could" | "might" | "may" | "would" | "can" => Some("will".to_owned()),
                _ => Some(word.to_owned()),
            }
        })
        .collect();
    words.join(" ")
}
