//! One amount of something as people write it: "5h work", "3 hours of coding", "$20 for
//! pizza", "40% of the rent", "twice a week", "half an hour", "an hour and a half", "1h30",
//! "a couple of hours", "3 cups of coffee", "2 hours a week of gardening" — or a vague one
//! ("some work") or one that is only a bound ("at most 2 hours"), which the grammar asks
//! about instead of recording.

use super::amount::{amount_and_unit, number, period, unclear_number, unit_ahead, with_period};
use super::cursor::Cursor;
use super::phrase;
use super::shape::{Amount, Quantity};
use super::words::fraction_word;

/// How an amount is bounded, as written.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Bound {
    /// "2 hours", "at least 2 hours", "2 hours or more".
    #[default]
    AtLeast,
    /// "more than 2 hours": a strict bound, which cannot be recorded.
    Strict,
    /// "at most 2 hours", "up to 2 hours", "less than 2 hours".
    Upper,
    /// "about 2 hours", "2-3 hours", "2 or 3 hours".
    Rough,
}

/// A quantity read at the cursor, and its bound.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Read {
    pub quantity: Quantity,
    pub bound: Bound,
}

/// Words before an amount that only introduce it.
const INTRODUCERS: &[&[&str]] = &[
    &["at", "least"],
    &["a", "minimum", "of"],
    &["minimum", "of"],
    &["minimum"],
    &["min"],
    &["no", "less", "than"],
    &["not", "less", "than"],
    &["a", "full"],
    &["a", "whole"],
    &["full"],
    &["whole"],
    &["exactly"],
    &["precisely"],
    &["another"],
    &[">="],
    &[">", "="],
];
/// Words before an amount that make it a strict lower bound.
const STRICT: &[&[&str]] = &[&["more", "than"], &["over"], &["above"], &[">"]];
/// Words before an amount that make it an upper bound.
const UPPER: &[&[&str]] = &[
    &["up", "to"],
    &["at", "most"],
    &["no", "more", "than"],
    &["not", "more", "than"],
    &["less", "than"],
    &["fewer", "than"],
    &["under"],
    &["max"],
    &["maximum"],
    &["a", "maximum", "of"],
    &["<"],
];
/// Words before an amount that make it rough.
const ROUGH: &[&[&str]] = &[
    &["about"],
    &["around"],
    &["roughly"],
    &["approximately"],
    &["approx"],
    &["~"],
    &["like"],
    &["something", "like"],
    &["circa"],
    &["almost"],
    &["nearly"],
];

/// A quantity at the cursor: bound words, the amount, its unit, a period, and the action
/// after it ("of cleaning", "cleaning", "on snacks", "for pizza", "towards the gift").
pub fn read(c: &mut Cursor<'_>) -> Option<Read> {
    let start = *c;
    let mut bound = Bound::AtLeast;
    // "the 3 bathrooms", "my 2 hours": a count of particular things
    if c.at_phrase(&["the|my|our|those|these|his|her|their"]) && {
        let mut probe = *c;
        probe.at += 1;
        number(&mut probe).is_some()
    } {
        c.at += 1;
        bound = Bound::Rough;
    }
    // "between 2 and 3 hours"
    if c.at_phrase(&["between"]) && {
        let mut probe = *c;
        probe.at += 1;
        number(&mut probe).is_some() && probe.eat_one(&["and", "-"]).is_some()
    } {
        c.at += 1;
        number(c);
        c.at += 1;
        bound = Bound::Rough;
    }
    loop {
        if c.eat_any_phrase(INTRODUCERS).is_some() {
            continue;
        }
        if c.eat_any_phrase(STRICT).is_some() {
            bound = Bound::Strict;
            continue;
        }
        if c.eat_any_phrase(UPPER).is_some() {
            bound = Bound::Upper;
            continue;
        }
        if c.eat_any_phrase(ROUGH).is_some() {
            bound = Bound::Rough;
            continue;
        }
        break;
    }
    if unclear_number(c) {
        bound = Bound::Rough;
    }
    let Some((amount, unit)) = amount_and_unit(c) else {
        *c = start;
        return None;
    };
    // "20 euro cents": two units for one amount
    let period_next = {
        let mut probe = *c;
        period(&mut probe).is_some()
    };
    let second_unit =
        unit_ahead(c).is_some() || matches!(c.peek(0), "cents" | "cent" | "pence" | "p");
    if unit.is_some() && !period_next && second_unit {
        bound = Bound::Rough;
    }
    let unit_at = (unit.is_none()).then(|| c.end_of_previous());
    let mut quantity = Quantity {
        amount,
        unit,
        unit_at,
        ..Quantity::default()
    };
    // "6 people", "3 pizzas", "5 shirts": a count of things, which is not an amount of
    // doing anything the grammar can name
    if quantity.unit.is_none()
        && phrase::unit_word(c.peek(0))
        && (c.peek(0).ends_with('s')
            || matches!(c.peek(0), "people" | "children" | "men" | "women"))
        && super::words::verb(c.peek(0)).is_none()
    {
        quantity.unclear = Some("I could not tell what the number counts");
        c.at += 1;
    }
    // "2-3 hours", "2 to 3 hours", "2 or 3 hours", "2 hours or so", "2ish"
    if c.at_phrase(&["-|to|or"]) && {
        let mut probe = *c;
        probe.at += 1;
        number(&mut probe).is_some()
    } {
        c.at += 1;
        number(c);
        if quantity.unit.is_none()
            && let Some((unit, used)) = unit_ahead(c)
        {
            c.at += used;
            quantity.unit = Some(unit.to_owned());
            quantity.unit_at = None;
        }
        bound = Bound::Rough;
    }
    if c.eat_any_phrase(&[&["or", "so"], &["ish"], &["-", "ish"]])
        .is_some()
    {
        bound = Bound::Rough;
    }
    if c.eat_any_phrase(&[&["or", "more"], &["+"], &["at", "least"], &["minimum"]])
        .is_some()
    {
        bound = if bound == Bound::Rough {
            bound
        } else {
            Bound::AtLeast
        };
    }
    if c.eat_any_phrase(&[&["or", "less"], &["at", "most"], &["max"], &["tops"]])
        .is_some()
    {
        bound = Bound::Upper;
    }
    if let Some(p) = period(c) {
        quantity.unit = quantity.unit.map(|u| period_unit(&u, p));
    }
    quantity.action_at = c.end_of_previous();
    quantity.action = action_after(c);
    if quantity.action.is_some() {
        if let Some(p) = period(c) {
            quantity.unit = quantity.unit.map(|u| period_unit(&u, p));
        }
    }
    Some(Read { quantity, bound })
}

/// A unit with a period added, unless it has one.
fn period_unit(unit: &str, period: &str) -> String {
    if unit.contains(" per ") {
        unit.to_owned()
    } else {
        with_period(unit, period)
    }
}

/// The action after an amount: "of cleaning", "cleaning", "on snacks", "for pizza",
/// "towards the gift", "to the fund". A custom unit ("3 cups of coffee") is read by the
/// caller before this.
fn action_after(c: &mut Cursor<'_>) -> Option<String> {
    let mut probe = *c;
    if probe.eat_one(&["of"]).is_some()
        && let Some(action) = phrase::noun_phrase(&mut probe)
    {
        *c = probe;
        return Some(action);
    }
    let mut probe = *c;
    if probe
        .eat_one(&["on", "for", "towards", "toward", "to", "into"])
        .is_some()
        && let Some(action) = phrase::noun_phrase(&mut probe)
    {
        *c = probe;
        return Some(action);
    }
    phrase::noun_phrase(c)
}

/// A fraction of something: "half", "a third", "a quarter", "50%", "10 percent", "twice",
/// "double": the rate it stands for.
pub fn rate(c: &mut Cursor<'_>) -> Option<f64> {
    let start = *c;
    c.eat_one(&["a", "one"]);
    if let Some(f) = fraction_word(c.peek(0)) {
        c.at += 1;
        return Some(f);
    }
    *c = start;
    if c.eat_one(&["twice", "double"]).is_some() {
        return Some(2.0);
    }
    if c.eat_one(&["triple"]).is_some() {
        return Some(3.0);
    }
    if let Some(value) = number(c)
        && c.eat_any_phrase(&[&["%"], &["percent"], &["per", "cent"], &["pct"]])
            .is_some()
    {
        return Some(value / 100.0);
    }
    *c = start;
    None
}

/// A frequency without a number: "every week", "each day", "daily" — once per period.
pub fn frequency_only(c: &mut Cursor<'_>) -> Option<Quantity> {
    let unit = if c
        .eat_any_phrase(&[
            &["every", "day"],
            &["each", "day"],
            &["daily"],
            &["every", "night"],
            &["nightly"],
        ])
        .is_some()
    {
        "times per day"
    } else if c
        .eat_any_phrase(&[&["every", "week"], &["each", "week"], &["weekly"]])
        .is_some()
    {
        "times per week"
    } else if c
        .eat_any_phrase(&[&["every", "month"], &["each", "month"], &["monthly"]])
        .is_some()
    {
        "times per month"
    } else {
        return None;
    };
    Some(Quantity {
        amount: Amount::Known(1.0),
        unit: Some(unit.to_owned()),
        action_at: c.end_of_previous(),
        ..Quantity::default()
    })
}
