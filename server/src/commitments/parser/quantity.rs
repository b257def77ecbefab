//! Recognises one amount of something in a clause: "5h work", "3 hours of coding", "$20",
//! "40% of the rent", "the dishes twice a day", or a vague "some work" (amount missing).

use super::super::units::{known_unit, normalize_action};
use super::lexer::{Token, number};

/// What a clause says about an amount. Missing parts are `None`; the spans let a
/// clarification answer be spliced back into the text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Quantity {
    pub amount: Option<f64>,
    pub unit: Option<String>,
    pub action: Option<String>,
    /// Byte range of a vague word ("some") standing where the amount should be.
    pub vague: Option<(usize, usize)>,
    /// Byte offset just after a number that has no unit.
    pub bare_number_end: Option<usize>,
    /// Tokens used, counted from the start of the slice.
    pub consumed: usize,
    /// Byte offset just after the last token used.
    pub end: usize,
}

/// Words that end an action phrase.
const STOPS: &[&str] = &[
    "if", "plus", "and", ",", "up", "each", "at", "every", "?", "too", "as", "then", "for", "when",
    "provided", "but", "or", "so", "in", "total", "+", "you", "him", "her", "them", "us", "me",
    "tomorrow", "today", "tonight", "later", "now", "back", "soon", "by", "on", "before", "after",
    "until", "this", "next", "with", "to", "from", "during", "since",
];
/// Words that stand for a missing amount.
const VAGUE: &[&str] = &["some", "more", "a bit of", "a little", "a few", "something"];
/// Words that only introduce an amount.
const FILLERS: &[&str] = &[
    "at", "least", "a", "minimum", "of", "≥", "the", "an", "another",
];

/// How often: "once", "twice", "thrice".
fn times_word(token: &str) -> Option<f64> {
    match token {
        "once" => Some(1.0),
        "twice" => Some(2.0),
        "thrice" => Some(3.0),
        _ => None,
    }
}

/// A period after a frequency ("a day", "per week", "daily"): the canonical unit and the
/// number of tokens it takes.
fn period(tokens: &[Token]) -> Option<(&'static str, usize)> {
    let text = |i: usize| tokens.get(i).map_or("", |t| t.text.as_str());
    let unit = |word: &str| match word {
        "day" | "daily" => Some("times per day"),
        "week" | "weekly" => Some("times per week"),
        "month" | "monthly" => Some("times per month"),
        _ => None,
    };
    if matches!(text(0), "a" | "per" | "each" | "every") {
        return unit(text(1)).map(|u| (u, 2));
    }
    unit(text(0))
        .filter(|_| text(0).ends_with("ly"))
        .map(|u| (u, 1))
}

/// The action phrase at the start of `tokens`: words up to a stop word, articles dropped.
fn action_phrase(tokens: &[Token]) -> (Option<String>, usize) {
    let words: Vec<&str> = tokens
        .iter()
        .map(|t| t.text.as_str())
        .take_while(|w| !STOPS.contains(w) && number(w).is_none() && times_word(w).is_none())
        .collect();
    let phrase = normalize_action(&words.join(" "));
    let phrase = (!phrase.is_empty() && !FILLERS.contains(&phrase.as_str())).then_some(phrase);
    (phrase, words.len())
}

/// The unit at the start of `tokens` (longest known spelling first) and its token count.
fn unit_at(tokens: &[Token]) -> Option<(String, usize)> {
    for length in (1..=3).rev() {
        if tokens.len() < length {
            continue;
        }
        let words: Vec<&str> = tokens[..length].iter().map(|t| t.text.as_str()).collect();
        if let Some(unit) = known_unit(&words.join(" ")) {
            return Some((unit.to_owned(), length));
        }
    }
    None
}

/// The first quantity in `tokens`, if any part of one (a number, `$`, a frequency word or a
/// vague amount) is there.
pub fn find(tokens: &[Token]) -> Option<Quantity> {
    let text = |i: usize| tokens.get(i).map_or("", |t| t.text.as_str());
    let start = (0..tokens.len()).find(|i| {
        let word = text(*i);
        number(word).is_some()
            || word == "$"
            || word == "€"
            || times_word(word).is_some()
            || VAGUE.contains(&word)
            || (word == "a" && matches!(text(i + 1), "bit" | "little" | "few"))
    })?;
    let (before, _) = action_phrase(&tokens[..start]);
    let mut quantity = Quantity {
        action: before,
        ..Quantity::default()
    };
    let mut i = start;
    if matches!(text(i), "$" | "€") {
        quantity.unit = Some(if text(i) == "$" { "usd" } else { "eur" }.to_owned());
        i += 1;
    }
    if let Some(times) = times_word(text(i)) {
        quantity.amount = Some(times);
        i += 1;
        let (unit, used) = period(&tokens[i..]).map_or(("times", 0), |p| p);
        quantity.unit = Some(unit.to_owned());
        i += used;
    } else if let Some(amount) = number(text(i)) {
        quantity.amount = Some(amount);
        i += 1;
        if quantity.unit.is_none() {
            if text(i) == "times" || text(i) == "x" {
                let (unit, used) = period(&tokens[i + 1..]).map_or(("times", 0), |p| p);
                quantity.unit = Some(unit.to_owned());
                i += 1 + used;
            } else if let Some((unit, used)) = unit_at(&tokens[i..]) {
                quantity.unit = Some(unit);
                i += used;
            } else if text(i + 1) == "of" && !STOPS.contains(&text(i)) && !text(i).is_empty() {
                quantity.unit = Some(text(i).to_owned());
                i += 1;
            } else {
                quantity.bare_number_end = Some(tokens[i - 1].end);
            }
        }
    } else {
        let words = if text(i) == "a" {
            2 + usize::from(text(i + 2) == "of")
        } else {
            1
        };
        quantity.vague = Some((tokens[i].start, tokens[i + words - 1].end));
        i += words;
    }
    if text(i) == "of" {
        i += 1;
    }
    let (after, used) = action_phrase(&tokens[i..]);
    if quantity.action.is_none() || after.is_some() {
        quantity.action = after.or(quantity.action);
    }
    quantity.consumed = i + used;
    quantity.end = tokens[..quantity.consumed].last().map_or(0, |t| t.end);
    Some(quantity)
}

#[cfg(test)]
mod tests {
    use super::super::lexer::tokenize;
    use super::*;

    fn parts(text: &str) -> (Option<f64>, Option<String>, Option<String>) {
        let q = find(&tokenize(text)).unwrap_or_default();
        (q.amount, q.unit, q.action)
    }

    fn some(
        amount: f64,
        unit: &str,
        action: &str,
    ) -> (Option<f64>, Option<String>, Option<String>) {
        (Some(amount), Some(unit.into()), Some(action.into()))
    }

    /// The spellings the grammar promises all give amount, unit and action.
    #[test]
    fn quantities_in_their_many_spellings() {
        assert_eq!(parts("5h work"), some(5.0, "hours", "work"));
        assert_eq!(
            parts("at least 5 hours of coding"),
            some(5.0, "hours", "coding")
        );
        assert_eq!(parts("40% of the rent"), some(40.0, "percent", "rent"));
        assert_eq!(
            parts("the dishes twice a day"),
            some(2.0, "times per day", "dishes")
        );
        assert_eq!(
            parts("7 dB of AC/DC volume reduction"),
            some(7.0, "dB", "ac/dc volume reduction")
        );
        assert_eq!(
            parts("3 times per week of trash"),
            some(3.0, "times per week", "trash")
        );
        assert_eq!(parts("3 cups of coffee"), some(3.0, "cups", "coffee"));
        assert_eq!(parts("$20"), (Some(20.0), Some("usd".into()), None));
        assert_eq!(parts("3h if"), (Some(3.0), Some("hours".into()), None));
    }

    /// A vague or unit-less amount is recognised as incomplete, with where to fix it.
    #[test]
    fn incomplete_quantities() {
        let q = find(&tokenize("some work if")).unwrap_or_default();
        assert_eq!(
            (q.amount, q.vague, q.action.as_deref()),
            (None, Some((0, 4)), Some("work"))
        );
        let q = find(&tokenize("do 3 if")).unwrap_or_default();
        assert_eq!(
            (q.amount, q.unit, q.bare_number_end),
            (Some(3.0), None, Some(4))
        );
        assert_eq!(find(&tokenize("be there")), None);
    }
}
