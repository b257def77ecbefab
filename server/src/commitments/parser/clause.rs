//! One sentence of a message (chatter already trimmed): an offer with its conditions and
//! limit — or two offers ("2h of cleaning if Kim does 2h, and 1h of cooking if Alice does
//! 1h") — a condition on its own ("Only if Kim does 2 hours too."), a question, chatter, or
//! a statement that says something the grammar cannot place.

use quid_shared::UserRef;

use super::chatter::says_something;
use super::condition::{self, OTHER_CONNECTORS};
use super::cursor::Cursor;
use super::draft::{ConditionDraft, Limit, PromiseDraft};
use super::lexer::Token;
use super::names::person;
use super::offer::{self, HEDGE_ADVERBS, Stance};
use super::share;
use super::words::TIME_WORDS;

/// The people a sentence is read among.
#[derive(Debug, Clone)]
pub struct Scene<'a> {
    pub author: &'a UserRef,
    pub members: &'a [UserRef],
    /// The one member the message names, whom "he", "she" or "they" refer to.
    pub named: Option<UserRef>,
    /// Whom "you" means: the member addressed by name, or the only other member.
    pub addressed: Option<UserRef>,
}

/// One offer as read from a sentence.
#[derive(Debug, Clone, Default)]
pub struct OfferParts {
    pub promises: Vec<PromiseDraft>,
    pub conditions: Vec<ConditionDraft>,
    pub limit: Option<Limit>,
    pub hedged: bool,
    /// Byte ranges of words that could not be placed.
    pub unplaced: Vec<(usize, usize)>,
}

/// What one sentence is.
#[derive(Debug, Clone)]
pub enum Part {
    /// One or more offers.
    Offer(Vec<OfferParts>),
    /// Conditions without an offer ("Only if Kim does 2 hours too."), or `None` when the
    /// sentence starts like one and cannot be placed.
    Conditions(Option<Vec<ConditionDraft>>, (usize, usize)),
    /// "We'll do 4 hours": an offer for several people, which one member cannot make.
    Collective,
    /// "I won't", "I did": about the author, but not an offer.
    NotOffer,
    Question,
    Chatter,
    /// Says something (a number, a date, a condition) that is not part of an offer.
    Loose((usize, usize)),
}

/// Reads one sentence (already trimmed).
pub fn read(tokens: &[Token], question: bool, scene: &Scene<'_>) -> Part {
    if tokens.is_empty() {
        return Part::Chatter;
    }
    let span = (tokens[0].start, tokens[tokens.len() - 1].end);
    if let Some(part) = offer_at_stance(tokens, question, scene) {
        return part;
    }
    if let Some(part) = offer_from_me(tokens, question, scene) {
        return part;
    }
    if question {
        return Part::Question;
    }
    let mut c = Cursor::new(tokens);
    if condition::connector(&mut c) {
        let mut c = Cursor::new(tokens);
        let read = condition::clauses(&mut c, scene);
        loop {
            c.skip_all(&[
                "too",
                "also",
                "though",
                "then",
                "please",
                "ok",
                "okay",
                ",",
                "obviously",
                "naturally",
                "thanks",
            ]);
            if c.eat_any_phrase(&[&["as", "well"], &["of", "course"], &["for", "sure"]])
                .is_none()
            {
                break;
            }
        }
        let done = c.done();
        return Part::Conditions(read.filter(|_| done), span);
    }
    if says_something(tokens, scene.members) {
        Part::Loose(span)
    } else {
        Part::Chatter
    }
}

/// The sentence read from its stance ("I'll", "happy to", "count me in for"), if it has one.
fn offer_at_stance(tokens: &[Token], question: bool, scene: &Scene<'_>) -> Option<Part> {
    for at in 0..tokens.len() {
        let opening = at == 0 || matches!(tokens[at - 1].text.as_str(), "," | "then" | ":" | "-");
        if tokens[at].text == "we"
            && matches!(
                tokens.get(at + 1).map(|t| t.text.as_str()),
                Some("will" | "can" | "shall")
            )
        {
            let mut c = Cursor { tokens, at: at + 2 };
            if offer::promises(&mut c, scene).is_some() {
                return Some(if question {
                    Part::Question
                } else {
                    Part::Collective
                });
            }
        }
        let mut c = Cursor { tokens, at };
        let Some(stance) = offer::stance(&mut c, opening) else {
            continue;
        };
        // "Dave and I will …": an offer made for two
        if at > 0 && matches!(tokens[at - 1].text.as_str(), "and" | "&") && tokens[at].text == "i" {
            return Some(if question {
                Part::Question
            } else {
                Part::Collective
            });
        }
        if question && at == 0 {
            return Some(Part::Question);
        }
        return Some(match stance {
            Stance::Denied | Stance::Report => Part::NotOffer,
            Stance::Firm | Stance::Hedged => {
                offer_sentence(tokens, at, c, stance == Stance::Hedged, scene)
            }
        });
    }
    None
}

/// "2 hours of cleaning from me if Kim does 2", "possibly 2 hours of babysitting if …": an
/// offer without a stance, made by "from me" or by a hedge in front of an amount.
fn offer_from_me(tokens: &[Token], question: bool, scene: &Scene<'_>) -> Option<Part> {
    let from = tokens
        .windows(2)
        .position(|w| w[0].text == "from" && w[1].text == "me");
    let hedged = tokens
        .first()
        .is_some_and(|t| HEDGE_ADVERBS.contains(&t.text.as_str()));
    if !hedged && (from.is_none() || question) {
        return None;
    }
    let mut kept: Vec<Token> = tokens.to_vec();
    if let Some(from) = from {
        kept.drain(from..from + 2);
    }
    let mut c = Cursor::new(&kept);
    c.skip_all(HEDGE_ADVERBS);
    let start = c.at;
    let mut probe = c;
    offer::promises(&mut probe, scene)?;
    Some(offer_sentence(&kept, start, c, false, scene))
}

/// An offer sentence whose stance is at `at` and whose promises start where `c` is.
fn offer_sentence(
    tokens: &[Token],
    at: usize,
    mut c: Cursor<'_>,
    hedged: bool,
    scene: &Scene<'_>,
) -> Part {
    let mut parts = OfferParts {
        hedged,
        ..OfferParts::default()
    };
    let mut fronted_per: Option<(f64, super::draft::Share)> = None;
    if at > 0 {
        before_stance(&tokens[..at], scene, &mut parts, &mut fronted_per);
    }
    let Some(mut promises) = offer::promises(&mut c, scene) else {
        return Part::NotOffer;
    };
    if let Some((per, mut share)) = fronted_per
        && let Some(first) = promises.first_mut()
        && first.share.is_none()
        && let super::draft::Amount::Known(amount) = first.quantity.amount
    {
        share.rate = amount / per;
        first.quantity.amount = super::draft::Amount::Missing;
        first.share = Some(share);
    }
    parts.promises = promises;
    let mut groups = Vec::new();
    after_promises(&mut c, scene, &mut parts, &mut groups);
    groups.insert(0, parts);
    let hedge = tokens
        .iter()
        .any(|t| HEDGE_ADVERBS.contains(&t.text.as_str()));
    for group in &mut groups {
        group.hedged |= hedge;
    }
    Part::Offer(groups)
}

/// Before the stance: conditions ("If Bob does 2h, then I'll …"), a share's base ("For
/// every hour Bob works, I'll …"), or words to place.
fn before_stance(
    before: &[Token],
    scene: &Scene<'_>,
    parts: &mut OfferParts,
    fronted_per: &mut Option<(f64, super::draft::Share)>,
) {
    let mut pre = Cursor::new(before);
    if let Some(per) = share::per(&mut pre, scene) {
        *fronted_per = Some(per);
        pre.skip_all(&[",", "then"]);
        if !pre.done() {
            unplaced(parts, pre.rest(), scene);
        }
        return;
    }
    let mut pre = Cursor::new(before);
    match condition::clauses(&mut pre, scene) {
        Some(conditions) => {
            parts.conditions.extend(conditions);
            if let Some(limit) = share::limit(&mut pre) {
                parts.limit = Some(limit);
            }
            pre.skip_all(&[",", "then", "too", "also", "-"]);
            pre.eat_phrase(&["as", "well"]);
            pre.skip_all(&[",", "then"]);
            if !pre.done() {
                unplaced(parts, pre.rest(), scene);
            }
        }
        None if self_condition(before) => parts.hedged = true,
        None => unplaced(parts, before, scene),
    }
}

/// After the promises: conditions, a limit, fillers, a second offer — or words to place.
fn after_promises(
    c: &mut Cursor<'_>,
    scene: &Scene<'_>,
    parts: &mut OfferParts,
    groups: &mut Vec<OfferParts>,
) {
    loop {
        c.skip_all(&[
            ",", "too", "also", "then", "though", "please", "-", "anyway", "ok", "okay", "happily",
            "gladly", "myself", "each",
        ]);
        if c.eat_phrase(&["as", "well"]) {
            continue;
        }
        if c.done() {
            return;
        }
        if let Some(limit) = share::limit(c) {
            parts.limit = Some(limit);
            continue;
        }
        let mut probe = *c;
        if condition::connector(&mut probe) {
            let mut probe = *c;
            if let Some(conditions) = condition::clauses(&mut probe, scene) {
                parts.conditions.extend(conditions);
                *c = probe;
                continue;
            }
            if self_condition(c.rest()) {
                parts.hedged = true;
                return;
            }
        }
        // "…, and 1h of cooking if Alice does 1h": a second offer; "… if Dave does 2h of
        // cleaning and 1h of cooking": the same member does more
        let mut probe = *c;
        if !parts.conditions.is_empty()
            && probe.eat_one(&["and", "&", "plus"]).is_some()
            && let Some(more) = offer::promises(&mut probe.clone(), scene)
        {
            let mut next = probe;
            let _ = offer::promises(&mut next, scene);
            let mut look = next;
            look.skip_all(&[","]);
            if condition::connector(&mut look) {
                let mut second = OfferParts {
                    hedged: parts.hedged,
                    promises: more,
                    ..OfferParts::default()
                };
                *c = next;
                after_promises(c, scene, &mut second, groups);
                groups.push(second);
                return;
            }
            if let Some(last) = parts.conditions.last().cloned() {
                for promise in more {
                    let mut extra = last.clone();
                    extra.quantity = Some(promise.quantity);
                    parts.conditions.push(extra);
                }
                *c = next;
                continue;
            }
        }
        // what cannot be placed runs to the next condition word (or the end)
        let rest = c.rest();
        let stop = rest
            .iter()
            .skip(1)
            .position(|t| t.text == "if" || t.text == ",")
            .map_or(rest.len(), |p| p + 1);
        unplaced(parts, &rest[..stop], scene);
        c.at += stop;
    }
}

/// Notes words that could not be placed, unless they are only chatter.
fn unplaced(parts: &mut OfferParts, tokens: &[Token], scene: &Scene<'_>) {
    if !says_something(tokens, scene.members) && !places(tokens) {
        return;
    }
    if let (Some(first), Some(last)) = (tokens.first(), tokens.last()) {
        parts.unplaced.push((first.start, last.end));
    }
}

/// Whether the words name a place or a person's sake ("at Kim's place", "for Kim").
fn places(tokens: &[Token]) -> bool {
    tokens.first().is_some_and(|t| {
        matches!(
            t.text.as_str(),
            "at" | "in" | "on" | "near" | "for" | "with" | "instead" | "except" | "unless" | "from"
        )
    }) && tokens.len() > 1
}

/// "if I can", "if I have time", "if possible", "if needed": a condition on the author's
/// own circumstances, which makes the offer tentative.
fn self_condition(tokens: &[Token]) -> bool {
    let mut c = Cursor::new(tokens);
    condition::connector(&mut c)
        && (c.at_phrase(&["i|me"])
            || c.at_phrase(&["possible|time|available|free|able"])
            || c.at_phrase(&["it", "is|works", "possible|ok|okay|fine"])
            || c.at_phrase(&["that", "works|helps"])
            || c.at_phrase(&["my"]))
}

/// Whether a word names a time or a clause a commitment cannot record.
pub fn is_time(word: &str) -> bool {
    (TIME_WORDS.contains(&word) && !matches!(word, "last" | "this" | "next" | "am"))
        || OTHER_CONNECTORS.contains(&word)
}

/// The one member a message names, by exact username.
pub fn named_member(tokens: &[Token], author: &UserRef, members: &[UserRef]) -> Option<UserRef> {
    let mut found: Option<UserRef> = None;
    for token in tokens {
        if let Some(super::draft::Who::Member(m)) = person(&token.text, false, author, members)
            && m.username.to_lowercase() == token.text
            && m.id != author.id
        {
            match &found {
                Some(f) if f.id != m.id => return None,
                _ => found = Some(m),
            }
        }
    }
    found
}
