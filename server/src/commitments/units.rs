//! Normalisation of actions and units, so that "3h", "3 hrs" and "3 hours" are one quantity.
//!
//! A quantity is keyed by `(action, unit)` after normalisation: trimmed, lower-case, single
//! spaces, leading articles dropped ("the dishes" -> `dishes`), and unit synonyms mapped to
//! one canonical spelling (`h`/`hr`/`hrs` -> `hours`, `$` -> `usd`, `%` -> `percent`, ...).

/// Canonical unit spellings and the synonyms that map to them.
const UNIT_SYNONYMS: &[(&str, &[&str])] = &[
    ("hours", &["h", "hr", "hrs", "hour", "hours"]),
    ("minutes", &["min", "mins", "minute", "minutes"]),
    ("days", &["d", "day", "days"]),
    ("usd", &["$", "usd", "dollar", "dollars", "buck", "bucks"]),
    ("eur", &["€", "eur", "euro", "euros"]),
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

/// How a canonical unit reads after `amount`: "1 time per week", "1 hour", "2 hours";
/// a unit stored before `dB` kept its case reads "dB" too. Wording only: the unit stays.
pub fn display_unit(amount: f64, unit: &str) -> String {
    let unit = if unit == "db" { "dB" } else { unit };
    let (first, rest) = unit.split_once(' ').unwrap_or((unit, ""));
    let countable = matches!(first, "hours" | "minutes" | "days" | "times");
    if !countable || (amount - 1.0).abs() > f64::EPSILON {
        return unit.to_owned();
    }
    let single = first.trim_end_matches('s');
    if rest.is_empty() {
        single.to_owned()
    } else {
        format!("{single} {rest}")
    }
}

/// A number as a person writes it: no trailing zeros, at most six decimals.
pub fn format_amount(value: f64) -> String {
    let rounded = (value * 1e6).round() / 1e6;
    let text = format!("{rounded}");
    if text == "-0" { "0".to_owned() } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hour spellings all become `hours`, minutes and money likewise.
    #[test]
    fn unit_synonyms_map_to_one_spelling() {
        for unit in ["h", "hr", "hrs", "Hours", " hour "] {
            assert_eq!(normalize_unit(unit), "hours");
        }
        assert_eq!(normalize_unit("min"), "minutes");
        for unit in ["$", "USD", "dollars"] {
            assert_eq!(normalize_unit(unit), "usd");
        }
        assert_eq!(normalize_unit("%"), "percent");
        assert_eq!(normalize_unit("dB"), "dB");
        assert_eq!(normalize_unit("decibels"), "dB");
        assert_eq!(normalize_unit("times  per day"), "times per day");
        assert_eq!(normalize_unit("Parsecs"), "parsecs");
    }

    /// Articles and fillers in front of an action are dropped, the rest kept.
    #[test]
    fn actions_lose_leading_articles() {
        assert_eq!(normalize_action("the dishes"), "dishes");
        assert_eq!(normalize_action("  Some   Coding "), "coding");
        assert_eq!(
            normalize_action("AC/DC volume reduction"),
            "ac/dc volume reduction"
        );
        assert_eq!(normalize_action("the"), "the");
    }

    /// Units read in the singular after exactly 1, and dB keeps its case.
    #[test]
    fn units_read_singular_after_one() {
        assert_eq!(display_unit(1.0, "times per week"), "time per week");
        assert_eq!(display_unit(2.0, "times per week"), "times per week");
        assert_eq!(display_unit(1.0, "hours"), "hour");
        assert_eq!(display_unit(0.5, "hours"), "hours");
        assert_eq!(display_unit(1.0, "usd"), "usd");
        assert_eq!(display_unit(3.5, "db"), "dB");
        assert_eq!(display_unit(1.0, "dB"), "dB");
    }

    /// Amounts print without float noise.
    #[test]
    fn amounts_print_plainly() {
        assert_eq!(format_amount(3.0), "3");
        assert_eq!(format_amount(4.5), "4.5");
        assert_eq!(format_amount(0.1 + 0.2), "0.3");
    }
}
