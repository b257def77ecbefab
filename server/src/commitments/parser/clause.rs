//! One sentence of a message (chatter already trimmed): an offer with its conditions and
//! limit — or two offers ("2h of cleaning if Kim does 2h, and 1h of cooking if Alice does
//! 1h") — a condition on its own ("Only if Kim does 2 hours too."), a question, chatter, or
//! a statement that says something the grammar cannot place.

use quid_shared::UserRef;

use super::chatter::says_something;
use super::condition::{self, OTHER_CONNECTORS};
use super::cursor::Cursor;
use super::lexer::Token;
use super::names::person;
use super::offer;
use super::scene::Scene;
use super::shape::{ConditionDraft, Limit, PromiseDraft};
use super::share;
use super::stance::{self, HEDGE_ADVERBS, Stance};
use super::tails::{self, Effect};
use super::words::TIME_WORDS;

/// One offer as read from a sentence.
#[derive(Debug, Clone, Default)]
pub struct OfferParts {
    pub promises: Vec<PromiseDraft>,
    pub conditions: Vec<ConditionDraft>,
    pub limit: Option<Limit>,
    pub hedged: bool,
    /// Taken back, denied, or someone else's words: nothing is recorded.
    pub void: bool,
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
    Conditions(Option<Vec<ConditionDraft>>),
    /// "We'll do 4 hours": an offer for several people, which one member cannot make.
    Collective,
    /// "I won't", "I can't": a denial, which takes back an offer next to it.
    Denied,
    /// "I did": a report, not an offer.
    NotOffer,
    Question,
    Chatter,
    /// Says something (a number, a date, a condition) that is not part of an offer.
    Loose,
}

/// Reads one sentence (already trimmed).
pub fn read(tokens: &[Token], question: bool, scene: &Scene<'_>) -> Part {
    if tokens.is_empty() {
        return Part::Chatter;
    }
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
        return Part::Conditions(read.filter(|_| done));
    }
    if says_something(tokens, scene.members) {
        Part::Loose
    } else {
        Part::Chatter
    }
}

/// The sentence read from its stance ("I'll", "happy to", "count me in for"), if it has one.
fn offer_at_stance(tokens: &[Token], question: bool, scene: &Scene<'_>) -> Option<Part> {
    let mut reported = None;
    for at in 0..tokens.len() {
        let opening = at == 0 || matches!(tokens[at - 1].text.as_str(), "," | "then" | ":" | "-");
        if collective(tokens, at) {
            let mut c = Cursor { tokens, at };
            c.eat_any_phrase(&[
                &["we", "will|can|shall|promise|pledge|commit|agree"],
                &["let", "us"],
                &["i", "will|can|shall"],
                &["will|can|shall"],
            ]);
            c.eat_one(&["to"]);
            if offer::promises(&mut c, scene).is_some() {
                return Some(if question {
                    Part::Question
                } else {
                    Part::Collective
                });
            }
        }
        let mut c = Cursor { tokens, at };
        let Some(stance) = stance::stance(&mut c, opening) else {
            continue;
        };
        // "I did 3 hours last week, so I'll do 1 hour": the report is not the offer
        if stance == Stance::Report {
            reported.get_or_insert(Part::NotOffer);
            continue;
        }
        return Some(match stance {
            Stance::Denied => Part::Denied,
            // "I'll do 2 hours if Bob does 2 hours?": an offer asked, not made
            Stance::Firm | Stance::Hedged if question && at == 0 => {
                offer_sentence(tokens, at, c, true, scene)
            }
            _ if question => Part::Question,
            _ => offer_sentence(tokens, at, c, stance == Stance::Hedged, scene),
        });
    }
    reported
}

/// Whether an offer for several people starts at `at`: "we will", "we promise", "let's",
/// "Dave and I will", "me and Kim will".
pub fn collective(tokens: &[Token], at: usize) -> bool {
    let word = |i: usize| tokens.get(i).map_or("", |t| t.text.as_str());
    let modal = |i: usize| matches!(word(i), "will" | "can" | "shall" | "are");
    (word(at) == "we"
        && matches!(
            word(at + 1),
            "will" | "can" | "shall" | "promise" | "pledge" | "commit" | "agree"
        ))
        || (word(at) == "let" && word(at + 1) == "us")
        || (modal(at) && at >= 3 && {
            let before = &tokens[at.saturating_sub(4)..at];
            before.iter().any(|t| t.text == "and" || t.text == "&")
                && before
                    .iter()
                    .any(|t| matches!(t.text.as_str(), "i" | "me" | "myself"))
        })
        || (word(at) == "i" && at > 0 && matches!(word(at - 1), "and" | "&") && modal(at + 1))
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
    let mut skip = Cursor::new(&kept);
    skip.skip_all(HEDGE_ADVERBS);
    let start = (skip.at..kept.len()).find(|at| {
        let opening = *at == skip.at || matches!(kept[at - 1].text.as_str(), "," | "then");
        let mut probe = Cursor {
            tokens: &kept,
            at: *at,
        };
        opening && offer::promises(&mut probe, scene).is_some()
    })?;
    let c = Cursor {
        tokens: &kept,
        at: start,
    };
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
    let mut fronted_per: Option<(f64, super::shape::Share)> = None;
    if at > 0 {
        before_stance(&tokens[..at], scene, &mut parts, &mut fronted_per);
    }
    let Some(mut promises) = offer::promises(&mut c, scene) else {
        return Part::NotOffer;
    };
    if let Some((per, mut share)) = fronted_per
        && let Some(first) = promises.first_mut()
        && first.share.is_none()
        && let super::shape::Amount::Known(amount) = first.quantity.amount
    {
        share.rate = amount / per;
        first.quantity.amount = super::shape::Amount::Missing;
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
    fronted_per: &mut Option<(f64, super::shape::Share)>,
) {
    let mut pre = Cursor::new(before);
    if let Some(per) = share::per(&mut pre, scene) {
        *fronted_per = Some(per);
        pre.skip_all(&[",", "then"]);
        if !pre.done() {
            leftover(parts, pre.rest(), tails::effect(pre.rest()));
        }
        return;
    }
    // "Even if nobody helps, …", "Whether or not Bob does, …": said to be unconditional
    let mut pre = Cursor::new(before);
    if pre
        .eat_any_phrase(&[
            &["even", "if"],
            &["whether", "or", "not"],
            &["regardless", "of"],
            &["no", "matter"],
        ])
        .is_some()
    {
        return;
    }
    let mut pre = Cursor::new(before);
    match condition::clauses(&mut pre, scene) {
        Some(conditions) => {
            parts.conditions.extend(conditions);
            if let Some(limit) = share::limit(&mut pre) {
                parts.limit = Some(limit);
            }
            pre.skip_all(&[",", "then"]);
            if !pre.done() {
                leftover(parts, pre.rest(), tails::effect(pre.rest()));
            }
        }
        None if self_condition(before) => parts.hedged = true,
        None => leftover(parts, before, tails::before(before)),
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
        c.skip_all(&[",", "-"]);
        if c.done() {
            return;
        }
        if let Some(limit) = share::limit(c) {
            parts.limit = Some(limit);
            continue;
        }
        // "…, and if Carol does 2 hours I'll do 1 hour": another offer with its own condition
        let mut probe = *c;
        probe.eat_one(&["and", "&"]);
        let rest = probe.rest();
        let another = rest
            .first()
            .is_some_and(|t| matches!(t.text.as_str(), "if" | "even" | "provided" | "as"))
            && rest.windows(2).skip(1).any(|w| {
                w[0].text == "i" && matches!(w[1].text.as_str(), "will" | "can" | "would" | "shall")
            });
        if another && let Part::Offer(more) = read(rest, false, scene) {
            groups.extend(more);
            return;
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
        // what the grammar has no place for runs to the next condition word (or the end)
        let rest = c.rest();
        let stop = rest
            .iter()
            .skip(1)
            .position(|t| t.text == "if" || t.text == ",")
            .map_or(rest.len(), |p| p + 1);
        leftover(parts, &rest[..stop], tails::effect(&rest[..stop]));
        c.at += stop;
    }
}

/// Applies what left-over words do to the offer.
fn leftover(parts: &mut OfferParts, tokens: &[Token], effect: Effect) {
    match effect {
        Effect::Filler => {}
        Effect::Hedge => parts.hedged = true,
        Effect::Void => parts.void = true,
        Effect::Unplaced => {
            if let (Some(first), Some(last)) = (tokens.first(), tokens.last()) {
                parts.unplaced.push((first.start, last.end));
            }
        }
    }
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
        if let Some(super::shape::Who::Member(m)) = person(&token.text, false, author, members)
            && m.username.eq_ignore_ascii_case(&token.text)
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
