//! Commitment detection in chat: text + the group + the author's commitments -> a
//! commitment, a clarification question, a revocation, or nothing.
//!
//! Detection sits behind the [`Detector`] trait; [`RuleParser`] is the deterministic,
//! offline default (an LLM-backed detector can implement the same trait and fall back to
//! it). It never invents a commitment: where it is unsure, it asks.
//!
//! - `lexer` — text -> tokens; `quantity` — "5h of work", "$20", "twice a day";
//! - `names` — who a word refers to; `sentence` — the grammar of a commitment sentence;
//! - `terms` — from a sentence's parts to complete terms (or what to ask);
//! - `clarify` — pending questions and how answers are spliced back in.

mod clarify;
mod lexer;
mod names;
mod quantity;
mod sentence;
mod terms;

use quid_shared::{Commitment, UserRef};

pub use clarify::{Need, Pending};

use super::model::Terms;
use clarify::Answered;
use sentence::Reading;

/// What the detector needs to know besides the text.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub author: &'a UserRef,
    /// Every member of the group, the author included.
    pub members: &'a [UserRef],
    /// The author's active commitments in the group, oldest first.
    pub commitments: &'a [Commitment],
}

/// What a message turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Detection {
    /// Complete, normalised and valid terms by the author.
    Commitment(Terms),
    /// Ask the author `question` (privately); `pending` is kept for their answer.
    Clarify {
        question: String,
        pending: Pending,
    },
    /// The author withdraws this commitment.
    Revoke {
        id: i64,
    },
    Nothing,
}

/// Turns chat text into commitments.
pub trait Detector: Send + Sync {
    /// Reads a new message.
    fn detect(&self, text: &str, context: &Context<'_>) -> Detection;
    /// Reads the author's answer to a pending question.
    fn answer(&self, pending: &Pending, answer: &str, context: &Context<'_>) -> Detection;
    /// Whether [`detect`](Self::detect) could find anything in `text`, in any group and
    /// by any author: `false` promises [`Detection::Nothing`] whatever the context, so a
    /// caller can skip reading the context from the store. `true` is always a safe answer.
    fn may_detect(&self, _text: &str) -> bool {
        true
    }
}

/// The deterministic, rule-based detector (the grammar is in `docs/commitments.md`).
#[derive(Debug, Clone, Copy, Default)]
pub struct RuleParser;

impl Detector for RuleParser {
    fn detect(&self, text: &str, context: &Context<'_>) -> Detection {
        if let Some(detection) = revocation(text, context) {
            return detection;
        }
        match sentence::read(text, context.author, context.members) {
            Reading::Nothing => Detection::Nothing,
            Reading::Terms(terms) => Detection::Commitment(terms),
            Reading::Ask(need) => ask(text, need),
        }
    }

    fn answer(&self, pending: &Pending, answer: &str, context: &Context<'_>) -> Detection {
        let usernames: Vec<String> = context.members.iter().map(|m| m.username.clone()).collect();
        match clarify::apply(pending, answer, &usernames) {
            Answered::Text(text) => self.detect(&text, context),
            Answered::Revoke(id) => Detection::Revoke { id },
            Answered::Dropped => Detection::Nothing,
        }
    }

    /// Most chat is ruled out by its words alone: neither "I" followed by a modal (or a
    /// hedge) nor a request to withdraw — the same tests [`detect`](Self::detect) starts with.
    fn may_detect(&self, text: &str) -> bool {
        let tokens = lexer::tokenize(text);
        asks_to_revoke(text, &tokens) || sentence::may_read(&tokens)
    }
}

/// A clarification of `text` for `need`.
fn ask(text: &str, need: Need) -> Detection {
    let pending = Pending {
        text: text.to_owned(),
        need,
    };
    Detection::Clarify {
        question: pending.question(),
        pending,
    }
}

/// "I withdraw my commitment", "cancel my last offer": which commitment, or a question.
fn revocation(text: &str, context: &Context<'_>) -> Option<Detection> {
    let tokens = lexer::tokenize(text);
    if !asks_to_revoke(text, &tokens) {
        return None;
    }
    let has = |words: &[&str]| tokens.iter().any(|t| words.contains(&t.text.as_str()));
    let commitments = context.commitments;
    let newest = commitments.iter().max_by_key(|c| (c.created_at, c.id));
    let chosen = if has(&["last", "latest", "recent", "previous", "newest"]) {
        newest
    } else if has(&["first", "oldest", "earliest"]) {
        commitments.iter().min_by_key(|c| (c.created_at, c.id))
    } else if let [only] = commitments {
        Some(only)
    } else {
        let lower = text.to_lowercase();
        let mut mentioned = commitments
            .iter()
            .filter(|c| c.promises.iter().any(|p| lower.contains(&p.action)));
        match (mentioned.next(), mentioned.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    };
    Some(match chosen {
        Some(commitment) => Detection::Revoke { id: commitment.id },
        None if commitments.is_empty() => Detection::Nothing,
        None => {
            let candidates = commitments
                .iter()
                .map(|c| (c.id, c.summary.clone()))
                .collect();
            ask(text, Need::Revoke { candidates })
        }
    })
}

/// A verb of withdrawing and its object ("withdraw … commitment", "take back … offer"),
/// and not a question.
fn asks_to_revoke(text: &str, tokens: &[lexer::Token]) -> bool {
    let has = |words: &[&str]| tokens.iter().any(|t| words.contains(&t.text.as_str()));
    let verb = has(&[
        "withdraw",
        "cancel",
        "revoke",
        "retract",
        "rescind",
        "withdrawing",
        "cancelling",
    ]) || text.to_lowercase().contains("take back");
    let object = has(&[
        "commitment",
        "offer",
        "promise",
        "pledge",
        "commitments",
        "offers",
        "promises",
    ]);
    verb && object && !has(&["?"])
}

#[cfg(test)]
mod tests;
