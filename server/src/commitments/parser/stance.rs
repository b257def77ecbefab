//! The stance that opens an offer: "I'll", "I can", "I'm happy to", "count me in for",
//! hedged "I might", denied "I won't", a report "I did" — and the adverbs around it.

use super::cursor::Cursor;
use super::words::verb;

/// How the author stands to what follows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stance {
    Firm,
    Hedged,
    /// "I won't", "I can't": not an offer.
    Denied,
    /// "I did", "I've put in": a report, not an offer.
    Report,
}

/// Stances after "I", longest first.
const AFTER_I: &[(&[&str], Stance)] = &[
    (
        &["will|shall|can|would|do|am|should|could|may|might", "not"],
        Stance::Denied,
    ),
    (&["never"], Stance::Denied),
    (&["will", "try", "my", "best", "to"], Stance::Hedged),
    (&["will", "do", "my", "best", "to"], Stance::Hedged),
    (&["will", "see", "if", "i", "can|could"], Stance::Hedged),
    (&["will", "see", "what", "i", "can"], Stance::Hedged),
    (&["will", "try", "to"], Stance::Hedged),
    (&["can", "try", "to"], Stance::Hedged),
    (&["am", "going", "to", "try", "to"], Stance::Hedged),
    (
        &[
            "would|will",
            "be",
            "happy|glad|willing|delighted|pleased|able",
            "to",
        ],
        Stance::Firm,
    ),
    (&["would", "love", "to"], Stance::Firm),
    (&["would", "like", "to"], Stance::Hedged),
    (
        &["can|will", "commit|pledge|promise|agree", "to"],
        Stance::Firm,
    ),
    (
        &[
            "am",
            "happy|glad|willing|ready|prepared|keen|able|pleased|delighted|committed|determined",
            "to",
        ],
        Stance::Firm,
    ),
    (&["am", "going", "to"], Stance::Firm),
    (&["am", "in|down|up|good", "for"], Stance::Firm),
    (
        &["am", "committing|pledging|offering|volunteering|promising"],
        Stance::Firm,
    ),
    (
        &["am", "planning|hoping|trying|thinking", "to"],
        Stance::Hedged,
    ),
    (&["am", "thinking", "of|about"], Stance::Hedged),
    (
        &[
            "commit|pledge|promise|agree|vow|volunteer|offer|guarantee",
            "to",
        ],
        Stance::Firm,
    ),
    (
        &["commit|pledge|promise|vow|volunteer|offer|guarantee"],
        Stance::Firm,
    ),
    (&["hereby", "commit|pledge|promise", "to"], Stance::Firm),
    (&["hereby", "commit|pledge|promise"], Stance::Firm),
    (&["will|shall|can"], Stance::Firm),
    (&["would|could|should|might|must", "have"], Stance::Report),
    (&["hope|want|plan|intend|need", "to"], Stance::Hedged),
    (&["might|may|could|would|should"], Stance::Hedged),
    (
        &["think|guess|suppose|reckon|believe|hope|expect|feel|bet|wish"],
        Stance::Hedged,
    ),
    (
        &["did|have|had|was|spent|worked|paid|put|gave|cleaned|cooked|already|just"],
        Stance::Report,
    ),
];
/// Stances that open a sentence without "I".
const OPENING: &[(&[&str], Stance)] = &[
    (
        &[
            "you|u",
            "can",
            "count|put|sign|pencil|mark",
            "me",
            "in|down|up",
            "for",
        ],
        Stance::Firm,
    ),
    (&["how|what", "about|if", "i"], Stance::Hedged),
    (
        &["count|put|sign|pencil|mark", "me", "in|down|up", "for"],
        Stance::Firm,
    ),
    (
        &["count|put|sign|pencil|mark", "me", "in|down|up"],
        Stance::Firm,
    ),
    (&["you", "can", "count", "on", "me", "for"], Stance::Firm),
    (
        &["happy|glad|willing|ready|keen|pleased", "to"],
        Stance::Firm,
    ),
    (&["would", "be", "happy|glad|willing", "to"], Stance::Firm),
    (&["going", "to"], Stance::Firm),
    (&["in|down", "for"], Stance::Firm),
    (&["pledging|committing|offering|volunteering"], Stance::Firm),
    (&["will|can"], Stance::Firm),
    (&["might|may|could", "be", "able", "to"], Stance::Hedged),
    (&["could|might|may"], Stance::Hedged),
];

/// Adverbs that make an offer tentative wherever they stand.
pub const HEDGE_ADVERBS: &[&str] = &[
    "maybe",
    "perhaps",
    "possibly",
    "probably",
    "hopefully",
    "likely",
    "prob",
    "probs",
];
/// Adverbs that change nothing in an offer.
pub const ADVERBS: &[&str] = &[
    "also",
    "too",
    "really",
    "definitely",
    "certainly",
    "totally",
    "honestly",
    "personally",
    "still",
    "absolutely",
    "happily",
    "gladly",
    "easily",
    "surely",
    "just",
    "then",
    "gonna",
];

/// The stance at the cursor ("I will", "I'm happy to", "count me in for"), taken.
/// `opening`: the cursor is where a sentence or clause starts (so "I" may be left out);
/// `inverted`: after a condition, where "will I" is the stance.
pub fn stance(c: &mut Cursor<'_>, opening: bool) -> Option<Stance> {
    let start = *c;
    if c.eat_one(&["i"]).is_some() {
        c.skip_all(ADVERBS);
        c.skip_all(HEDGE_ADVERBS);
        for (phrase, stance) in AFTER_I {
            if !c.eat_phrase(phrase) {
                continue;
            }
            c.skip_all(ADVERBS);
            c.skip_all(HEDGE_ADVERBS);
            // "I think I can …", "I hope I can …", "I promise I'll …"
            if c.peek(0) == "i"
                || matches!(phrase.first(), Some(first) if first.starts_with("think"))
            {
                c.eat_one(&["that"]);
                let firm = *stance == Stance::Firm;
                return match stance_inner(c) {
                    Some(Stance::Firm) if firm => Some(Stance::Firm),
                    Some(Stance::Firm | Stance::Hedged) => Some(Stance::Hedged),
                    other => other,
                };
            }
            // "I can commit to", "I will be able to", "I'll go ahead and"
            c.eat_any_phrase(&[
                &["commit", "to"],
                &["be", "able", "to"],
                &["go", "ahead", "and"],
                &["manage", "to"],
            ]);
            c.skip_all(ADVERBS);
            c.skip_all(HEDGE_ADVERBS);
            return Some(*stance);
        }
        *c = start;
        return None;
    }
    if c.at_phrase(&["will|can|shall", "i"]) && !opening {
        c.at += 2;
        c.skip_all(ADVERBS);
        return Some(Stance::Firm);
    }
    if opening {
        c.skip_all(HEDGE_ADVERBS);
        for (phrase, stance) in OPENING {
            // "can do 2 hours", but not "can you …" or "will Bob …"
            let modal = matches!(phrase.first(), Some(first) if first.starts_with("will") || first.starts_with("could"));
            if modal && verb(c.peek(1)).is_none() && c.peek(1) != "be" {
                continue;
            }
            if c.eat_phrase(phrase) {
                c.skip_all(ADVERBS);
                c.skip_all(HEDGE_ADVERBS);
                return Some(*stance);
            }
        }
        *c = start;
    }
    None
}

/// The stance of "I …" inside "I think I can …".
fn stance_inner(c: &mut Cursor<'_>) -> Option<Stance> {
    if c.peek(0) != "i" {
        return Some(Stance::Hedged);
    }
    stance(c, false)
}
