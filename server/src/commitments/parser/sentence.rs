//! The grammar of a commitment sentence: a promise clause ("I'll do 3h of work"), optional
//! conditions ("if Alice does 5h", "if Bob and Carol each pay $10", "if the others do ≥ 10h")
//! and an optional proportional tail ("plus 50% of any excess he does, up to 8 hours total").
//! It reads one sentence into complete terms, a question to ask, or nothing.

use quid_shared::UserRef;

use super::super::model::Terms;
use super::clarify::Need;
use super::lexer::{Token, number, tokenize};
use super::names::{Subject, resolve};
use super::quantity::{self, Quantity};
use super::terms::assemble;

/// What one sentence says.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading {
    Nothing,
    Terms(Terms),
    Ask(Need),
}

/// Words after "I" that make what follows a promise.
const MODALS: &[&str] = &[
    "will", "shall", "promise", "commit", "pledge", "agree", "offer",
];
/// Hedged modals and words: the sentence may not be meant as a commitment.
const HEDGES: &[&str] = &[
    "maybe", "perhaps", "might", "could", "possibly", "probably", "may",
];
/// Sentence openings that make it a question.
const QUESTIONS: &[&str] = &[
    "did", "does", "do", "who", "what", "when", "where", "why", "how", "is", "are", "can", "could",
    "should", "would",
];
/// Words between a subject and its verb that change nothing.
const MODIFIERS: &[&str] = &[
    "each",
    "both",
    "collectively",
    "together",
    "also",
    "will",
    "all",
    "jointly",
];

/// The verb's base form and the action it implies, if it is a verb of doing.
fn doing_verb(word: &str) -> Option<Option<&'static str>> {
    let base = match word {
        "does" | "do" => "do",
        _ if word.ends_with("shes") || word.ends_with("ches") => word.trim_end_matches("es"),
        _ => word.strip_suffix('s').unwrap_or(word),
    };
    match base {
        "do" | "put" | "spend" | "handle" | "take" | "contribute" | "deliver" => Some(None),
        "pay" | "give" | "cover" | "chip" => Some(Some("payment")),
        "work" => Some(Some("work")),
        "clean" => Some(Some("cleaning")),
        "cook" => Some(Some("cooking")),
        "wash" => Some(Some("washing")),
        "walk" => Some(Some("walking")),
        _ => None,
    }
}

/// One condition as written, before it is checked.
pub(super) struct Written {
    pub subject: Subject,
    pub subject_span: (usize, usize),
    pub quantity: Option<Quantity>,
    pub verb_action: Option<&'static str>,
    /// From the verb to the end of the condition: replaced when the amount is missing.
    pub rest_span: (usize, usize),
}

/// Reads one sentence by `author` in a group of `members`.
pub fn read(text: &str, author: &UserRef, members: &[UserRef]) -> Reading {
    let tokens = tokenize(text);
    if !may_read(&tokens) {
        return Reading::Nothing;
    }
    let word = |i: usize| tokens.get(i).map_or("", |t| t.text.as_str());
    if tokens.iter().any(|t| HEDGES.contains(&t.text.as_str())) {
        let firm = (0..tokens.len()).any(|i| {
            word(i) == "i"
                && (MODALS.contains(&word(i + 1))
                    || HEDGES.contains(&word(i + 1))
                    || word(i + 1) == "can")
                && quantity::find(&tokens[i + 2..]).is_some()
        });
        return if firm {
            Reading::Ask(Need::Confirm)
        } else {
            Reading::Nothing
        };
    }
    let (promise_tokens, condition_tokens) = split(&tokens);
    let Some((promise, verb_action, tail)) = promise_clause(promise_tokens) else {
        return Reading::Nothing;
    };
    let Some(written) = conditions(condition_tokens, author, members) else {
        return Reading::Nothing;
    };
    assemble(text, author, members, promise, verb_action, tail, written)
}

/// Whether [`read`] can find anything in `tokens`, whoever wrote them: not a question,
/// and "I" followed by a modal, a hedge or "can" (every promise and every hedged promise
/// starts so). `false` means [`read`] returns [`Reading::Nothing`].
pub fn may_read(tokens: &[Token]) -> bool {
    let word = |i: usize| tokens.get(i).map_or("", |t| t.text.as_str());
    if tokens.is_empty() || word(tokens.len() - 1) == "?" || QUESTIONS.contains(&word(0)) {
        return false;
    }
    (0..tokens.len()).any(|i| {
        word(i) == "i"
            && (MODALS.contains(&word(i + 1))
                || HEDGES.contains(&word(i + 1))
                || word(i + 1) == "can")
    })
}

/// The promise part and the condition part of a sentence.
fn split(tokens: &[Token]) -> (&[Token], &[Token]) {
    let word = |i: usize| tokens.get(i).map_or("", |t| t.text.as_str());
    match tokens.iter().position(|t| t.text == "if") {
        None => (tokens, &[]),
        Some(0) => {
            let end = (1..tokens.len())
                .find(|i| {
                    matches!(word(*i), "," | "then")
                        || (word(*i) == "i" && MODALS.contains(&word(i + 1)))
                })
                .unwrap_or(tokens.len());
            let mut start = end;
            while matches!(word(start), "," | "then") {
                start += 1;
            }
            (&tokens[start.min(tokens.len())..], &tokens[1..end])
        }
        Some(at) => (&tokens[..at], &tokens[at + 1..]),
    }
}

/// "I will <verb> <quantity> <tail>": the quantity, the verb's action and the tail.
fn promise_clause(tokens: &[Token]) -> Option<(Quantity, Option<&'static str>, &[Token])> {
    let word = |i: usize| tokens.get(i).map_or("", |t| t.text.as_str());
    let start = (0..tokens.len()).find(|i| word(*i) == "i" && MODALS.contains(&word(i + 1)))?;
    let mut at = start + 2;
    while matches!(word(at), "to" | "also" | "definitely" | "happily") {
        at += 1;
    }
    let verb_action = match doing_verb(word(at)) {
        Some(action) => {
            at += 1;
            action
        }
        None if number(word(at)).is_some() || word(at) == "$" => None,
        None => return None,
    };
    let rest = &tokens[at..];
    let quantity = quantity::find(rest)?;
    let tail = &rest[quantity.consumed..];
    Some((quantity, verb_action, tail))
}

/// The conditions, or `None` when the "if" clause is not about members doing things.
fn conditions(tokens: &[Token], author: &UserRef, members: &[UserRef]) -> Option<Vec<Written>> {
    let word = |i: usize| tokens.get(i).map_or("", |t| t.text.as_str());
    let mut written = Vec::new();
    let mut at = 0;
    while at < tokens.len() {
        while matches!(word(at), "and" | "," | "if" | "also" | "the") {
            at += 1;
        }
        if at >= tokens.len() {
            break;
        }
        let mut subjects = Vec::new();
        loop {
            while word(at) == "the" {
                at += 1;
            }
            let span = (tokens.get(at)?.start, tokens.get(at)?.end);
            if matches!(word(at), "everyone" | "everybody") && word(at + 1) == "else" {
                subjects.push((Subject::Others, span));
                at += 2;
            } else {
                subjects.push((resolve(word(at), author, members)?, span));
                at += 1;
            }
            let joined = matches!(word(at), "and" | ",")
                && doing_verb(word(at + 1)).is_none()
                && resolve(word(at + 1), author, members).is_some();
            if !joined {
                break;
            }
            at += 1;
        }
        while MODIFIERS.contains(&word(at)) {
            at += 1;
        }
        let rest_span = (
            tokens.get(at).map_or(0, |t| t.start),
            tokens.last().map_or(0, |t| t.end),
        );
        let verb = doing_verb(word(at));
        let known = subjects
            .iter()
            .all(|(s, _)| matches!(s, Subject::Member(_) | Subject::Others | Subject::Author));
        if verb.is_none() && !known {
            return None;
        }
        let quantity = verb.and_then(|_| quantity::find(&tokens[at + 1..]));
        let consumed = quantity
            .as_ref()
            .map_or(tokens.len(), |q| at + 1 + q.consumed);
        for (subject, subject_span) in subjects {
            written.push(Written {
                subject,
                subject_span,
                quantity: quantity.clone(),
                verb_action: verb.flatten(),
                rest_span,
            });
        }
        at = consumed;
    }
    Some(written)
}
