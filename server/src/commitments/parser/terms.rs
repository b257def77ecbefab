//! From the parts of a sentence to complete terms: names checked, missing amounts, units
//! and actions asked for or borrowed from the other clause, the proportional tail read.

use quid_shared::{Condition, Promise, UserRef};

use super::super::model::Terms;
use super::super::units::{display_unit, format_amount};
use super::clarify::Need;
use super::lexer::{Token, number};
use super::names::{Subject, resolve};
use super::quantity::Quantity;
use super::sentence::{Reading, Written};

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

/// Reads the words after the promised amount.
fn tail(tokens: &[Token], author: &UserRef, members: &[UserRef]) -> Tail {
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
                    resolve(other, author, members)
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
pub(super) fn assemble(
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
        tail(tail_tokens, author, members),
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
        display_unit(
            first.amount.unwrap_or(0.0),
            first.unit.as_deref().unwrap_or("")
        )
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
                scope: Default::default(),
                action: text(&q.action),
                min: amount(q),
                unit: text(&q.unit),
            })
        })
        .collect();
    let mut terms = Terms {
        conditions,
        promises: vec![Promise::fixed(
            text(&promise.action),
            text(&promise.unit),
            amount(promise),
        )],
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
