//! A number and its unit as people write them: digits or words ("2.5", "twenty five", "a
//! couple of", "a hundred"), fractions ("half an hour", "an hour and a half", "1h30"),
//! currencies and per-period units ("$20", "2 hours a week") — the amount inside a quantity.

use super::super::units::known_unit;
use super::cursor::Cursor;
use super::lexer::digits;
use super::phrase;
use super::shape::Amount;
use super::words::{number_word, times_word};

/// Words standing where an amount should be.
const VAGUE: &[&[&str]] = &[
    &["a", "little", "bit", "of"],
    &["a", "little", "bit"],
    &["a", "bit", "of"],
    &["a", "bit"],
    &["a", "little"],
    &["a", "few"],
    &["a", "lot", "of"],
    &["a", "lot"],
    &["lots", "of"],
    &["plenty", "of"],
    &["a", "number", "of"],
    &["some"],
    &["few"],
    &["several"],
    &["more"],
    &["extra"],
    &["whatever"],
    &["enough"],
    &["any"],
    &["much"],
    &["many"],
];

/// A number at the cursor in digits or words ("2.5", "twenty five", "a couple of",
/// "a hundred"), with "and a half" added.
pub fn number(c: &mut Cursor<'_>) -> Option<f64> {
    let start = *c;
    let vulgar = |word: &str| match word {
        "½" => Some(0.5),
        "¼" => Some(0.25),
        "¾" => Some(0.75),
        "⅓" => Some(1.0 / 3.0),
        "⅔" => Some(2.0 / 3.0),
        _ => None,
    };
    if let Some(v) = vulgar(c.peek(0)) {
        c.at += 1;
        return Some(v);
    }
    let value = if let Some(v) = digits(c.peek(0)) {
        c.at += 1;
        // "3/4", "1 1/2", "1½": fractions
        if c.peek(0) == "/"
            && let Some(d) = digits(c.peek(1)).filter(|d| *d > 0.0)
        {
            c.at += 2;
            return Some(v / d);
        }
        if let Some(f) = vulgar(c.peek(0)) {
            c.at += 1;
            return Some(v + f);
        }
        if let (Some(n), "/", Some(d)) = (digits(c.peek(0)), c.peek(1), digits(c.peek(2)))
            && d > n
        {
            c.at += 3;
            return Some(v + n / d);
        }
        // "1,5": a decimal comma, written without spaces
        if c.peek(0) == ","
            && (1..=2).contains(&c.peek(1).len())
            && c.peek(1).chars().all(|d| d.is_ascii_digit())
            && adjacent(c)
        {
            let decimals = format!("0.{}", c.peek(1));
            c.at += 2;
            return Some(v + digits(&decimals).unwrap_or(0.0));
        }
        // "1,000": a thousands separator, written without spaces
        let mut v = v;
        while c.peek(0) == ","
            && c.peek(1).len() == 3
            && c.peek(1).chars().all(|d| d.is_ascii_digit())
            && c.token(0).zip(c.token(1)).is_some_and(|(comma, next)| {
                c.tokens
                    .get(c.at - 1)
                    .is_some_and(|before| before.end == comma.start)
                    && comma.end == next.start
            })
        {
            v = v * 1000.0 + digits(c.peek(1)).unwrap_or(0.0);
            c.at += 2;
        }
        v
    } else if c
        .eat_any_phrase(&[&["a", "couple", "of"], &["couple", "of"], &["a", "couple"]])
        .is_some()
    {
        2.0
    } else if c.eat_phrase(&["half", "a", "dozen"]) {
        6.0
    } else if c.eat_phrase(&["a", "dozen"]) {
        12.0
    } else if c.at_phrase(&["a|one", "hundred|thousand"]) {
        c.at += 1;
        let v = number_word(c.peek(0))?;
        c.at += 1;
        v
    } else {
        let word = c.peek(0);
        let composed = word
            .split_once('-')
            .and_then(|(tens, ones)| Some(number_word(tens)? + number_word(ones)?));
        let v = composed.or_else(|| number_word(word))?;
        c.at += 1;
        let mut v = v;
        if (20.0..100.0).contains(&v)
            && v % 10.0 == 0.0
            && let Some(ones) = number_word(c.peek(0)).filter(|o| *o < 10.0)
        {
            v += ones;
            c.at += 1;
        }
        if v < 10.0 && c.peek(0) == "hundred" {
            v *= 100.0;
            c.at += 1;
        }
        v
    };
    if !value.is_finite() {
        *c = start;
        return None;
    }
    let mut value = value;
    if c.eat_phrase(&["and", "a", "half"]) {
        value += 0.5;
    }
    Some(value)
}

/// Whether the token at the cursor touches the ones before and after it ("1,5").
fn adjacent(c: &Cursor<'_>) -> bool {
    let before = c.at.checked_sub(1).and_then(|i| c.tokens.get(i));
    match (before, c.token(0), c.token(1)) {
        (Some(b), Some(t), Some(n)) => b.end == t.start && t.end == n.start,
        _ => false,
    }
}

/// A known unit at the cursor (longest spelling first), without taking it.
pub fn unit_ahead(c: &Cursor<'_>) -> Option<(&'static str, usize)> {
    (1..=3).rev().find_map(|length| {
        let words: Vec<&str> = (0..length).map(|i| c.peek(i)).collect();
        if words.iter().any(|w| w.is_empty()) {
            return None;
        }
        known_unit(&words.join(" ")).map(|u| (u, length))
    })
}

/// Units "a"/"an" can stand for one of ("an hour", "a day", "a dollar").
fn single_unit(c: &Cursor<'_>) -> Option<(&'static str, usize)> {
    unit_ahead(c).filter(|(u, _)| {
        matches!(
            *u,
            "hours" | "minutes" | "days" | "weeks" | "usd" | "eur" | "gbp" | "times"
        )
    })
}

/// A period after an amount ("a week", "per day", "daily", "every month"): the suffix of
/// the unit, and it is taken.
pub fn period(c: &mut Cursor<'_>) -> Option<&'static str> {
    let named = |word: &str| match word {
        "day" | "daily" => Some("day"),
        "week" | "weekly" | "wk" => Some("week"),
        "month" | "monthly" => Some("month"),
        "year" | "yearly" | "annually" => Some("year"),
        _ => None,
    };
    if matches!(c.peek(0), "a" | "per" | "each" | "every" | "/")
        && let Some(p) = named(c.peek(1))
    {
        c.at += 2;
        return Some(p);
    }
    if matches!(
        c.peek(0),
        "daily" | "weekly" | "monthly" | "yearly" | "annually"
    ) {
        let p = named(c.peek(0));
        c.at += 1;
        return p;
    }
    None
}

/// The unit with its period: "times" + week -> "times per week", "hours" + week ->
/// "hours per week".
pub fn with_period(unit: &str, period: &str) -> String {
    format!("{unit} per {period}")
}

/// An amount with its unit at the cursor. Returns the amount, the unit if one was written,
/// and whether it was a vague word.
pub fn amount_and_unit(c: &mut Cursor<'_>) -> Option<(Amount, Option<String>)> {
    let start = *c;
    // "$20", "€15", "£10"
    if let Some(sign) = c.eat_one(&["$", "€", "£"]) {
        let value = number(c)?;
        let unit = match sign {
            "$" => "usd",
            "€" => "eur",
            _ => "gbp",
        };
        return Some((Amount::Known(value), Some(unit.to_owned())));
    }
    // "a half hour"
    if c.at_phrase(&["a", "half"]) {
        let mut probe = *c;
        probe.at += 2;
        if let Some((unit, used)) = single_unit(&probe) {
            c.at = probe.at + used;
            return Some((Amount::Known(0.5), Some(unit.to_owned())));
        }
    }
    // "half an hour", "half a day"
    if c.at_phrase(&["half", "a|an"]) {
        let mut probe = *c;
        probe.at += 2;
        if let Some((unit, used)) = single_unit(&probe) {
            c.at = probe.at + used;
            return Some((Amount::Known(0.5), Some(unit.to_owned())));
        }
    }
    // "a quarter of an hour", "quarter of an hour", "a quarter hour", "three quarters of an hour"
    {
        let mut probe = *c;
        let parts = if probe.eat_phrase(&["three", "quarters"]) {
            Some(0.75)
        } else if probe
            .eat_any_phrase(&[&["a", "quarter"], &["quarter"]])
            .is_some()
        {
            Some(0.25)
        } else {
            None
        };
        if let Some(value) = parts {
            probe.eat_phrase(&["of"]);
            probe.eat_one(&["a", "an"]);
            if let Some((unit, used)) = single_unit(&probe) {
                c.at = probe.at + used;
                return Some((Amount::Known(value), Some(unit.to_owned())));
            }
        }
    }
    // "an hour", "an hour and a half", "a day"
    if c.at_phrase(&["a|an|one"]) {
        let mut probe = *c;
        probe.at += 1;
        if let Some((unit, used)) = single_unit(&probe) {
            probe.at += used;
            let mut value = 1.0;
            if probe.eat_phrase(&["and", "a", "half"]) {
                value = 1.5;
            } else if let Some(minutes) = minutes_after(&mut probe, unit) {
                value += minutes;
            }
            *c = probe;
            return Some((Amount::Known(value), Some(unit.to_owned())));
        }
    }
    for vague in VAGUE {
        let mut probe = *c;
        if probe.eat_phrase(vague) {
            let span = (
                start.token(0).map_or(0, |t| t.start),
                probe.end_of_previous(),
            );
            // "some 3 hours" is an amount after all
            if digits(probe.peek(0)).is_some() {
                break;
            }
            *c = probe;
            let unit = unit_ahead(c).map(|(u, used)| {
                c.at += used;
                u.to_owned()
            });
            return Some((Amount::Vague(span), unit));
        }
    }
    // "a bottle of wine", "a load of laundry": one of a unit of its own
    if c.at_phrase(&["a|an|one"])
        && c.peek(2) == "of"
        && phrase::unit_word(c.peek(1))
        && !matches!(
            c.peek(1),
            "couple"
                | "lot"
                | "bit"
                | "few"
                | "number"
                | "dozen"
                | "little"
                | "quarter"
                | "third"
                | "half"
        )
    {
        let unit = c.peek(1).to_owned();
        c.at += 2;
        return Some((Amount::Known(1.0), Some(unit)));
    }
    if let Some(times) = times_word(c.peek(0)) {
        c.at += 1;
        let unit = match period(c) {
            Some(p) => with_period("times", p),
            None => "times".to_owned(),
        };
        return Some((Amount::Known(times), Some(unit)));
    }
    let value = number(c)?;
    if let Some(sign) = c.eat_one(&["$", "€", "£", "%"]) {
        let unit = match sign {
            "$" => "usd",
            "€" => "eur",
            "£" => "gbp",
            _ => "percent",
        };
        return Some((Amount::Known(value), Some(unit.to_owned())));
    }
    // "3/4 of an hour", "½ of a day"
    if value < 1.0 && c.at_phrase(&["of", "a|an"]) {
        let mut probe = *c;
        probe.at += 2;
        if let Some((unit, used)) = single_unit(&probe) {
            c.at = probe.at + used;
            return Some((Amount::Known(value), Some(unit.to_owned())));
        }
    }
    if c.eat_one(&["times", "x"]).is_some() {
        let unit = match period(c) {
            Some(p) => with_period("times", p),
            None => "times".to_owned(),
        };
        return Some((Amount::Known(value), Some(unit)));
    }
    if let Some((unit, used)) = unit_ahead(c) {
        c.at += used;
        let mut value = value;
        if c.eat_phrase(&["and", "a", "half"]) {
            value += 0.5;
        } else if let Some(minutes) = minutes_after(c, unit) {
            value += minutes;
        }
        return Some((Amount::Known(value), Some(unit.to_owned())));
    }
    // "3 cups of coffee", "2 loads of laundry": a unit of its own
    if phrase::unit_word(c.peek(0)) && c.peek(1) == "of" {
        let unit = c.peek(0).to_owned();
        c.at += 1;
        return Some((Amount::Known(value), Some(unit)));
    }
    Some((Amount::Known(value), None))
}

/// Whether the number at the cursor is written in a way that could mean something else:
/// "1.000" (a thousand, or one?), "5k", "2m".
pub fn unclear_number(c: &Cursor<'_>) -> bool {
    let word = c.peek(0);
    let mut probe = *c;
    probe.eat_one(&["$", "€", "£"]);
    let word = if word.starts_with(|ch: char| ch.is_ascii_digit()) {
        word
    } else {
        probe.peek(0)
    };
    let thousands = word.split_once('.').is_some_and(|(_, decimals)| {
        decimals.len() == 3 && decimals.chars().all(|d| d.is_ascii_digit())
    });
    let next = if word == c.peek(0) {
        c.peek(1)
    } else {
        probe.peek(1)
    };
    thousands
        || matches!(
            next,
            "k" | "m" | "bn" | "grand" | "mil" | "million" | "thousand"
        )
}

/// "30" or "30 min" or "and 30 minutes" after an amount of hours: the fraction of an hour.
fn minutes_after(c: &mut Cursor<'_>, unit: &str) -> Option<f64> {
    if unit != "hours" {
        return None;
    }
    let mut probe = *c;
    probe.eat_phrase(&["and"]);
    let minutes = digits(probe.peek(0))?;
    if !(0.0..60.0).contains(&minutes) {
        return None;
    }
    probe.at += 1;
    let named = probe
        .eat_any_phrase(&[&["minutes"], &["minute"], &["mins"], &["min"], &["m"]])
        .is_some();
    if !named && c.peek(0) == "and" {
        return None;
    }
    *c = probe;
    Some(minutes / 60.0)
}
