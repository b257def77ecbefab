//! The author's side of an offer after its stance (see `stance`): the promises ("do 2 hours of
//! cleaning", "chip in $20 towards the gift", "walk the dog twice a day", "clean for an
//! hour", "pay $20 and do 1h of cooking", "match whatever Bob gives", "the same").

use super::condition::action_of_object;
use super::cursor::Cursor;
use super::phrase::noun_phrase;
use super::quantity::{self, Bound};
use super::scene::Scene;
use super::shape::{Amount, PromiseDraft, Quantity};
use super::share;
use super::stance::ADVERBS;
use super::words::{Verb, verb};

/// Particles after a verb that belong to it ("chip in", "help out", "take out").
fn particle(c: &mut Cursor<'_>, done: Verb) -> Option<&'static str> {
    if c.eat_phrase(&["care", "of"]) {
        return Some("care of");
    }
    match (done.base, c.peek(0)) {
        ("put" | "chip" | "pitch" | "kick", "in") => {
            c.at += 1;
            Some("")
        }
        (_, "out" | "up") if c.peek(1) != "to" => {
            let word = if c.peek(0) == "out" { "out" } else { "up" };
            c.at += 1;
            c.eat_one(&["with"]);
            Some(word)
        }
        ("help", "with") => {
            c.at += 1;
            Some("")
        }
        ("take", "on") => {
            c.at += 1;
            Some("")
        }
        _ => None,
    }
}

/// A verb with the particle that belongs to it.
type Phrasal = (Verb, Option<&'static str>);

/// The verb at the cursor (with its particle), taken.
fn verb_at(c: &mut Cursor<'_>) -> Option<Phrasal> {
    let done = verb(c.peek(0))?;
    c.at += 1;
    let particle = particle(c, done);
    Some((done, particle))
}

/// The promises after the stance: one or more joined by "and" (or a comma before a verb).
pub fn promises(c: &mut Cursor<'_>, scene: &Scene<'_>) -> Option<Vec<PromiseDraft>> {
    let (first, mut verb) = promise(c, scene, None)?;
    let mut all = vec![first];
    loop {
        let mut probe = *c;
        let comma = probe.eat_one(&[","]).is_some();
        let joined = probe
            .eat_any_phrase(&[
                &["and", "also"],
                &["and", "then"],
                &["and"],
                &["as", "well", "as"],
                &["&"],
                &["plus"],
                &["+"],
            ])
            .is_some();
        let connector = {
            let mut look = probe;
            super::condition::connector(&mut look)
        };
        if connector || !(joined || comma && super::words::verb(probe.peek(0)).is_some()) {
            return Some(all);
        }
        probe.skip_all(&["also", "then"]);
        if probe.eat_one(&["i"]).is_some() {
            probe.skip_all(&["will", "can", "shall", "also", "then"]);
        }
        match promise(&mut probe, scene, verb) {
            Some((next, next_verb)) => {
                all.push(next);
                verb = next_verb.or(verb);
                *c = probe;
            }
            None => return Some(all),
        }
    }
}

/// One promise at the cursor; `previous` is the verb of the promise before it ("clean the
/// bathroom once a week and the kitchen twice a week"). Returns the promise and its verb.
fn promise(
    c: &mut Cursor<'_>,
    scene: &Scene<'_>,
    previous: Option<Phrasal>,
) -> Option<(PromiseDraft, Option<Phrasal>)> {
    c.skip_all(ADVERBS);
    c.eat_one(&["to"]);
    if let Some(share) = share::matching(c, scene) {
        let draft = PromiseDraft {
            share: Some(share),
            ..PromiseDraft::default()
        };
        return Some((draft, None));
    }
    let own = verb_at(c);
    // "give up 2 hours of sleep", "put up with": not an offer of what follows
    if matches!(own, Some((v, Some("up" | "out"))) if matches!(v.base, "give" | "put" | "pay")) {
        return None;
    }
    let done = own.or(previous);
    c.skip_all(&["also"]);
    // "another 2 hours", "2 more hours": more than what? Asked.
    let relative = c
        .eat_any_phrase(&[
            &["another"],
            &["an", "extra"],
            &["an", "additional"],
            &["extra"],
            &["additional"],
            &["more"],
        ])
        .is_some();
    if let Some(share) = share::share(c, scene) {
        let mut quantity = Quantity::default();
        apply_verb(&mut quantity, done);
        let draft = PromiseDraft {
            quantity,
            share: Some(share),
            same: false,
        };
        return Some((draft, done));
    }
    if c.eat_any_phrase(&[
        &["the", "same", "amount"],
        &["the", "same"],
        &["likewise"],
        &["that", "too"],
        &["it", "too"],
        &["the", "same", "thing"],
        &["so", "too"],
        &["as", "much"],
    ])
    .is_some()
    {
        let mut quantity = Quantity::default();
        apply_verb(&mut quantity, done);
        let draft = PromiseDraft {
            quantity,
            share: None,
            same: true,
        };
        return Some((draft, done));
    }
    let start = c.offset();
    let mut quantity = if let Some(read) = quantity::read(c) {
        let mut q = read.quantity;
        let relative = relative || c.eat_one(&["more", "extra"]).is_some();
        if relative || matches!(read.bound, Bound::Upper | Bound::Rough | Bound::Strict) {
            q.amount = Amount::Vague((start, c.end_of_previous()));
        }
        // "buy 3", "iron 5": a bare number after a verb that names its own action counts
        // something, not hours borrowed from another clause
        q.keep_bare = done.is_some_and(|(v, _)| v.action.is_some() || !v.giving && v.base != "do");
        q
    } else {
        object_and_amount(c, done, own.is_some())?
    };
    apply_verb(&mut quantity, done);
    let mut draft = PromiseDraft {
        quantity,
        share: None,
        same: false,
    };
    // "2 hours plus 50% of any excess he does", "half an hour for every hour Bob works"
    let mut probe = *c;
    probe.eat_one(&[","]);
    if probe
        .eat_any_phrase(&[&["plus"], &["+"], &["and", "then"], &["and"]])
        .is_some()
        && let Some(share) = share::share(&mut probe, scene)
    {
        draft.share = Some(share);
        *c = probe;
    } else if let Amount::Known(amount) = draft.quantity.amount
        && let Some((per, mut share)) = share::per(c, scene)
    {
        share.rate = amount / per;
        draft.quantity.amount = Amount::Missing;
        draft.share = Some(share);
    }
    Some((draft, done))
}

/// "walk the dog twice a day", "clean the kitchen for 2 hours", "do the dishes" (how
/// often is asked), "chip in for the gift" (how much is asked), "cook" (likewise).
fn object_and_amount(
    c: &mut Cursor<'_>,
    done: Option<Phrasal>,
    verb_here: bool,
) -> Option<Quantity> {
    let (done_verb, particle) = done?;
    let start = c.offset();
    let object = noun_phrase(c);
    let object_end = c.end_of_previous().max(start);
    let for_amount = c.eat_one(&["for", "towards", "toward", "to"]);
    let read = quantity::read(c);
    let mut q = match read {
        Some(read) if !matches!(read.bound, Bound::Upper | Bound::Rough | Bound::Strict) => {
            read.quantity
        }
        Some(_) => Quantity {
            amount: Amount::Vague((start, c.end_of_previous())),
            ..Quantity::default()
        },
        None => match quantity::frequency_only(c) {
            Some(q) => q,
            None => {
                // no amount: asked for, if what was said is an offer at all
                let mut q = Quantity::default();
                if let Some(word) = for_amount {
                    if word != "for" || object.is_none() {
                        if let Some(action) = noun_phrase(c) {
                            q.action = Some(action);
                        }
                    }
                }
                let end = c.end_of_previous().max(object_end);
                let bare = object.is_none() && q.action.is_none();
                let open = c.done()
                    || matches!(
                        c.peek(0),
                        "if" | ","
                            | "provided"
                            | "as"
                            | "on"
                            | "once"
                            | "twice"
                            | "at"
                            | "by"
                            | "before"
                            | "after"
                    )
                    || super::words::TIME_WORDS.contains(&c.peek(0));
                if bare && !(verb_here && done_verb.action.is_some() && open) {
                    return None;
                }
                if for_amount == Some("for") && object.is_some() && q.action.is_none() {
                    c.at -= 1;
                }
                q.amount = Amount::Vague((end, end));
                q.action_at = end;
                q
            }
        },
    };
    q.keep_bare = object.is_some() || for_amount.is_some();
    // "do Bob's 2 hours of cleaning": the object and the amount's own action disagree
    if object.is_some() && q.action.is_some() {
        q.unclear = Some("I could not tell whose amount it is");
    }
    let object = match (particle, object) {
        (Some(p), Some(o)) if !p.is_empty() && p != "care of" => Some(format!("{p} {o}")),
        (_, o) => o,
    };
    let named = if particle == Some("care of") {
        object.clone()
    } else {
        action_of_object(Some(done_verb), object.as_deref())
    };
    q.action = q.action.or(named);
    Some(q)
}

/// What the verb says about the action.
fn apply_verb(quantity: &mut Quantity, done: Option<Phrasal>) {
    if let Some((v, _)) = done {
        quantity.verb_action = v.action.map(str::to_owned);
        quantity.giving = v.giving;
    }
}
