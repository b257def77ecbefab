//! What an action is called: the noun phrase after an amount ("of cleaning the kitchen",
//! "towards the gift"), the object of a verb ("walk the dog" -> "walking the dog"), and
//! the words that end such a phrase.

use super::cursor::Cursor;
use super::lexer::digits;
use super::words::{TIME_WORDS, number_word, times_word};

/// Words that end an action phrase.
const STOPS: &[&str] = &[
    "back",
    "tops",
    "rather",
    "less",
    "fewer",
    "apiece",
    "individually",
    "most",
    "k",
    "like",
    "approx",
    "roughly",
    "about",
    "around",
    "within",
    "neither",
    "nor",
    "whether",
    "if",
    "only",
    "provided",
    "providing",
    "as",
    "so",
    "assuming",
    "given",
    "unless",
    "when",
    "whenever",
    "once",
    "while",
    "because",
    "since",
    "but",
    "or",
    "then",
    "though",
    "although",
    "until",
    "till",
    "before",
    "after",
    ",",
    ".",
    "?",
    "!",
    ";",
    ":",
    "+",
    "plus",
    "-",
    "(",
    ")",
    "\"",
    "for",
    "on",
    "at",
    "in",
    "by",
    "with",
    "to",
    "from",
    "towards",
    "toward",
    "into",
    "during",
    "per",
    "every",
    "each",
    "too",
    "also",
    "well",
    "either",
    "anyway",
    "please",
    "myself",
    "both",
    "together",
    "total",
    "all",
    "again",
    "instead",
    "now",
    "you",
    "him",
    "her",
    "them",
    "us",
    "me",
    "it",
    "i",
    "we",
    "they",
    "he",
    "she",
    "will",
    "can",
    "would",
    "could",
    "should",
    "might",
    "may",
    "shall",
    "is",
    "are",
    "am",
    "was",
    "be",
    "$",
    "€",
    "£",
    "%",
    "half",
    "twice",
    "thrice",
    "up",
    "upto",
    "at",
    "max",
    "maximum",
    "capped",
    "limit",
    "beyond",
    "above",
    "over",
    "more",
    "extra",
    "than",
    "whatever",
    "what",
    "which",
    "who",
    "that",
    "this",
    "these",
    "those",
    "not",
    "no",
    "yes",
    "ok",
    "okay",
    "thanks",
    "cheers",
    "lol",
    "deal",
    "right",
    "yeah",
    "and",
    "do",
    "does",
    "did",
    "'s",
    "same",
    "likewise",
    "combined",
    "collectively",
    "jointly",
    "altogether",
    "between",
    "first",
    "later",
    "ish",
    "there",
    "here",
    "etc",
    "&",
    "=",
    ">",
    "<",
    ">=",
    "~",
    "#",
    "via",
    "using",
    "without",
    "condition",
    "provided",
    "assuming",
    "long",
    "daily",
    "weekly",
    "monthly",
    "yearly",
    "annually",
    "separately",
    "instead",
    "someone",
    "anyone",
    "everyone",
    "somebody",
    "anybody",
    "everybody",
    "nobody",
];
/// Words that cannot be an action on their own.
const EMPTY: &[&str] = &[
    "it",
    "that",
    "this",
    "them",
    "something",
    "anything",
    "everything",
    "stuff",
    "things",
    "thing",
    "best",
    "part",
    "bit",
    "share",
    "lot",
    "some",
    "one",
    "ones",
    "same",
    "own",
    "the",
    "a",
    "an",
    "my",
    "our",
    "your",
    "his",
    "her",
    "their",
    "of",
    "time",
];

/// Whether `word` ends an action phrase.
pub fn is_stop(word: &str) -> bool {
    word.is_empty()
        || STOPS.contains(&word)
        || TIME_WORDS.contains(&word)
        || digits(word).is_some()
        || number_word(word).is_some()
        || times_word(word).is_some()
}

/// Whether `word` can be a unit of its own ("cups", "loads", "shifts").
pub fn unit_word(word: &str) -> bool {
    word.chars().count() >= 2
        && !is_stop(word)
        && !EMPTY.contains(&word)
        && word.chars().all(|c| c.is_alphabetic())
        && !matches!(word, "the" | "a" | "an" | "my" | "our")
}

/// The noun phrase at the cursor, as an action ("cleaning the kitchen", "share of the
/// rent", "kim's kids"), or `None` when there is none.
pub fn noun_phrase(c: &mut Cursor<'_>) -> Option<String> {
    let start = *c;
    let mut words: Vec<String> = Vec::new();
    loop {
        let word = c.peek(0);
        let next = c.peek(1);
        if word == "'s" && !words.is_empty() {
            if let Some(last) = words.last_mut() {
                last.push_str("'s");
            }
            c.at += 1;
            continue;
        }
        // "a week", "per day", "every month" end the phrase: they are a period
        if matches!(word, "a" | "an" | "per" | "every" | "each")
            && matches!(next, "day" | "week" | "month" | "year")
        {
            break;
        }
        // "… the rest of you do", "… the others do": a subject starts here
        if c.at_phrase(&["the", "rest|others|group|team|household"])
            || matches!(
                word,
                "everyone" | "everybody" | "someone" | "somebody" | "anyone" | "anybody"
            )
        {
            break;
        }
        // "hour for hour", "dollar for dollar"
        if next == "for" && c.peek(2) == word {
            break;
        }
        // "cleaning Bob does": the phrase ends before whoever does something
        let third_person = matches!(
            next,
            "does" | "did" | "has" | "will" | "can" | "do" | "have"
        ) || (next.ends_with('s')
            && !word.ends_with("ing")
            && super::words::verb(next).is_some());
        if third_person {
            break;
        }
        if matches!(word, "of" | "and" | "&") && !words.is_empty() {
            let article = matches!(next, "the" | "a" | "an" | "my" | "our");
            let joins = if word == "of" {
                !is_stop(next) || article
            } else {
                // "cleaning and cooking" is one action; "and pay $20", "and Kim pays",
                // "and some cooking" start another part
                let group =
                    next == "the" && matches!(c.peek(2), "rest" | "others" | "group" | "team");
                let name = c.token(1).is_some_and(|t| t.capital);
                let another = is_stop(next) || group || name || starts_amount(next);
                !another
                    && super::words::verb(c.peek(2)).is_none()
                    && (next.ends_with("ing") || verb_free(next))
            };
            if !joins {
                break;
            }
            words.push(word.to_owned());
            c.at += 1;
            continue;
        }
        if matches!(
            word,
            "the" | "a" | "an" | "my" | "our" | "some" | "his" | "her" | "their"
        ) && !is_stop(next)
            && !(words.is_empty() && matches!(word, "some" | "a" | "an"))
        {
            words.push(word.to_owned());
            c.at += 1;
            continue;
        }
        let inner_up = word == "up" && next != "to" && !words.is_empty();
        let letter = word.chars().count() == 1 && word != "a";
        if !inner_up
            && (is_stop(word)
                || letter
                || !word.chars().any(char::is_alphabetic)
                || words.len() >= 6)
        {
            break;
        }
        words.push(word.to_owned());
        c.at += 1;
    }
    // a phrase ends on a word that says something
    while words
        .last()
        .is_some_and(|w| matches!(w.as_str(), "of" | "and" | "&" | "the" | "a" | "an"))
    {
        words.pop();
        c.at -= 1;
    }
    let meaningful = words.iter().any(|w| !EMPTY.contains(&w.as_str()));
    if words.is_empty() || !meaningful {
        *c = start;
        return None;
    }
    Some(words.join(" "))
}

/// Whether `word` starts an amount ("2", "some", "a", "$").
fn starts_amount(word: &str) -> bool {
    digits(word).is_some()
        || number_word(word).is_some()
        || times_word(word).is_some()
        || matches!(
            word,
            "a" | "an" | "some" | "$" | "€" | "£" | "half" | "few" | "several" | "more"
        )
}

/// Whether `word` is not a verb that would start a new clause ("and pay $20").
fn verb_free(word: &str) -> bool {
    super::words::verb(word).is_none()
}

/// The gerund of a verb's base form ("walk" -> "walking", "take" -> "taking").
pub fn gerund(base: &str) -> String {
    const DOUBLED: &[&str] = &[
        "put", "run", "shop", "mop", "chop", "sit", "set", "get", "cut", "plan", "prep", "scrub",
        "dig", "swim", "jog",
    ];
    if DOUBLED.contains(&base) {
        let last = base.chars().last().unwrap_or_default();
        return format!("{base}{last}ing");
    }
    if let Some(stem) = base.strip_suffix('e').filter(|s| !s.ends_with('e')) {
        return format!("{stem}ing");
    }
    format!("{base}ing")
}
