//! The grammar of a commitment sentence: a promise clause ("I'll do 3h of work"), optional
//! conditions ("if Alice does 5h", "if Bob and Carol each pay $10", "if the others do ≥ 10h")
//! and an optional proportional tail ("plus 50% of any excess he does, up to 8 hours total").
//! It reads one sentence into complete terms, a question to ask, or nothing.

use quid_shared::{Condition, Promise, UserRef};

use super::super::model::Terms;
use super::super::units::{display_unit, format_amount};
use super::clarify::Need;
use super::lexer::{Token, number, tokenize};
use super::names::{Subject, resolve};
use super::quantity::{self, Quantity};

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
struct Written {
    subject: Subject,
    subject_span: (usize, usize),
    quantity: Option<Quantity>,
    verb_action: Option<&'static str>,
    /// From the verb to the end of the condition: replaced when the amount is missing.
    rest_span: (usize, usize),
}

/// Reads one sentence by `author` in a group of `members`.
pub fn read(text: &str, author: &UserRef, members: &[UserRef]) -> Reading {
    let tokens = tokenize(text);
    let word = |i: usize| tokens.get(i).map_or("", |t| t.text.as_str());
    if tokens.is_empty() || word(tokens.len() - 1) == "?" || QUESTIONS.contains(&word(0)) {
        return Reading::Nothing;
    }
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
    let Some(written) = conditions(condition_tokens, members) else {
        return Reading::Nothing;
    };
    assemble(text, author, members, promise, verb_action, tail, written)
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
fn conditions(tokens: &[Token], members: &[UserRef]) -> Option<Vec<Written>> {
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
                subjects.push((resolve(word(at), members)?, span));
                at += 1;
            }
            let joined = matches!(word(at), "and" | ",")
                && doing_verb(word(at + 1)).is_none()
                && resolve(word(at + 1), members).is_some();
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

/// The proportional tail: rate, whom it follows, whether above their condition, and limit.
#[derive(Default)]
struct Tail {
    rate: Option<f64>,
    follows: Option<Subject>,
    pronoun: bool,
    excess: bool,
    /// The limit and whether it is a total (base included) rather than extra.
    limit: Option<(f64, bool)>,
}

fn tail(tokens: &[Token], members: &[UserRef]) -> Tail {
    let word = |i: usize| tokens.get(i).map_or("", |t| t.text.as_str());
    let mut tail = Tail::default();
    for i in 0..tokens.len() {
        match word(i) {
            "%" | "percent" if i > 0 => tail.rate = number(word(i - 1)).map(|n| n / 100.0),
            "half" if tail.rate.is_none() => tail.rate = Some(0.5),
            "excess" | "extra" | "above" | "beyond" | "over" => tail.excess = true,
            "he" | "she" | "they" | "him" | "her" | "them" => tail.pronoun = true,
            "to" | "at" | "most" if tail.limit.is_none() => {
                if let Some(limit) = number(word(i + 1)) {
                    let more = tokens[i + 1..]
                        .iter()
                        .any(|t| matches!(t.text.as_str(), "more" | "extra"));
                    tail.limit = Some((limit, !more));
                }
            }
            other if tail.rate.is_some() && tail.follows.is_none() => {
                if let Some(subject @ (Subject::Member(_) | Subject::Others)) =
                    resolve(other, members)
                {
                    tail.follows = Some(subject);
                }
            }
            _ => {}
        }
    }
    tail
}

/// Checks the parts and builds the terms, or says what to ask.
fn assemble(
    text: &str,
    author: &UserRef,
    members: &[UserRef],
    mut promise: Quantity,
    verb_action: Option<&'static str>,
    tail_tokens: &[Token],
    mut written: Vec<Written>,
) -> Reading {
    for condition in &written {
        let name = text
            .get(condition.subject_span.0..condition.subject_span.1)
            .unwrap_or("")
            .to_owned();
        match &condition.subject {
            Subject::Author => return Reading::Nothing,
            Subject::Unknown { suggestion, .. } => {
                let suggestion = suggestion.as_ref().map(|s| s.username.clone());
                return Reading::Ask(Need::Member {
                    name,
                    span: condition.subject_span,
                    suggestion,
                });
            }
            Subject::Ambiguous { candidates, .. } => {
                let candidates = candidates.iter().map(|c| c.username.clone()).collect();
                return Reading::Ask(Need::WhichMember {
                    name,
                    span: condition.subject_span,
                    candidates,
                });
            }
            Subject::Member(_) | Subject::Others => {}
        }
    }
    promise.action = promise.action.or(verb_action.map(str::to_owned));
    for condition in &mut written {
        if let Some(q) = &mut condition.quantity {
            q.action = q.action.take().or(condition.verb_action.map(str::to_owned));
        }
    }
    if let Some(span) = promise.vague {
        let about = promise
            .action
            .as_deref()
            .map_or("will you do".to_owned(), |a| format!("{a} will you do"));
        return Reading::Ask(Need::Amount {
            span,
            prefix: String::new(),
            about,
        });
    }
    for condition in &written {
        let who = subject_name(&condition.subject);
        match &condition.quantity {
            None => {
                let about = format!("must {who} do, and of what");
                return Reading::Ask(Need::Amount {
                    span: condition.rest_span,
                    prefix: "does ".into(),
                    about,
                });
            }
            Some(q) if q.vague.is_some() || q.amount.is_none() => {
                let about = format!("{} must {who} do", q.action.as_deref().unwrap_or(""));
                let span = q.vague.unwrap_or(condition.rest_span);
                return Reading::Ask(Need::Amount {
                    span,
                    prefix: String::new(),
                    about: about.replace("  ", " "),
                });
            }
            Some(_) => {}
        }
    }
    let mut quantities: Vec<&mut Quantity> = std::iter::once(&mut promise)
        .chain(written.iter_mut().filter_map(|c| c.quantity.as_mut()))
        .collect();
    if let Some(need) = inherit(&mut quantities) {
        return Reading::Ask(need);
    }
    build(
        author,
        members,
        &promise,
        tail(tail_tokens, members),
        &written,
    )
}

/// Fills a missing unit or action from the other clauses when they agree; else asks.
fn inherit(quantities: &mut [&mut Quantity]) -> Option<Need> {
    let units: Vec<String> = quantities.iter().filter_map(|q| q.unit.clone()).collect();
    if let Some(unit) = units
        .first()
        .filter(|u| units.iter().all(|v| v == *u))
        .cloned()
    {
        quantities
            .iter_mut()
            .for_each(|q| q.unit = q.unit.take().or(Some(unit.clone())));
    }
    let bare: Vec<&&mut Quantity> = quantities.iter().filter(|q| q.unit.is_none()).collect();
    if let Some(first) = bare.first() {
        let after = bare.iter().filter_map(|q| q.bare_number_end).collect();
        return Some(Need::Unit {
            after,
            amount: format_amount(first.amount.unwrap_or(0.0)),
        });
    }
    let actions: Vec<String> = quantities.iter().filter_map(|q| q.action.clone()).collect();
    if let Some(action) = actions.first().cloned() {
        quantities
            .iter_mut()
            .for_each(|q| q.action = q.action.take().or(Some(action.clone())));
        return None;
    }
    let first = quantities.first()?;
    let quantity = format!(
        "{} {}",
        format_amount(first.amount.unwrap_or(0.0)),
        display_unit(first.unit.as_deref().unwrap_or(""))
    );
    Some(Need::Action {
        after: quantities.iter().map(|q| q.end).collect(),
        quantity,
    })
}

/// The complete terms, checked against the group.
fn build(
    author: &UserRef,
    members: &[UserRef],
    promise: &Quantity,
    tail: Tail,
    written: &[Written],
) -> Reading {
    let amount = |q: &Quantity| q.amount.unwrap_or(0.0);
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let conditions: Vec<Condition> = written
        .iter()
        .filter_map(|c| {
            let q = c.quantity.as_ref()?;
            let user = match &c.subject {
                Subject::Member(m) => Some(m.id),
                _ => None,
            };
            Some(Condition {
                user,
                action: text(&q.action),
                min: amount(q),
                unit: text(&q.unit),
            })
        })
        .collect();
    let mut terms = Terms {
        conditions,
        promises: vec![Promise {
            action: text(&promise.action),
            unit: text(&promise.unit),
            base: amount(promise),
            rate: 0.0,
            ref_user: None,
            ref_action: None,
            ref_unit: None,
            threshold: 0.0,
            cap: None,
        }],
    };
    if let Some(rate) = tail.rate {
        let Some((limit, total)) = tail.limit else {
            return Reading::Ask(Need::Cap);
        };
        let lone_member = match terms.conditions.as_slice() {
            [single] => single.user,
            _ => None,
        };
        let follows = match tail.follows {
            Some(Subject::Member(m)) => Some(m.id),
            Some(_) => None,
            None if tail.pronoun || lone_member.is_some() => lone_member,
            None => None,
        };
        let promised = &mut terms.promises[0];
        let cap = if total { limit - promised.base } else { limit };
        if cap < 0.0 {
            return Reading::Nothing;
        }
        let threshold = terms
            .conditions
            .iter()
            .find(|c| tail.excess && c.user == follows && c.action == promised.action)
            .map_or(0.0, |c| c.min);
        promised.rate = rate;
        promised.ref_user = follows;
        promised.threshold = threshold;
        promised.cap = Some(cap);
    }
    let terms = terms.normalized();
    let ids: Vec<_> = members.iter().map(|m| m.id).collect();
    match terms.validate(author.id, Some(&ids)) {
        Ok(()) => Reading::Terms(terms),
        Err(_) => Reading::Nothing,
    }
}

/// How a condition's subject is named in a question.
fn subject_name(subject: &Subject) -> String {
    match subject {
        Subject::Member(m) => m.username.clone(),
        _ => "the others".to_owned(),
    }
}
