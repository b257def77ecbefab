//! Spellings, conversions by value, dimensions and the wording of units.

use std::cmp::Ordering;

use super::*;

/// Hour spellings all become `hours`, minutes and money likewise.
#[test]
fn unit_synonyms_map_to_one_spelling() {
    for unit in ["h", "hr", "hrs", "Hours", " hour "] {
        assert_eq!(normalize_unit(unit), "hours");
    }
    assert_eq!(normalize_unit("min"), "minutes");
    for (unit, canonical) in [("secs", "seconds"), ("wk", "weeks"), ("¢", "cents")] {
        assert_eq!(normalize_unit(unit), canonical);
    }
    assert_eq!(normalize_unit("Pounds  Sterling"), "gbp");
    assert_eq!(normalize_unit("euro cent"), "euro cents");
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
    assert_eq!(display_unit(1.0, "euro cents"), "euro cent");
    assert_eq!(display_unit(1.0, "pence"), "penny");
    assert_eq!(display_unit(90.0, "minutes"), "minutes");
    assert_eq!(display_unit(1.0, "hours per day"), "hour per day");
    assert_eq!(display_unit(1.0, "days per month"), "day per month");
}

/// Units of one dimension convert exactly; units of none convert only to themselves.
#[test]
fn units_of_one_dimension_convert_by_value() {
    assert_eq!(convert(90.0, "minutes", "hours"), Some(1.5));
    assert_eq!(convert(2.0, "h", "mins"), Some(120.0));
    assert_eq!(convert(1.0, "weeks", "days"), Some(7.0));
    assert_eq!(convert(1.0, "days", "hours"), Some(24.0));
    assert_eq!(convert(30.0, "secs", "minutes"), Some(0.5));
    assert_eq!(convert(250.0, "cents", "usd"), Some(2.5));
    assert_eq!(convert(1.5, "£", "pence"), Some(150.0));
    assert_eq!(convert(3.0, "euros", "euro cents"), Some(300.0));
    assert_eq!(convert(2.0, "times a day", "times per week"), Some(14.0));
    assert_eq!(convert(1.5, "km", "metres"), Some(1500.0));
    assert_eq!(convert(250.0, "g", "kg"), Some(0.25));
    assert_eq!(convert(2.0, "litres", "ml"), Some(2000.0));
    assert_eq!(convert(4.0, "cups", "Cups"), Some(4.0));
    assert_eq!(convert(1.0, "hours", "usd"), None);
    assert_eq!(convert(1.0, "usd", "eur"), None);
    assert_eq!(convert(1.0, "times per month", "times per week"), None);
}

/// Comparisons by value, and which units are one dimension.
#[test]
fn dimensions_and_comparisons() {
    assert_eq!(compare(90.0, "minutes", 2.0, "hours"), Some(Ordering::Less));
    assert_eq!(compare(120.0, "min", 2.0, "h"), Some(Ordering::Equal));
    assert_eq!(compare(1.0, "hours", 1.0, "usd"), None);
    assert!(same_dimension("minutes", "h"));
    assert!(same_dimension("parsecs", "Parsecs"));
    assert!(!same_dimension("percent", "usd"));
    assert_eq!(measure("hrs"), Measure::Dimension(Dimension::Time));
    assert_eq!(measure("Cups"), Measure::Unit("cups".into()));
    assert_eq!(
        scale("hours"),
        Some(Scale {
            dimension: Dimension::Time,
            numerator: 3600,
            denominator: 1
        })
    );
    assert_eq!(scale("times per month"), None);
    // Ambiguous words stay unknown: a pound is money or weight, an m minutes or metres.
    assert_eq!(known_unit("pound"), None);
    assert_eq!(known_unit("pounds"), None);
    assert_eq!(known_unit("m"), None);
    // Every convertible unit is a canonical spelling of itself.
    for (unit, ..) in SCALES {
        assert_eq!(known_unit(unit), Some(*unit));
    }
}

/// Amounts print without float noise.
#[test]
fn amounts_print_plainly() {
    assert_eq!(format_amount(3.0), "3");
    assert_eq!(format_amount(4.5), "4.5");
    assert_eq!(format_amount(0.1 + 0.2), "0.3");
}
