//! Proportional promises: a share of what someone else does. "half of what Bob does",
//! "50% of any excess he does", "10% of what the others do beyond 20 hours", "I'll match
//! whatever Kim gives", "twice as much as Yuri", "half an hour for every hour Bob works" —
//! and their limits ("up to 8 hours in total", "at most 6 more").

use super::amount::number;
use super::cursor::Cursor;
use super::names::{Subject, subject};
use super::phrase::noun_phrase;
use super::quantity;
use super::scene::Scene;
use super::shape::{Amount, Limit, Share, Who};
use super::words::verb;

/// Nouns that mean "what they give or do", not an action of its own.
const GENERAL: &[&str] = &[
    "donation",
    "donations",
    "contribution",
    "contributions",
    "payment",
    "payments",
    "pledge",
    "share",
    "part",
    "amount",
    "offer",
    "commitment",
    "effort",
    "time",
    "hours",
    "money",
    "dollars",
    "bit",
    "input",
];

/// Words that start a limit.
const LIMIT: &[&[&str]] = &[
    &["up", "to", "a", "maximum", "of"],
    &["to", "a", "maximum", "of"],
    &["with", "a", "cap", "of"],
    &["with", "a", "maximum", "of"],
    &["with", "a", "limit", "of"],
    &["but", "no", "more", "than"],
    &["but", "not", "more", "than"],
    &["no", "more", "than"],
    &["not", "more", "than"],
    &["not", "exceeding"],
    &["capped", "at"],
    &["maxing", "out", "at"],
    &["max", "of"],
    &["maximum", "of"],
    &["a", "maximum", "of"],
    &["limit", "of"],
    &["limit"],
    &["up", "to"],
    &["upto"],
    &["at", "most"],
    &["max"],
    &["maximum"],
    &["cap"],
];

/// The subject a share follows, if one is named at the cursor.
fn followed(c: &mut Cursor<'_>, scene: &Scene<'_>) -> Option<Option<Who>> {
    let who = subject(c, scene.author, scene.members)?;
    Some(match who {
        Subject::People(people) if people.len() == 1 => people.into_iter().next().map(|(w, _)| w),
        Subject::Others | Subject::Everyone => Some(Who::Others),
        Subject::Pronoun => None,
        Subject::You => Some(Who::Member(scene.addressed.clone()?)),
        _ => return None,
    })
}

/// "what Bob does", "whatever the others give", "any excess he does", "Bob's cleaning",
/// "Bob": whom a share follows and what of theirs.
fn what(c: &mut Cursor<'_>, scene: &Scene<'_>, share: &mut Share) -> Option<()> {
    c.eat_any_phrase(&[
        &["what", "ever"],
        &["whatever"],
        &["what"],
        &["anything"],
        &["everything"],
        &["all"],
    ]);
    c.eat_one(&["that"]);
    if c.eat_any_phrase(&[
        &["any", "excess"],
        &["the", "excess"],
        &["any", "extra"],
        &["the", "extra"],
        &["anything", "extra"],
    ])
    .is_some()
    {
        share.excess = true;
        c.eat_any_phrase(&[&["that"], &["of"]]);
    }
    c.eat_any_phrase(&[&["the", "amount"], &["the", "hours"], &["each", "hour"]]);
    c.eat_one(&["that"]);
    if c.done() || c.at_phrase(&[","]) {
        return share.excess.then_some(());
    }
    share.follows = followed(c, scene)?;
    if c.eat_one(&["'s"]).is_some() {
        if let Some(noun) = noun_phrase(c) {
            if !GENERAL.contains(&noun.as_str()) {
                share.ref_action = Some(noun);
            }
        }
        purpose(c, share);
        threshold(c, share);
        return Some(());
    }
    c.eat_any_phrase(&[&["will"], &["does"], &["do"]]);
    if let Some(v) = verb(c.peek(0)) {
        c.at += 1;
        c.eat_one(&["in", "out", "up"]);
        share.giving = v.giving;
        if let Some(action) = v.action {
            share.ref_action = Some(action.to_owned());
        }
        if share.ref_action.is_none()
            && let Some(noun) = noun_phrase(c)
            && !GENERAL.contains(&noun.as_str())
        {
            share.ref_action = Some(noun);
        }
    }
    purpose(c, share);
    threshold(c, share);
    Some(())
}

/// "to the gift", "for the party", "towards the rent" after what is followed: its action.
fn purpose(c: &mut Cursor<'_>, share: &mut Share) {
    let mut probe = *c;
    if share.ref_action.is_none()
        && probe
            .eat_one(&["to", "for", "towards", "toward", "on", "into", "in"])
            .is_some()
        && let Some(noun) = noun_phrase(&mut probe)
    {
        share.ref_action = Some(noun);
        *c = probe;
    }
}

/// "beyond 3 hours", "over 20", "above $10": where counting starts.
fn threshold(c: &mut Cursor<'_>, share: &mut Share) {
    let mut probe = *c;
    if probe
        .eat_any_phrase(&[
            &["in", "excess", "of"],
            &["more", "than"],
            &["beyond"],
            &["over"],
            &["above"],
            &["past"],
            &["after", "the", "first"],
        ])
        .is_some()
        && {
            probe.eat_any_phrase(&[&["the", "first"], &["the"]]);
            true
        }
        && let Some(read) = quantity::read(&mut probe)
        && let Amount::Known(value) = read.quantity.amount
    {
        share.threshold = Some(value);
        if share.ref_unit.is_none() {
            share.ref_unit = read.quantity.unit;
        }
        if share.ref_action.is_none() {
            share.ref_action = read.quantity.action;
        }
        *c = probe;
    }
}

/// A share at the cursor, as a promise of its own or after "plus": "half of what Bob does",
/// "50% of any excess he does", "twice as much as Kim", "the same as the others".
pub fn share(c: &mut Cursor<'_>, scene: &Scene<'_>) -> Option<Share> {
    let start = *c;
    let mut share = Share::default();
    if let Some(rate) = quantity::rate(c) {
        share.rate = rate;
        let as_much = c
            .eat_any_phrase(&[&["as", "much", "as"], &["as", "many", "as"]])
            .is_some();
        if !as_much {
            c.eat_one(&["of"]);
        }
        if what(c, scene, &mut share).is_some() {
            return Some(share);
        }
        *c = start;
        return None;
    }
    if c.eat_any_phrase(&[
        &["as", "much", "as"],
        &["the", "same", "as"],
        &["as", "many", "hours", "as"],
    ])
    .is_some()
    {
        share.rate = 1.0;
        if what(c, scene, &mut share).is_some() {
            return Some(share);
        }
    }
    *c = start;
    None
}

/// "match whatever Bob gives", "match Bob's donation", "match Bob hour for hour".
pub fn matching(c: &mut Cursor<'_>, scene: &Scene<'_>) -> Option<Share> {
    let start = *c;
    c.eat_one(&["match", "matching"])?;
    let mut share = Share {
        rate: 1.0,
        ..Share::default()
    };
    if what(c, scene, &mut share).is_none() {
        *c = start;
        return None;
    }
    c.eat_any_phrase(&[
        &["hour", "for", "hour"],
        &["dollar", "for", "dollar"],
        &["euro", "for", "euro"],
        &["1", ":", "1"],
        &["one", "for", "one"],
        &["one", "to", "one"],
        &["1", "to", "1"],
    ]);
    Some(share)
}

/// "for every hour Bob works", "per 2 hours Kim does", "for each $2 Yuri gives": whom a
/// share follows and per how much of theirs (the rate is the promised amount per that).
pub fn per(c: &mut Cursor<'_>, scene: &Scene<'_>) -> Option<(f64, Share)> {
    let start = *c;
    c.eat_any_phrase(&[
        &["for", "every"],
        &["for", "each"],
        &["per"],
        &["with", "every"],
        &["each", "time"],
    ])?;
    let mut share = Share::default();
    let per = match quantity::read(c) {
        Some(read) => {
            share.ref_unit = read.quantity.unit;
            share.ref_action = read.quantity.action;
            match read.quantity.amount {
                Amount::Known(v) if v > 0.0 => v,
                _ => {
                    *c = start;
                    return None;
                }
            }
        }
        None => {
            // "for every hour", "per hour"
            let unit = super::super::units::known_unit(c.peek(0));
            match unit {
                Some(u) => {
                    share.ref_unit = Some(u.to_owned());
                    c.at += 1;
                    if c.eat_one(&["of"]).is_some() {
                        share.ref_action = noun_phrase(c);
                    }
                    1.0
                }
                None => {
                    *c = start;
                    return None;
                }
            }
        }
    };
    c.eat_one(&["that"]);
    let Some(follows) = followed(c, scene) else {
        *c = start;
        return None;
    };
    share.follows = follows;
    c.eat_any_phrase(&[
        &["does"],
        &["do"],
        &["puts", "in"],
        &["put", "in"],
        &["will", "do"],
    ]);
    if let Some(v) = verb(c.peek(0)) {
        c.at += 1;
        c.eat_one(&["in", "out", "up"]);
        share.giving = v.giving;
        if share.ref_action.is_none() {
            share.ref_action = v.action.map(str::to_owned);
        }
    }
    if share.ref_action.is_none()
        && let Some(noun) = noun_phrase(c)
    {
        share.ref_action = Some(noun);
    }
    threshold(c, &mut share);
    Some((per, share))
}

/// A limit at the cursor: "up to 8 hours in total", "at most 6 more", "max $50".
pub fn limit(c: &mut Cursor<'_>) -> Option<Limit> {
    let start = *c;
    c.eat_any_phrase(&[&[","], &["but"], &["and"], &["("]]);
    c.eat_one(&["but"]);
    if c.eat_any_phrase(LIMIT).is_none() {
        *c = start;
        return None;
    }
    let read = match quantity::read(c) {
        Some(read) => read,
        None => {
            let mut probe = *c;
            let Some(value) = number(&mut probe) else {
                *c = start;
                return None;
            };
            *c = probe;
            quantity::Read {
                quantity: super::shape::Quantity {
                    amount: Amount::Known(value),
                    ..Default::default()
                },
                bound: quantity::Bound::AtLeast,
            }
        }
    };
    let Amount::Known(amount) = read.quantity.amount else {
        *c = start;
        return None;
    };
    let mut read = read;
    let mut total = true;
    // "6 more hours", "6 extra hours"
    if read.quantity.unit.is_none() && c.at_phrase(&["more|extra|additional"]) {
        let mut probe = *c;
        probe.at += 1;
        if let Some(unit) = super::super::units::known_unit(probe.peek(0)) {
            read.quantity.unit = Some(unit.to_owned());
            c.at = probe.at + 1;
            total = false;
        }
    }
    loop {
        if c.eat_any_phrase(&[
            &["in", "total"],
            &["total"],
            &["overall"],
            &["all", "in"],
            &["altogether"],
            &["combined"],
        ])
        .is_some()
        {
            total = true;
            continue;
        }
        if c.eat_any_phrase(&[
            &["more"],
            &["extra"],
            &["on", "top"],
            &["additional"],
            &["beyond", "that"],
        ])
        .is_some()
        {
            total = false;
            continue;
        }
        if c.eat_any_phrase(&[&[")"], &["max"], &["tops"]]).is_some() {
            continue;
        }
        break;
    }
    Some(Limit {
        amount,
        unit: read.quantity.unit,
        action: read.quantity.action,
        total,
    })
}
