//! An offer as read (its shape is in `shape`) checked: [`resolve`] turns a draft into
//! complete, validated terms — borrowing a missing unit or action from
//! another clause where that is what the writer meant — or into the one question to ask.
//! Every reader (the grammar, and any other reader of offers) ends here, so one set of rules
//! decides what is recorded.

use quid_shared::{Condition, Promise, Scope, UserRef};

use super::super::model::Terms;
use super::super::units::{display_unit, format_amount, normalize_unit, same_dimension};
use super::clarify::Need;
use super::shape::{Amount, OfferDraft, Quantity, Who};

/// What a draft comes to.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    Terms(Terms),
    Ask(Need),
}

/// Checks a draft by `author` in a group of `members` and completes it, or says what to ask.
pub fn resolve(mut offer: OfferDraft, author: &UserRef, members: &[UserRef]) -> Resolved {
    if let Some(need) = check_people(&offer) {
        return Resolved::Ask(need);
    }
    if let Some(need) = copy_same(&mut offer) {
        return Resolved::Ask(need);
    }
    if let Some(need) = check_amounts(&offer) {
        return Resolved::Ask(need);
    }
    if let Some(need) = complete(&mut offer) {
        return Resolved::Ask(need);
    }
    if let Some(need) = names_in_actions(&offer, members) {
        return Resolved::Ask(need);
    }
    match build(&offer, author) {
        Ok(terms) => {
            let terms = terms.normalized();
            let ids: Vec<_> = members.iter().map(|m| m.id).collect();
            match terms.validate(author.id, Some(&ids)) {
                Ok(()) => Resolved::Terms(terms),
                Err(why) => Resolved::Ask(Need::Restate {
                    why: why.to_string(),
                }),
            }
        }
        Err(need) => Resolved::Ask(need),
    }
}

/// Unknown or ambiguous names, in conditions and in what a share follows.
fn check_people(offer: &OfferDraft) -> Option<Need> {
    let named = offer
        .conditions
        .iter()
        .map(|c| (&c.who, Some(c.who_span)))
        .chain(
            offer
                .promises
                .iter()
                .filter_map(|p| p.share.as_ref()?.follows.as_ref())
                .map(|who| (who, None)),
        );
    for (who, span) in named {
        match who {
            Who::Unknown { name, suggestion } => {
                return Some(match span {
                    Some(span) => Need::Member {
                        name: name.clone(),
                        span,
                        suggestion: suggestion.as_ref().map(|s| s.username.clone()),
                    },
                    None => Need::Restate {
                        why: format!("I don't see {name} in this group"),
                    },
                });
            }
            Who::Ambiguous { name, candidates } => {
                let candidates = candidates.iter().map(|c| c.username.clone()).collect();
                return Some(match span {
                    Some(span) => Need::WhichMember {
                        name: name.clone(),
                        span,
                        candidates,
                    },
                    None => Need::Restate {
                        why: format!("\"{name}\" could be several members"),
                    },
                });
            }
            _ => {}
        }
    }
    None
}

/// "I'll do the same" / "if Bob does too": the quantity of the other side.
fn copy_same(offer: &mut OfferDraft) -> Option<Need> {
    let unclear = || Need::Restate {
        why: "I could not tell how much \"the same\" is".to_owned(),
    };
    if offer.promises.iter().any(|p| p.same) {
        let [condition] = offer.conditions.as_slice() else {
            return Some(unclear());
        };
        let quantity = condition.quantity.clone()?;
        for promise in offer.promises.iter_mut().filter(|p| p.same) {
            promise.quantity = Quantity {
                action_at: promise.quantity.action_at,
                ..quantity.clone()
            };
            promise.same = false;
        }
    }
    if offer.conditions.iter().any(|c| c.same) {
        let [promise] = offer.promises.as_slice() else {
            return Some(unclear());
        };
        if promise.share.is_some() {
            return Some(unclear());
        }
        let quantity = promise.quantity.clone();
        for condition in offer.conditions.iter_mut().filter(|c| c.same) {
            condition.quantity = Some(quantity.clone());
            condition.same = false;
        }
    }
    None
}

/// Amounts that are missing or vague.
fn check_amounts(offer: &OfferDraft) -> Option<Need> {
    let unclear = offer
        .promises
        .iter()
        .map(|p| &p.quantity)
        .chain(offer.conditions.iter().filter_map(|c| c.quantity.as_ref()))
        .find_map(|q| q.unclear);
    if let Some(why) = unclear {
        return Some(Need::Restate {
            why: why.to_owned(),
        });
    }
    for promise in &offer.promises {
        if promise.share.is_some() && promise.quantity.amount == Amount::Missing {
            continue;
        }
        if let Amount::Vague(span) = promise.quantity.amount {
            let about = action_of(&promise.quantity)
                .map_or("will you do".to_owned(), |a| format!("{a} will you do"));
            return Some(Need::Amount {
                span,
                prefix: String::new(),
                about,
            });
        }
    }
    for condition in &offer.conditions {
        let who = match &condition.who {
            Who::Member(m) => m.username.clone(),
            Who::Anyone => "someone else".to_owned(),
            _ => "the others".to_owned(),
        };
        match &condition.quantity {
            None => {
                return Some(Need::Amount {
                    span: condition.rest_span,
                    prefix: "does ".into(),
                    about: format!("must {who} do, and of what"),
                });
            }
            Some(q) => match q.amount {
                Amount::Vague(span) => {
                    let action = action_of(q).unwrap_or_default();
                    return Some(Need::Amount {
                        span,
                        prefix: String::new(),
                        about: format!("{action} must {who} do").trim().to_owned(),
                    });
                }
                Amount::Missing => {
                    return Some(Need::Amount {
                        span: condition.rest_span,
                        prefix: "does ".into(),
                        about: format!("must {who} do, and of what"),
                    });
                }
                Amount::Known(_) => {}
            },
        }
    }
    None
}

/// The action a quantity names, or its verb's.
fn action_of(quantity: &Quantity) -> Option<String> {
    quantity
        .action
        .clone()
        .or_else(|| quantity.verb_action.clone())
}

/// Whether two units measure one kind of amount (a recurring amount by its base unit),
/// so that like clauses lend each other parts.
fn alike(a: &str, b: &str) -> bool {
    let base = |u: &str| u.split(" per ").next().unwrap_or(u).to_owned();
    same_dimension(&base(a), &base(b)) || matches!((money(a), money(b)), (true, true))
}

/// Whether a unit is an amount of money (any currency).
fn money(unit: &str) -> bool {
    let unit = unit.split(" per ").next().unwrap_or(unit);
    matches!(
        unit,
        "usd" | "cents" | "eur" | "gbp" | "pence" | "euro cents"
    )
}

/// Fills missing units and actions from the other clauses, or says which to ask for.
fn complete(offer: &mut OfferDraft) -> Option<Need> {
    let limit_unit = offer.limit.as_ref().and_then(|l| l.unit.clone());
    let limit_action = offer.limit.as_ref().and_then(|l| l.action.clone());
    for promise in &mut offer.promises {
        let Some(share) = &promise.share else {
            continue;
        };
        let q = &mut promise.quantity;
        q.giving |= share.giving;
        let alike = match (&q.unit, &share.ref_unit) {
            (Some(own), Some(theirs)) => alike(own, theirs),
            _ => true,
        };
        if q.action.is_none() && q.verb_action.is_none() {
            q.action = limit_action
                .clone()
                .or_else(|| share.ref_action.clone().filter(|_| alike));
        }
        if q.unit.is_none() && q.amount == Amount::Missing {
            q.unit = limit_unit.clone().or_else(|| share.ref_unit.clone());
        }
    }
    let mut quantities: Vec<&mut Quantity> = offer
        .promises
        .iter_mut()
        .map(|p| &mut p.quantity)
        .chain(
            offer
                .conditions
                .iter_mut()
                .filter_map(|c| c.quantity.as_mut()),
        )
        .collect();
    if let Some(first) = quantities.first_mut()
        && first.unit.is_none()
        && first.amount == Amount::Missing
    {
        first.unit = limit_unit;
    }
    let units: Vec<String> = quantities.iter().filter_map(|q| q.unit.clone()).collect();
    if let Some(unit) = units.first().filter(|u| units.iter().all(|v| v == *u)) {
        for q in quantities
            .iter_mut()
            .filter(|q| q.unit.is_none() && !q.keep_bare)
        {
            q.unit = Some(unit.clone());
        }
    }
    let bare: Vec<&&mut Quantity> = quantities.iter().filter(|q| q.unit.is_none()).collect();
    if let Some(first) = bare.first() {
        let amount = match first.amount {
            Amount::Known(a) => a,
            _ => 0.0,
        };
        return Some(Need::Unit {
            after: bare.iter().filter_map(|q| q.unit_at).collect(),
            amount: format_amount(amount),
        });
    }
    let named: Vec<(String, String)> = quantities
        .iter()
        .filter_map(|q| Some((q.unit.clone()?, action_of(q)?)))
        .collect();
    for q in quantities.iter_mut() {
        if action_of(q).is_some() {
            continue;
        }
        let unit = q.unit.clone().unwrap_or_default();
        let mut like = named
            .iter()
            .filter(|(u, _)| alike(u, &unit))
            .map(|(_, a)| a);
        let borrowed = match (like.next(), like.next()) {
            (Some(one), None) => Some(one.clone()),
            (Some(one), Some(_)) if named.iter().all(|(_, a)| a == one) => Some(one.clone()),
            _ => None,
        };
        q.action = borrowed.or_else(|| (q.giving && money(&unit)).then(|| "payment".into()));
    }
    let missing: Vec<&&mut Quantity> = quantities
        .iter()
        .filter(|q| action_of(q).is_none())
        .collect();
    let first = missing.first()?;
    let amount = match first.amount {
        Amount::Known(a) => a,
        _ => 0.0,
    };
    let unit = first.unit.as_deref().unwrap_or("");
    Some(Need::Action {
        after: missing.iter().map(|q| q.action_at).collect(),
        quantity: format!("{} {}", format_amount(amount), display_unit(amount, unit)),
    })
}

/// A member's name inside an action ("2 hours for kim", "carol covers") is a person the
/// offer mentions but does not place: asked about. A possessive ("kim's kids") is fine.
fn names_in_actions(offer: &OfferDraft, members: &[UserRef]) -> Option<Need> {
    let actions = offer
        .promises
        .iter()
        .map(|p| &p.quantity)
        .chain(offer.conditions.iter().filter_map(|c| c.quantity.as_ref()))
        .filter_map(|q| q.action.as_deref());
    for action in actions {
        let named = action.split_whitespace().find(|word| {
            members
                .iter()
                .any(|m| m.username.eq_ignore_ascii_case(word))
        });
        if let Some(name) = named {
            return Some(Need::Restate {
                why: format!("I could not tell what \"{name}\" has to do with it"),
            });
        }
    }
    None
}

/// The terms of a complete draft.
fn build(offer: &OfferDraft, author: &UserRef) -> Result<Terms, Need> {
    let known = |q: &Quantity| match q.amount {
        Amount::Known(a) => a,
        _ => 0.0,
    };
    let text = |v: Option<String>| v.unwrap_or_default();
    let mut conditions = Vec::new();
    for c in &offer.conditions {
        let Some(q) = &c.quantity else { continue };
        if known(q) <= 0.0 {
            return Err(Need::Restate {
                why: "a condition of nothing always holds".to_owned(),
            });
        }
        let (user, scope) = match &c.who {
            Who::Member(m) if m.id == author.id => {
                return Err(Need::Restate {
                    why: "a condition on yourself can never help".to_owned(),
                });
            }
            Who::Member(m) => (Some(m.id), Scope::Together),
            Who::Anyone => (None, Scope::Anyone),
            _ => (None, Scope::Together),
        };
        conditions.push(Condition {
            user,
            scope,
            action: text(action_of(q)),
            min: known(q),
            unit: text(q.unit.clone()),
        });
    }
    let lone_member = match offer.conditions.as_slice() {
        [single] => match &single.who {
            Who::Member(m) => Some(m),
            _ => None,
        },
        _ => None,
    };
    if offer.limit.is_some() && offer.promises.iter().all(|p| p.share.is_none()) {
        return Err(Need::Restate {
            why: "a limit only fits a share of what someone else does".to_owned(),
        });
    }
    let mut promises = Vec::new();
    for p in &offer.promises {
        let q = &p.quantity;
        let mut promise = Promise::fixed(text(action_of(q)), text(q.unit.clone()), known(q));
        if let Some(share) = &p.share {
            let Some(limit) = &offer.limit else {
                return Err(Need::Cap);
            };
            let follows = match &share.follows {
                Some(Who::Member(m)) => Some(m),
                Some(Who::Others) => None,
                Some(_) => {
                    return Err(Need::Restate {
                        why: "a share needs one member, or the others together".to_owned(),
                    });
                }
                None => match lone_member {
                    Some(m) => Some(m),
                    None => {
                        return Err(Need::Restate {
                            why: "I could not tell whose amount your share follows".to_owned(),
                        });
                    }
                },
            };
            if let Some(unit) = &limit.unit
                && normalize_unit(unit) != normalize_unit(&promise.unit)
            {
                return Err(Need::Restate {
                    why: format!("the limit is in {unit} but the promise in {}", promise.unit),
                });
            }
            let cap = if limit.total {
                limit.amount - promise.base
            } else {
                limit.amount
            };
            if cap <= 0.0 {
                return Err(Need::Restate {
                    why: "the limit is below the fixed part of the promise".to_owned(),
                });
            }
            let ref_action = share.ref_action.clone().filter(|a| *a != promise.action);
            let ref_unit = share.ref_unit.clone().filter(|u| *u != promise.unit);
            let threshold = share.threshold.unwrap_or_else(|| {
                offer
                    .conditions
                    .iter()
                    .filter(|_| share.excess)
                    .filter_map(|c| Some((c, c.quantity.as_ref()?)))
                    .find(|(c, _)| matches!(&c.who, Who::Member(m) if Some(m) == follows))
                    .map_or(0.0, |(_, q)| known(q))
            });
            promise.rate = share.rate;
            promise.ref_user = follows.map(|m| m.id);
            promise.ref_action = ref_action;
            promise.ref_unit = ref_unit;
            promise.threshold = threshold;
            promise.cap = Some(cap);
        }
        promises.push(promise);
    }
    Ok(Terms {
        conditions,
        promises,
    })
}
