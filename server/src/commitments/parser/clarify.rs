//! Clarification: what a sentence is missing, and how the author's answer is spliced back
//! into the sentence so the grammar can read it again (the words of each question are in
//! `question`).

use quid_shared::{Condition, Promise};
use serde::{Deserialize, Serialize};

use super::super::model::Terms;

/// A question asked and not yet answered; stored until the author answers it (or it
/// expires).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    /// The sentence so far (the original text, with earlier answers already spliced in).
    pub text: String,
    pub need: Need,
    /// What the author has already agreed to (a hedge made firm, words left out).
    #[serde(default, skip_serializing_if = "Allow::is_empty")]
    pub allow: Allow,
}

/// What the author agreed to when answering "yes": the offer stands though it was hedged,
/// and words the grammar could not place are left out.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Allow {
    #[serde(default)]
    pub hedged: bool,
    /// Byte ranges of the text that are not read.
    #[serde(default)]
    pub ignore: Vec<(usize, usize)>,
}

impl Allow {
    pub fn is_empty(&self) -> bool {
        !self.hedged && self.ignore.is_empty()
    }
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
    /// Several commitments could be the one changed to `amount` (of `unit`).
    Change {
        candidates: Vec<(i64, String)>,
        amount: f64,
        unit: Option<String>,
    },
    /// Words (at `cut`) that cannot be placed in the offer, which reads as `reading`
    /// without them: "yes" records that reading.
    Unplaced {
        words: String,
        cut: Vec<(usize, usize)>,
        reading: String,
    },
    /// The offer cannot be read as written (`why`): only a restated offer answers.
    Restate { why: String },
    /// Another reader (the language model) read the offer as `reading`: "yes" records
    /// these terms (checked again against the group). Any other answer answers
    /// `otherwise`, the rules' own question, if there is one.
    Suggested {
        reading: String,
        conditions: Vec<Condition>,
        promises: Vec<Promise>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        otherwise: Option<Box<Need>>,
    },
}

/// What an answer does to a pending question.
#[derive(Debug, Clone, PartialEq)]
pub enum Answered {
    /// The sentence with the answer spliced in, to be read again with what is allowed.
    Text(String, Allow),
    /// The commitment to withdraw.
    Revoke(i64),
    /// The commitment to change, to `amount` (of `unit`).
    Change {
        id: i64,
        amount: f64,
        unit: Option<String>,
    },
    /// Terms another reader suggested, agreed to with "yes".
    Terms(Terms),
    /// The author said no, or the answer cannot be used: drop the question.
    Dropped,
}

/// Words that say yes.
const YES: &[&str] = &[
    "yes",
    "y",
    "yeah",
    "yep",
    "yup",
    "sure",
    "correct",
    "right",
    "ok",
    "okay",
    "yes please",
    "please do",
    "do it",
    "go ahead",
    "confirm",
    "confirmed",
    "exactly",
    "that's right",
    "that is right",
    "yea",
    "ya",
    "absolutely",
    "definitely",
    "of course",
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
    "skip",
    "skip it",
    "drop it",
    "no thanks",
    "not really",
    "not a commitment",
    "ignore",
    "ignore it",
    "stop",
];

/// The answer without its closing punctuation, lower-cased.
fn bare(answer: &str) -> String {
    answer
        .trim()
        .trim_end_matches(['.', '!', '?', ' '])
        .trim()
        .to_lowercase()
        .replace('’', "'")
}

/// Whether `answer` says no to the question.
pub fn says_no(answer: &str) -> bool {
    let lower = bare(answer);
    let first = lower
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(',');
    NO.contains(&lower.as_str()) || (NO.contains(&first) && lower.split_whitespace().count() <= 3)
}

/// Whether `answer` says yes and nothing else ("yes", "yes please", "ok!"): a yes with
/// more words ("yes but only on Saturdays") is not consent to what was read.
fn says_yes(answer: &str) -> bool {
    let lower = bare(answer);
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let polite = |w: &&str| {
        YES.contains(w)
            || matches!(
                *w,
                "please"
                    | "thanks"
                    | "do"
                    | "it"
                    | "that"
                    | "is"
                    | "right"
                    | "go"
                    | "ahead"
                    | "record"
            )
    };
    YES.contains(&lower.as_str()) || (!words.is_empty() && words.iter().all(polite))
}

/// Applies the author's `answer` to `pending`. `members` are the group's usernames.
pub fn apply(pending: &Pending, answer: &str, members: &[String]) -> Answered {
    let answer = answer.trim().trim_end_matches(['.', '!', '?']).trim();
    let lower = answer.to_lowercase();
    if says_no(answer) || answer.is_empty() {
        return Answered::Dropped;
    }
    let yes = says_yes(answer);
    let text = &pending.text;
    let again = |text: String| Answered::Text(text, pending.allow.clone());
    match &pending.need {
        Need::Member {
            span, suggestion, ..
        } => {
            let chosen = if yes {
                suggestion.clone()
            } else {
                member_named(&lower, members)
            };
            chosen.map_or(Answered::Dropped, |name| again(splice(text, *span, &name)))
        }
        Need::WhichMember {
            span, candidates, ..
        } => {
            let chosen = member_named(&lower, candidates).or_else(|| member_named(&lower, members));
            chosen.map_or(Answered::Dropped, |name| again(splice(text, *span, &name)))
        }
        Need::Amount { span, prefix, .. } => {
            let prefix = if span.0 == span.1 && prefix.is_empty() {
                " "
            } else {
                prefix.as_str()
            };
            again(splice(text, *span, &format!("{prefix}{answer}")))
        }
        Need::Unit { after, .. } => again(insert_after(text, after, &format!(" {answer}"))),
        Need::Action { after, .. } => {
            let action = lower.strip_prefix("of ").unwrap_or(&lower);
            again(insert_after(text, after, &format!(" of {action}")))
        }
        Need::Cap => {
            let limit = lower.strip_prefix("up to ").unwrap_or(&lower);
            let limit = limit.strip_suffix(" total").unwrap_or(limit);
            let base = text.trim_end().trim_end_matches(['.', '!']);
            again(format!("{base}, up to {limit} total"))
        }
        Need::Confirm if yes => Answered::Text(
            text.clone(),
            Allow {
                hedged: true,
                ..pending.allow.clone()
            },
        ),
        Need::Unplaced { cut, .. } if yes => {
            let mut allow = pending.allow.clone();
            allow.ignore.extend(cut.iter().copied());
            Answered::Text(text.clone(), allow)
        }
        Need::Confirm | Need::Unplaced { .. } | Need::Restate { .. } => Answered::Dropped,
        Need::Suggested {
            conditions,
            promises,
            ..
        } if yes => Answered::Terms(Terms {
            conditions: conditions.clone(),
            promises: promises.clone(),
        }),
        Need::Suggested {
            otherwise: Some(need),
            ..
        } => {
            let asked = Pending {
                text: pending.text.clone(),
                need: (**need).clone(),
                allow: pending.allow.clone(),
            };
            apply(&asked, answer, members)
        }
        Need::Suggested {
            otherwise: None, ..
        } => Answered::Dropped,
        Need::Revoke { candidates } => {
            choose(&lower, candidates).map_or(Answered::Dropped, Answered::Revoke)
        }
        Need::Change {
            candidates,
            amount,
            unit,
        } => choose(&lower, candidates).map_or(Answered::Dropped, |id| Answered::Change {
            id,
            amount: *amount,
            unit: unit.clone(),
        }),
    }
}

/// The commitment an answer picks: the number shown in the question, a commitment's id
/// (`4`, `#4`, `c4`), "the first / last one", or words of its summary.
fn choose(answer: &str, candidates: &[(i64, String)]) -> Option<i64> {
    let digits: String = answer.chars().filter(char::is_ascii_digit).collect();
    if let Ok(n) = digits.parse::<usize>() {
        let marked = answer.contains('#') || answer.trim_start().starts_with('c');
        let by_id = candidates
            .iter()
            .find(|(id, _)| usize::try_from(*id).ok() == Some(n));
        let by_position = n.checked_sub(1).and_then(|i| candidates.get(i));
        let chosen = if marked {
            by_id.or(by_position)
        } else {
            by_position.or(by_id)
        };
        return chosen.map(|(id, _)| *id);
    }
    let ordinal = [
        ("first", 0usize),
        ("second", 1),
        ("third", 2),
        ("fourth", 3),
        ("fifth", 4),
    ];
    if let Some((_, i)) = ordinal.iter().find(|(w, _)| answer.contains(w)) {
        return candidates.get(*i).map(|(id, _)| *id);
    }
    if answer.contains("last") || answer.contains("latest") || answer.contains("newest") {
        return candidates.last().map(|(id, _)| *id);
    }
    let words: Vec<&str> = answer
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2 && !matches!(*w, "the" | "one" | "my" | "commitment" | "offer"))
        .collect();
    let mut matching = candidates
        .iter()
        .filter(|(_, summary)| words.iter().any(|w| summary.contains(w)));
    match (matching.next(), matching.next()) {
        (Some((id, _)), None) => Some(*id),
        _ => None,
    }
}

/// Whether `answer` reads as an answer to `need` at all (as opposed to an ordinary
/// message written while the question is open): a quantity, a member's name, a choice, a
/// yes or a no, as the question calls for. `members` are the group's usernames.
pub fn reads_as_answer(need: &Need, answer: &str, members: &[String]) -> bool {
    let lower = bare(answer);
    if lower.is_empty() || answer.trim_end().ends_with('?') {
        return false;
    }
    if says_no(answer) {
        return true;
    }
    let words: Vec<&str> = lower.split_whitespace().collect();
    let yes = says_yes(answer) && words.len() <= 4;
    let tokens = super::lexer::tokenize(&lower);
    let quantity = || {
        let mut c = super::cursor::Cursor::new(&tokens);
        c.eat_any_phrase(&[&["up", "to"], &["at", "most"], &["max"]]);
        super::quantity::read(&mut c)
            .is_some_and(|r| !matches!(r.quantity.amount, super::shape::Amount::Vague(_)))
            && words.len() <= 8
    };
    let named = || member_named(&lower, members).is_some() && words.len() <= 4;
    match need {
        Need::Member { suggestion, .. } => named() || (yes && suggestion.is_some()),
        Need::WhichMember { candidates, .. } => {
            named() || (member_named(&lower, candidates).is_some() && words.len() <= 4)
        }
        Need::Amount { .. } | Need::Cap => quantity(),
        Need::Unit { .. } => {
            quantity()
                || (words.len() <= 3 && super::super::units::known_unit(&lower).is_some()
                    || tokens
                        .first()
                        .is_some_and(|t| matches!(t.text.as_str(), "$" | "€" | "£" | "%")))
        }
        Need::Action { .. } => {
            let short = (1..=4).contains(&words.len());
            let chatter = words
                .iter()
                .any(|w| super::words::is_laugh(w) || CHATTY.contains(w));
            short && !chatter && !yes
        }
        Need::Confirm | Need::Unplaced { .. } => yes,
        Need::Restate { .. } => false,
        Need::Suggested { otherwise, .. } => {
            yes || otherwise
                .as_ref()
                .is_some_and(|need| reads_as_answer(need, answer, members))
        }
        Need::Revoke { candidates } | Need::Change { candidates, .. } => {
            (words.len() <= 4 && lower.chars().any(|c| c.is_ascii_digit()))
                || (words.len() <= 5 && choose(&lower, candidates).is_some())
        }
    }
}

/// Words of a short message that is chatter rather than an action.
const CHATTY: &[&str] = &[
    "hi", "hey", "hello", "thanks", "thank", "ok", "okay", "lol", "brb", "bye", "cool", "nice",
    "great", "wow", "what", "who", "why", "how", "when", "where", "sorry", "morning", "night",
    "yes", "no", "anyone", "someone", "everyone", "lunch", "dinner?",
];

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
