//! Units: one spelling per unit, and which units are one dimension, so that "3h", "3 hrs"
//! and "3 hours" are one quantity and "90 minutes" meets "2 hours" by value.
//!
//! Spellings are normalised: trimmed, lower-case, single spaces, leading articles dropped
//! from actions ("the dishes" -> `dishes`), and unit synonyms mapped to one canonical
//! spelling (`h`/`hr`/`hrs` -> `hours`, `$` -> `usd`, `%` -> `percent`, ...). A canonical
//! unit of a convertible dimension has an exact [`Scale`] to that dimension's base (an hour
//! is 3600 seconds, a cent 1/100 usd); any other unit is a dimension of its own. Texts keep
//! the unit their author wrote: only the solver and the liability diff compare by value.

use std::cmp::Ordering;

use super::exact::{self, Exact};

/// Canonical unit spellings and the synonyms that map to them. Words people also use
/// otherwise stay out: "pound" (money or weight), "m" (minutes or metres), "s", "p", "c".
const UNIT_SYNONYMS: &[(&str, &[&str])] = &[
    ("seconds", &["sec", "secs", "second", "seconds"]),
    ("minutes", &["min", "mins", "minute", "minutes"]),
    ("hours", &["h", "hr", "hrs", "hour", "hours"]),
    ("days", &["d", "day", "days"]),
    ("weeks", &["wk", "wks", "week", "weeks"]),
    ("usd", &["$", "usd", "dollar", "dollars", "buck", "bucks"]),
    ("cents", &["¢", "cent", "cents"]),
    ("eur", &["€", "eur", "euro", "euros"]),
    (
        "euro cents",
        &["euro cent", "euro cents", "eurocent", "eurocents"],
    ),
    (
        "gbp",
        &[
            "£",
            "gbp",
            "pound sterling",
            "pounds sterling",
            "sterling",
            "quid",
        ],
    ),
    ("pence", &["pence", "penny", "pennies"]),
    (
        "km",
        &[
            "km",
            "kms",
            "kilometer",
            "kilometers",
            "kilometre",
            "kilometres",
        ],
    ),
    ("meters", &["meter", "meters", "metre", "metres"]),
    (
        "kg",
        &["kg", "kgs", "kilo", "kilos", "kilogram", "kilograms"],
    ),
    ("grams", &["g", "gram", "grams", "gramme", "grammes"]),
    ("liters", &["l", "liter", "liters", "litre", "litres"]),
    (
        "ml",
        &[
            "ml",
            "milliliter",
            "milliliters",
            "millilitre",
            "millilitres",
        ],
    ),
    ("percent", &["%", "percent", "per cent", "pct"]),
    ("dB", &["db", "decibel", "decibels"]),
    ("times", &["time", "times", "x"]),
    (
        "times per day",
        &[
            "times per day",
            "times a day",
            "per day",
            "a day",
            "daily",
            "times/day",
            "x/day",
        ],
    ),
    (
        "times per week",
        &[
            "times per week",
            "times a week",
            "per week",
            "a week",
            "weekly",
            "times/week",
            "x/week",
        ],
    ),
    (
        "times per month",
        &[
            "times per month",
            "times a month",
            "per month",
            "a month",
            "monthly",
        ],
    ),
];

/// A family of units that convert into one another by fixed factors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    /// Durations; base: seconds.
    Time,
    /// How often, per day or per week; base: times per week. (A month has no fixed length,
    /// so `times per month` is a dimension of its own.)
    Frequency,
    /// US dollars; base: cents.
    Usd,
    /// Euros; base: euro cents.
    Eur,
    /// Pounds sterling; base: pence.
    Gbp,
    /// Distances; base: meters.
    Length,
    /// Masses; base: grams.
    Mass,
    /// Volumes; base: milliliters.
    Volume,
}

/// How a canonical unit converts: one of it is `numerator / denominator` of its
/// dimension's base unit, exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub dimension: Dimension,
    pub numerator: i64,
    pub denominator: i64,
}

impl Scale {
    /// The factor to the base unit, exactly.
    pub fn factor(&self) -> Exact {
        Exact::new(self.numerator, self.denominator)
    }
}

/// Every convertible canonical unit: its dimension and base units per unit.
const SCALES: &[(&str, Dimension, i64, i64)] = &[
    ("seconds", Dimension::Time, 1, 1),
    ("minutes", Dimension::Time, 60, 1),
    ("hours", Dimension::Time, 3_600, 1),
    ("days", Dimension::Time, 86_400, 1),
    ("weeks", Dimension::Time, 604_800, 1),
    ("times per day", Dimension::Frequency, 7, 1),
    ("times per week", Dimension::Frequency, 1, 1),
    ("usd", Dimension::Usd, 100, 1),
    ("cents", Dimension::Usd, 1, 1),
    ("eur", Dimension::Eur, 100, 1),
    ("euro cents", Dimension::Eur, 1, 1),
    ("gbp", Dimension::Gbp, 100, 1),
    ("pence", Dimension::Gbp, 1, 1),
    ("km", Dimension::Length, 1_000, 1),
    ("meters", Dimension::Length, 1, 1),
    ("kg", Dimension::Mass, 1_000, 1),
    ("grams", Dimension::Mass, 1, 1),
    ("liters", Dimension::Volume, 1_000, 1),
    ("ml", Dimension::Volume, 1, 1),
];

/// What amounts are compared within: a dimension, or a unit that is in none, on its own.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    Dimension(Dimension),
    /// A unit of no convertible dimension, canonically spelled (`percent`, `cups`).
    Unit(String),
}

/// How a unit (any spelling) converts, or `None` when it is in no convertible dimension.
pub fn scale(unit: &str) -> Option<Scale> {
    let unit = normalize_unit(unit);
    SCALES
        .iter()
        .find(|(name, ..)| *name == unit)
        .map(|&(_, dimension, numerator, denominator)| Scale {
            dimension,
            numerator,
            denominator,
        })
}

/// What amounts in `unit` (any spelling) are compared within.
pub fn measure(unit: &str) -> Measure {
    scale(unit).map_or_else(
        || Measure::Unit(normalize_unit(unit)),
        |scale| Measure::Dimension(scale.dimension),
    )
}

/// Whether amounts in `a` and in `b` (any spellings) can be compared: one unit, or one
/// dimension ("minutes" and "h" can, "hours" and "usd" cannot).
pub fn same_dimension(a: &str, b: &str) -> bool {
    measure(a) == measure(b)
}

/// Base units per one `unit` (any spelling): its [`Scale`], or exactly 1 for a unit in no
/// dimension.
pub fn factor(unit: &str) -> Exact {
    scale(unit).map_or_else(|| Exact::from_integer(1), |scale| scale.factor())
}

/// `amount` of `from` expressed in `to`, exactly converted (then rounded to the nearest
/// f64); `None` when the two units are not of one dimension.
pub fn convert(amount: f64, from: &str, to: &str) -> Option<f64> {
    if !same_dimension(from, to) {
        return None;
    }
    let value = exact::from_f64(amount)?;
    Some(exact::to_f64(&(value * factor(from) / factor(to))))
}

/// Compares `a` of `a_unit` with `b` of `b_unit` by value; `None` when the units are not
/// of one dimension or an amount is not finite.
pub fn compare(a: f64, a_unit: &str, b: f64, b_unit: &str) -> Option<Ordering> {
    if !same_dimension(a_unit, b_unit) {
        return None;
    }
    let a = exact::from_f64(a)? * factor(a_unit);
    let b = exact::from_f64(b)? * factor(b_unit);
    Some(a.cmp(&b))
}

/// Words dropped from the front of an action ("the dishes", "some coding").
const LEADING_FILLERS: &[&str] = &["the", "a", "an", "some", "of", "my", "our"];

/// Lower-cases, trims and collapses inner whitespace.
fn tidy(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The canonical spelling of a unit, or `None` when the unit is not a known synonym.
pub fn known_unit(unit: &str) -> Option<&'static str> {
    let unit = tidy(unit);
    UNIT_SYNONYMS
        .iter()
        .find(|(_, synonyms)| synonyms.contains(&unit.as_str()))
        .map(|(canonical, _)| *canonical)
}

/// The canonical spelling of a unit; unknown units are kept, tidied.
pub fn normalize_unit(unit: &str) -> String {
    known_unit(unit).map_or_else(|| tidy(unit), str::to_owned)
}

/// The canonical spelling of an action: tidied, without leading articles or fillers.
pub fn normalize_action(action: &str) -> String {
    let tidied = tidy(action);
    let mut words: Vec<&str> = tidied.split(' ').filter(|w| !w.is_empty()).collect();
    while words.len() > 1 && LEADING_FILLERS.contains(&words[0]) {
        words.remove(0);
    }
    words.join(" ")
}

/// Canonical units that read differently after exactly 1, and how; a unit of several words
/// ("hours per day", "times per week") reads its first word so.
const SINGULARS: &[(&str, &str)] = &[
    ("seconds", "second"),
    ("minutes", "minute"),
    ("hours", "hour"),
    ("days", "day"),
    ("weeks", "week"),
    ("times", "time"),
    ("cents", "cent"),
    ("euro cents", "euro cent"),
    ("pence", "penny"),
    ("meters", "meter"),
    ("grams", "gram"),
    ("liters", "liter"),
];

/// How a canonical unit reads after `amount`: "1 time per week", "1 hour", "2 hours";
/// a unit stored before `dB` kept its case reads "dB" too. Wording only: the unit stays.
pub fn display_unit(amount: f64, unit: &str) -> String {
    let unit = if unit == "db" { "dB" } else { unit };
    if (amount - 1.0).abs() > f64::EPSILON {
        return unit.to_owned();
    }
    let single = |plural: &str| {
        SINGULARS
            .iter()
            .find(|(p, _)| *p == plural)
            .map(|(_, single)| *single)
    };
    if let Some(single) = single(unit) {
        return single.to_owned();
    }
    match unit.split_once(' ') {
        Some((first, rest)) => {
            single(first).map_or_else(|| unit.to_owned(), |single| format!("{single} {rest}"))
        }
        None => unit.to_owned(),
    }
}

/// A number as a person writes it: no trailing zeros, at most six decimals.
pub fn format_amount(value: f64) -> String {
    let rounded = (value * 1e6).round() / 1e6;
    let text = format!("{rounded}");
    if text == "-0" { "0".to_owned() } else { text }
}

#[cfg(test)]
mod tests;
