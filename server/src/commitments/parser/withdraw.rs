//! Withdrawals: "I withdraw my commitment", "I back out", "count me out", "I'm out",
//! "cancel my cooking offer", "forget my first commitment", "I no longer want to do the
//! cleaning", "withdraw #3" — and which of the author's commitments is meant, or the
//! question "which one?" when the words do not single one out.

use quid_shared::{Commitment, UserRef};

use super::chatter;
use super::clause;
use super::cursor::Cursor;
use super::lexer::{Token, digits, tokenize};

/// What a message says about withdrawing.
#[derive(Debug, Clone, PartialEq)]
pub enum Withdrawal {
    /// Not a withdrawal.
    None,
    /// This commitment.
    One(i64),
    /// One of the author's commitments, but the words do not say which.
    Which,
}

/// How strongly a sentence asks to withdraw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Strength {
    /// "I withdraw my offer": names the act; unclear words make a question.
    Strong,
    /// "I'm out of …", "I no longer …": a withdrawal only if it names a commitment.
    Weak,
}

/// Phrases that withdraw, with the words after them describing which commitment.
const STRONG: &[&[&str]] = &[
    &["i", "would", "like", "to", "withdraw|cancel|revoke|retract"],
    &["i", "want", "to", "withdraw|cancel|revoke|retract"],
    &["i", "need", "to", "back|pull|drop", "out"],
    &["i", "have", "to", "back|pull|drop", "out"],
    &["i", "need", "to", "withdraw|cancel|revoke|retract"],
    &["i", "have", "to", "withdraw|cancel|revoke|retract"],
    &["i", "am", "backing|pulling|dropping", "out"],
    &["i", "will", "back|pull|drop", "out"],
    &["i", "back|pull|drop", "out"],
    &[
        "i",
        "am",
        "withdrawing|cancelling|canceling|revoking|retracting",
    ],
    &[
        "i",
        "withdraw|cancel|revoke|retract|rescind|withdrew|cancelled|canceled",
    ],
    &["i", "take|took", "back"],
    &["i", "am", "taking", "back"],
    &["take", "back"],
    &[
        "withdraw|cancel|revoke|retract|rescind|scratch|forget|drop|remove|delete|undo|void|kill|ditch|nix",
    ],
    &["count|take|leave", "me", "out"],
    &["i", "am", "out"],
    &["i", "quit"],
];
/// Phrases that withdraw only if they name one of the author's commitments.
const WEAK: &[&[&str]] = &[
    &["i", "can|will", "no", "longer"],
    &["i", "no", "longer"],
    &[
        "i",
        "can",
        "not",
        "do|make|manage|afford",
        "it|that",
        "anymore|any",
    ],
];
/// Words that name a commitment in general, not which one.
const GENERAL: &[&str] = &[
    "my",
    "the",
    "that",
    "this",
    "those",
    "these",
    "all",
    "offer",
    "offers",
    "commitment",
    "commitments",
    "pledge",
    "pledges",
    "promise",
    "promises",
    "one",
    "ones",
    "of",
    "about",
    "for",
    "on",
    "to",
    "towards",
    "toward",
    "with",
    "please",
    "pls",
    "from",
    "it",
    "out",
    "want",
    "do",
    "doing",
    "pay",
    "paying",
    "give",
    "giving",
    "the",
    "any",
    "more",
    "anymore",
    "able",
    "be",
    "a",
    "an",
    "previous",
    "hours",
    "hour",
    "minutes",
    "times",
    "usd",
    "$",
    "week",
    "per",
    "day",
    "now",
    "sorry",
    "guys",
    "everyone",
    "all",
    "though",
    "just",
    "really",
    "again",
    "entire",
    "whole",
    "part",
    "share",
    "in",
    "i",
    "am",
    "will",
    "can",
    "cover",
    "help",
    "put",
    "chip",
    "contribute",
    "h",
];

/// Reads a withdrawal from `text` against the author's active `commitments` (oldest first).
pub fn read(text: &str, commitments: &[Commitment], members: &[UserRef]) -> Withdrawal {
    let tokens = tokenize(text);
    for (sentence, question) in chatter::sentences(&tokens) {
        if question {
            continue;
        }
        let sentence = chatter::trim(sentence, &[]).tokens;
        let mut c = Cursor::new(sentence);
        c.skip_all(&[
            "please",
            "sorry",
            "so",
            "ok",
            "okay",
            "just",
            "actually",
            "unfortunately",
            "sadly",
            "hey",
            "guys",
            "hi",
            "all",
        ]);
        let imperative = !c.at_phrase(&["i|count|take|leave"]);
        let mut strength = if c.eat_any_phrase(STRONG).is_some() {
            Strength::Strong
        } else if c.eat_any_phrase(WEAK).is_some() {
            Strength::Weak
        } else {
            continue;
        };
        let clause_end = c
            .rest()
            .iter()
            .position(|t| t.text == ",")
            .unwrap_or(c.rest().len());
        let object = &c.rest()[..clause_end];
        // "I'm out until Monday", "don't count me out", "cancel Bob's offer": not a
        // withdrawal of the author's own commitment
        let someone_elses = object.windows(2).any(|w| {
            w[1].text == "'s"
                && members
                    .iter()
                    .any(|m| m.username.eq_ignore_ascii_case(&w[0].text))
        });
        if object
            .iter()
            .any(|t| clause::is_time(&t.text) || t.text == "not")
            || someone_elses
        {
            continue;
        }
        // "cancel the cleaning lady": an order to cancel names an offer, or "my …"
        if imperative
            && strength == Strength::Strong
            && !object.iter().any(|t| {
                matches!(
                    t.text.as_str(),
                    "my" | "offer"
                        | "offers"
                        | "commitment"
                        | "commitments"
                        | "pledge"
                        | "promise"
                        | "#"
                        | "one"
                ) || t.text.starts_with('c') && digits(&t.text[1..]).is_some()
            })
        {
            continue;
        }
        // "I'm out of …", "count me out of …": only when it names a commitment
        if matches!(c.peek(0), "of" | "for" | "on") && sentence.iter().any(|t| t.text == "out") {
            strength = Strength::Weak;
        }
        // "I no longer need help", "I can no longer find the receipt": not an offer's verb
        if strength == Strength::Weak && sentence.iter().any(|t| t.text == "longer") {
            let mut v = Cursor::new(object);
            v.skip_all(&[
                "want", "wish", "to", "be", "able", "afford", "have", "time", "commit",
            ]);
            if super::words::verb(v.peek(0)).is_none() || v.peek(0) == "help" && v.peek(1) != "with"
            {
                continue;
            }
        }
        return choose(object, commitments, strength);
    }
    Withdrawal::None
}

/// Which commitment the words after the withdrawing verb name.
pub(super) fn choose(
    object: &[Token],
    commitments: &[Commitment],
    strength: Strength,
) -> Withdrawal {
    if commitments.is_empty() {
        return Withdrawal::None;
    }
    let has = |words: &[&str]| object.iter().any(|t| words.contains(&t.text.as_str()));
    let sorted = {
        let mut sorted: Vec<&Commitment> = commitments.iter().collect();
        sorted.sort_by_key(|c| (c.created_at, c.id));
        sorted
    };
    // "#3", "c3", "commitment 3"
    let id = object.iter().enumerate().find_map(|(i, t)| {
        let previous = i.checked_sub(1).map(|p| object[p].text.as_str());
        let marked = matches!(
            previous,
            Some("#" | "commitment" | "offer" | "number" | "no")
        );
        let n = digits(&t.text).or_else(|| t.text.strip_prefix('c').and_then(digits))?;
        (marked || t.text.starts_with('c')).then_some(n as i64)
    });
    if let Some(id) = id {
        return match commitments.iter().find(|c| c.id == id) {
            Some(c) => Withdrawal::One(c.id),
            None => Withdrawal::Which,
        };
    }
    if has(&["last", "latest", "recent", "newest", "previous"]) {
        return sorted
            .last()
            .map_or(Withdrawal::Which, |c| Withdrawal::One(c.id));
    }
    let ordinals = [
        ("first", 0usize),
        ("oldest", 0),
        ("earliest", 0),
        ("second", 1),
        ("third", 2),
        ("fourth", 3),
    ];
    if let Some((_, n)) = ordinals.iter().find(|(w, _)| has(&[w])) {
        return sorted
            .get(*n)
            .map_or(Withdrawal::Which, |c| Withdrawal::One(c.id));
    }
    let descriptors: Vec<&str> = object
        .iter()
        .map(|t| t.text.as_str())
        .filter(|w| {
            !GENERAL.contains(w) && digits(w).is_none() && w.chars().any(char::is_alphabetic)
        })
        .collect();
    let words_of = |c: &Commitment| -> Vec<String> {
        c.summary
            .split(|ch: char| !ch.is_alphanumeric())
            .map(str::to_lowercase)
            .chain(c.promises.iter().flat_map(|p| {
                p.action
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            }))
            .collect()
    };
    let names = |c: &Commitment, d: &str| words_of(c).iter().any(|w| w == d || stem(w) == stem(d));
    // a strong request is for the commitment some words name; a weak one ("I'm out of
    // the cleaning") only when every word names it
    let matching: Vec<&Commitment> = commitments
        .iter()
        .filter(|c| match strength {
            Strength::Strong => descriptors.iter().any(|d| names(c, d)),
            Strength::Weak => !descriptors.is_empty() && descriptors.iter().all(|d| names(c, d)),
        })
        .collect();
    match (matching.as_slice(), strength) {
        ([one], _) => Withdrawal::One(one.id),
        (_, Strength::Weak) => Withdrawal::None,
        ([], Strength::Strong) if descriptors.is_empty() => match commitments {
            [only] => Withdrawal::One(only.id),
            _ => Withdrawal::Which,
        },
        _ => Withdrawal::Which,
    }
}

/// A word without a plural or gerund ending, for loose matching ("dishes" ~ "dish").
fn stem(word: &str) -> &str {
    word.strip_suffix("ing")
        .or_else(|| word.strip_suffix("es"))
        .or_else(|| word.strip_suffix('s'))
        .unwrap_or(word)
}

/// Whether the words of `text` could be a withdrawal at all (the pre-filter's test).
pub fn may_be(text: &str) -> bool {
    let lower = text.to_lowercase();
    [
        "withdraw",
        "cancel",
        "revoke",
        "retract",
        "rescind",
        "back out",
        "take back",
        "out",
        "longer",
        "scratch",
        "forget",
        "drop",
        "remove",
        "delete",
        "undo",
        "quit",
        "void",
        "anymore",
        "ditch",
        "nix",
        "kill",
    ]
    .iter()
    .any(|w| lower.contains(w))
}
