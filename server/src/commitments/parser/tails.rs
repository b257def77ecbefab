//! What the words around an offer do to it, when the grammar has no place for them: only
//! filler ("too", "thanks", "for sure"), a hedge ("maybe", "no promises", "we'll see" — the
//! author is asked), a retraction or a denial ("jk", "scratch that", "no way I'll …",
//! "Bob says I'll …" — nothing is recorded), or anything else (asked about: never left
//! out of an offer silently).

use super::cursor::Cursor;
use super::lexer::Token;

/// What some left-over words do to an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Effect {
    /// Change nothing.
    Filler,
    /// Make the offer tentative: the author is asked whether it is one.
    Hedge,
    /// Say something the offer cannot record: the author is asked.
    Unplaced,
    /// Take the offer back, deny it, or report someone else's words: nothing is recorded.
    Void,
}

/// Words that change nothing around an offer.
const FILLER: &[&str] = &[
    "too",
    "also",
    "then",
    "please",
    "pls",
    "plz",
    "though",
    "anyway",
    "anyways",
    "ok",
    "okay",
    "happily",
    "gladly",
    "myself",
    "thanks",
    "thank",
    "you",
    "thx",
    "ty",
    "cheers",
    "definitely",
    "certainly",
    "absolutely",
    "totally",
    "really",
    "sure",
    "guys",
    "everyone",
    "everybody",
    "all",
    "folks",
    "team",
    "friends",
    "y'all",
    "!",
    ",",
    "-",
    ":",
    ")",
    "(",
    "obviously",
    "naturally",
    "gladly",
    "again",
    "btw",
    "fyi",
    "alright",
    "deal",
    "cool",
    "great",
    "x",
    "xx",
    "xo",
    "personally",
    "honestly",
    "worries",
    "as",
    "well",
    "either",
    "way",
    "promise",
    "hope",
    "that",
    "helps",
    "happy",
    "to",
    "help",
    "glad",
    "good",
    "luck",
    "yay",
    "woohoo",
    "bye",
    "later",
    "ciao",
    "sounds",
];
/// Phrases that change nothing ("for sure", "of course", "as well", "no problem").
const FILLER_PHRASES: &[&[&str]] = &[
    &["and", "separately"],
    &["separately"],
    &["additionally"],
    &["in", "addition"],
    &["on", "top", "of", "that"],
    &["besides", "that"],
    &["here", "'s|is", "the", "deal"],
    &["here", "'s|is", "my", "offer"],
    &["here", "'s|is", "what", "i", "can", "do"],
    &["the", "deal", "is"],
    &["my", "offer", "is"],
    &["my", "offer"],
    &["even", "so"],
    &["regardless"],
    &["no", "matter", "what"],
    &["for", "sure"],
    &["of", "course"],
    &["as", "well"],
    &["no", "problem"],
    &["no", "worries"],
    &["thank", "you"],
    &["hope", "that", "helps"],
    &["happy", "to", "help"],
    &["glad", "to", "help"],
    &["either", "way"],
    &["i", "promise"],
    &["promise"],
    &["sounds", "good"],
];
/// Phrases that make an offer tentative.
const HEDGES: &[&[&str]] = &[
    &["no", "promises"],
    &["no", "promise"],
    &["no", "commitment"],
    &["not", "a", "commitment"],
    &["not", "binding"],
    &["non", "binding"],
    &["non-binding"],
    &["we", "will", "see"],
    &["i", "think"],
    &["i", "guess"],
    &["i", "suppose"],
    &["i", "hope"],
    &["i", "reckon"],
    &["i", "believe"],
    &["not", "sure"],
    &["in", "theory"],
    &["if", "possible"],
    &["weather", "permitting"],
    &["fingers", "crossed"],
    &["god", "willing"],
    &["hopefully"],
    &["hypothetically"],
    &["tentatively"],
    &["maybe"],
    &["perhaps"],
    &["probably"],
    &["possibly"],
    &["likely"],
    &["tbc"],
    &["tbd"],
    &["pending"],
    &["let", "us", "say"],
    &["lets", "say"],
    &["say"],
    &["suppose"],
    &["supposing"],
    &["imagine"],
    &["what", "if"],
    &["or", "so"],
    &["ish"],
    &["give", "or", "take"],
    &["roughly"],
    &["approximately"],
];
/// Phrases that take an offer back or deny it.
const RETRACTIONS: &[&[&str]] = &[
    &["just", "kidding"],
    &["only", "kidding"],
    &["kidding"],
    &["jk"],
    &["j", "k"],
    &["said", "nobody", "ever"],
    &["said", "no", "one", "ever"],
    &["scratch", "that"],
    &["strike", "that"],
    &["ignore", "that"],
    &["ignore", "me"],
    &["actually", "no"],
    &["actually", "not"],
    &["nope"],
    &["nah"],
    &["never", "mind"],
    &["nevermind"],
    &["nvm"],
    &["forget", "it"],
    &["forget", "that"],
    &["no", "way"],
    &["hell", "no"],
    &["dream", "on"],
    &["as", "if"],
    &["in", "your", "dreams"],
    &["yeah", "right"],
    &["not"],
    &["never"],
    &["no"],
    &["can", "not"],
    &["will", "not"],
    &["wait"],
    &["s"],
];
/// Words before a stance that make it someone else's words, or a denial, or an example.
const NOT_MINE: &[&str] = &[
    "says",
    "said",
    "say",
    "saying",
    "thinks",
    "thought",
    "told",
    "tells",
    "tell",
    "believes",
    "claims",
    "claimed",
    "wrote",
    "writes",
    "asked",
    "asks",
    "suggested",
    "suggests",
    "reckons",
    "expects",
    "expected",
    "doubt",
    "doubts",
    "example",
    "e.g",
    "eg",
    "joke",
    "quote",
    "quoted",
    "\"",
    ">",
    "false",
    "untrue",
    "nobody",
    "noone",
    "should",
    "would",
    "wish",
    "wishes",
    "pretend",
    "pretending",
    "imagines",
    "assumes",
    "hopes",
    "heard",
    "rumour",
    "rumor",
    "apparently",
    "supposedly",
];

/// Whether `c` is at a phrase of `phrases`, which it then takes.
fn take(c: &mut Cursor<'_>, phrases: &[&[&str]]) -> bool {
    c.eat_any_phrase(phrases).is_some()
}

/// What the words `tokens` (left over around an offer) do to it.
pub fn effect(tokens: &[Token]) -> Effect {
    let mut c = Cursor::new(tokens);
    let mut worst = Effect::Filler;
    while !c.done() {
        if take(&mut c, FILLER_PHRASES) {
            continue;
        }
        if take(&mut c, HEDGES) {
            worst = worst.max(Effect::Hedge);
            continue;
        }
        // "nope", "not", "wait": a retraction only where it stands alone or first
        let at = c.at;
        if take(&mut c, RETRACTIONS) {
            let single = c.at - at == 1;
            if !single || at == 0 || tokens.len() <= 2 {
                return Effect::Void;
            }
            worst = worst.max(Effect::Unplaced);
            continue;
        }
        if c.eat_one(FILLER).is_some() {
            continue;
        }
        worst = worst.max(Effect::Unplaced);
        c.at += 1;
    }
    worst
}

/// What the words before an offer's stance do to it: a denial or someone else's words
/// ("no way I'll …", "Bob says I'll …", "Example: I'll …") void it; otherwise as after it.
pub fn before(tokens: &[Token]) -> Effect {
    let first = tokens.first().map_or("", |t| t.text.as_str());
    if matches!(first, "like" | "who") || tokens.iter().any(|t| NOT_MINE.contains(&t.text.as_str()))
    {
        let hedge = tokens
            .iter()
            .any(|t| matches!(t.text.as_str(), "say" | "suppose" | "supposing" | "imagine"))
            && !tokens
                .iter()
                .any(|t| matches!(t.text.as_str(), "says" | "said" | "should" | "would"));
        return if hedge { Effect::Hedge } else { Effect::Void };
    }
    effect(tokens)
}

/// What a sentence of its own, next to an offer, does to it ("Just kidding.", "Maybe.",
/// "Per week.", "With Carol.", "Thanks!").
pub fn sentence(tokens: &[Token], says_something: bool) -> Effect {
    match effect(tokens) {
        Effect::Unplaced if !says_something => Effect::Filler,
        other => other,
    }
}
