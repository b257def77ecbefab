//! Commitment detection in chat: text + the group + the author's commitments -> commitments,
//! a clarification question, a withdrawal, or nothing.
//!
//! Detection sits behind the [`Detector`] trait; [`RuleParser`] is the deterministic,
//! offline default. It never records a wrong commitment: a message is read as an offer only
//! when every part of it that says something is placed; where anything is unclear, it asks
//! the author, privately (the rule and the phrasings it reads are in `docs/commitments.md`).
//!
//! - `lexer` — text -> tokens; `cursor` — the matchers the grammar is written with;
//! - `words` — word lists (numbers, verbs, hedges, time words); `phrase` — action phrases;
//! - `amount` — a number and its unit ("2.5", "twenty five", "1h30", "$20", "a week");
//! - `quantity` — an amount of something: "5h of work", "half an hour", "twice a week";
//! - `names` — who a subject is; `scene` — the people a sentence is read among;
//! - `condition` — "if / provided / as long as …" clauses;
//! - `stance` — "I'll", "I can", "count me in for", hedged, denied, reported;
//! - `offer` — the promises after a stance; `share` — proportional promises and limits;
//! - `clause` — one sentence, chatter trimmed; `message` — the sentences together;
//! - `tails`, `chatter` — what the words around an offer are (filler, hedge, unplaced);
//! - `shape` — an offer as read; `draft` — checked and completed into terms (or a question);
//! - `withdraw` — "I back out", "cancel my cooking offer";
//! - `change` — "change my offer to 4 hours", "update #3 to 2h";
//! - `clarify` — pending questions, what reads as an answer, and how answers are spliced in;
//!   `question` — the words each question is asked in.

mod amount;
mod change;
mod chatter;
mod clarify;
mod clause;
mod condition;
mod cursor;
pub mod draft;
mod lexer;
mod message;
mod names;
mod offer;
mod phrase;
mod quantity;
mod question;
mod scene;
pub mod shape;
mod share;
mod stance;
mod tails;
mod withdraw;
mod words;

use quid_shared::{Commitment, UserRef};

pub use clarify::{Allow, Need, Pending, reads_as_answer, says_no};
pub use words::{fraction_word, number_word, times_word};

use super::model::Terms;
use clarify::Answered;
use message::Reading;
use withdraw::Withdrawal;

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
    /// Several offers in one message, each complete and valid.
    Commitments(Vec<Terms>),
    /// Ask the author `question` (privately); `pending` is kept for their answer.
    Clarify {
        question: String,
        pending: Pending,
    },
    /// The author withdraws this commitment.
    Revoke {
        id: i64,
    },
    /// The author changes commitment `id` to these (complete, valid) terms.
    Change {
        id: i64,
        terms: Terms,
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

impl RuleParser {
    /// Reads `text`, with what the author has already agreed to.
    fn read(&self, text: &str, context: &Context<'_>, allow: &Allow) -> Detection {
        let (author, members) = (context.author, context.members);
        if let Some(change) = change::read(text, context.commitments) {
            let (amount, unit) = (change.amount, change.unit);
            match change.which {
                Withdrawal::One(id) => return changed(context, id, amount, unit.as_deref()),
                Withdrawal::Which => {
                    let candidates = context
                        .commitments
                        .iter()
                        .map(|c| (c.id, c.summary.clone()))
                        .collect();
                    let need = Need::Change {
                        candidates,
                        amount,
                        unit,
                    };
                    return ask(text, need, Allow::default());
                }
                Withdrawal::None => {}
            }
        }
        let offer = message::has_offer(text, author, members);
        match withdraw::read(text, context.commitments, members) {
            Withdrawal::None => {}
            _ if offer => {
                let why = "it both withdraws and offers: send the withdrawal and the new \
                           offer as two messages";
                return ask(text, Need::Restate { why: why.into() }, Allow::default());
            }
            Withdrawal::One(id) => return Detection::Revoke { id },
            Withdrawal::Which => {
                let candidates = context
                    .commitments
                    .iter()
                    .map(|c| (c.id, c.summary.clone()))
                    .collect();
                return ask(text, Need::Revoke { candidates }, Allow::default());
            }
        }
        match message::read(text, author, members, allow) {
            Reading::Nothing => Detection::Nothing,
            Reading::Terms(mut all) if all.len() == 1 => Detection::Commitment(all.remove(0)),
            Reading::Terms(all) if all.is_empty() => Detection::Nothing,
            Reading::Terms(all) => Detection::Commitments(all),
            Reading::Ask(need) => ask(text, need, allow.clone()),
        }
    }
}

impl Detector for RuleParser {
    fn detect(&self, text: &str, context: &Context<'_>) -> Detection {
        self.read(text, context, &Allow::default())
    }

    fn answer(&self, pending: &Pending, answer: &str, context: &Context<'_>) -> Detection {
        let usernames: Vec<String> = context.members.iter().map(|m| m.username.clone()).collect();
        match clarify::apply(pending, answer, &usernames) {
            Answered::Text(text, allow) => self.read(&text, context, &allow),
            Answered::Revoke(id) => Detection::Revoke { id },
            Answered::Change { id, amount, unit } => changed(context, id, amount, unit.as_deref()),
            Answered::Terms(terms) => Detection::Commitment(terms.normalized()),
            Answered::Dropped => Detection::Nothing,
        }
    }

    /// Most chat is ruled out by its words alone: no offer's stance ("I'll", "I can",
    /// "happy to", "count me in for"), no hedge, nothing "from me", no "we will" or "Bob
    /// and I will", and no word of withdrawing.
    fn may_detect(&self, text: &str) -> bool {
        let tokens = lexer::tokenize(text);
        let marked = |t: &lexer::Token| {
            matches!(t.text.as_str(), "me" | "we" | "let")
                || stance::HEDGE_ADVERBS.contains(&t.text.as_str())
        };
        let together = |at: usize| clause::collective(&tokens, at);
        if tokens.iter().any(marked)
            || withdraw::may_be(text)
            || change::may_be(text)
            || (0..tokens.len()).any(together)
        {
            return true;
        }
        (0..tokens.len()).any(|at| {
            [true, false].into_iter().any(|opening| {
                let mut c = cursor::Cursor {
                    tokens: &tokens,
                    at,
                };
                matches!(
                    stance::stance(&mut c, opening),
                    Some(stance::Stance::Firm | stance::Stance::Hedged)
                )
            })
        })
    }
}

/// The author's commitment `id` changed to `amount` (of `unit`), or why it cannot be.
fn changed(context: &Context<'_>, id: i64, amount: f64, unit: Option<&str>) -> Detection {
    let Some(commitment) = context.commitments.iter().find(|c| c.id == id) else {
        return Detection::Nothing;
    };
    let text = commitment.source_text.clone().unwrap_or_default();
    match change::terms(commitment, amount, unit) {
        Ok(terms) => {
            let terms = terms.normalized();
            let ids: Vec<_> = context.members.iter().map(|m| m.id).collect();
            match terms.validate(context.author.id, Some(&ids)) {
                Ok(()) => Detection::Change { id, terms },
                Err(why) => ask(
                    &text,
                    Need::Restate {
                        why: why.to_string(),
                    },
                    Allow::default(),
                ),
            }
        }
        Err(why) => ask(&text, Need::Restate { why }, Allow::default()),
    }
}

/// A clarification of `text` for `need`.
fn ask(text: &str, need: Need, allow: Allow) -> Detection {
    let pending = Pending {
        text: text.to_owned(),
        need,
        allow,
    };
    Detection::Clarify {
        question: pending.question(),
        pending,
    }
}

#[cfg(test)]
mod corpus;
#[cfg(test)]
mod prefilter;
#[cfg(test)]
mod tests;
