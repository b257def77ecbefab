//! A whole message: its sentences read one by one, conditions in sentences of their own
//! joined to the offer they qualify, and the result checked as a whole — an offer is
//! recorded only when every part of the message that says something is placed in it;
//! otherwise the author is asked (or, for chatter, nothing happens).

use quid_shared::UserRef;

use super::super::model::Terms;
use super::chatter;
use super::clarify::{Allow, Need};
use super::clause::{self, OfferParts, Part, Scene};
use super::draft::{self, OfferDraft, Resolved};
use super::lexer::{Token, tokenize};

/// What a message says, for the detector.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading {
    Nothing,
    /// One commitment per offer in the message.
    Terms(Vec<Terms>),
    Ask(Need),
}

/// The tokens of `text` without the words the author agreed to leave out.
pub fn tokens(text: &str, allow: &Allow) -> Vec<Token> {
    tokenize(text)
        .into_iter()
        .filter(|t| {
            !allow
                .ignore
                .iter()
                .any(|(s, e)| t.start >= *s && t.end <= *e)
        })
        .collect()
}

/// Whether any sentence of the message is an offer or a hedged offer (so it cannot also be
/// a withdrawal).
pub fn has_offer(text: &str, author: &UserRef, members: &[UserRef]) -> bool {
    let tokens = tokenize(text);
    let scene = scene(&tokens, author, members, None);
    chatter::sentences(&tokens)
        .into_iter()
        .any(|(sentence, question)| {
            let trimmed = chatter::trim(sentence, members);
            let question = question && !trimmed.tagged;
            matches!(
                clause::read(trimmed.tokens, question, &scene),
                Part::Offer(_) | Part::Collective
            )
        })
}

/// The people of the message.
fn scene<'a>(
    tokens: &[Token],
    author: &'a UserRef,
    members: &'a [UserRef],
    addressed: Option<UserRef>,
) -> Scene<'a> {
    let only_other = match members {
        [a, b] if a.id == author.id => Some(b.clone()),
        [a, b] if b.id == author.id => Some(a.clone()),
        _ => None,
    };
    Scene {
        author,
        members,
        named: clause::named_member(tokens, author, members),
        addressed: addressed.or(only_other),
    }
}

/// Reads a message by `author` in a group of `members`.
pub fn read(text: &str, author: &UserRef, members: &[UserRef], allow: &Allow) -> Reading {
    let tokens = tokens(text, allow);
    let sentences = chatter::sentences(&tokens);
    let mut addressed = None;
    let trimmed: Vec<(&[Token], bool)> = sentences
        .into_iter()
        .map(|(sentence, question)| {
            let trimmed = chatter::trim(sentence, members);
            addressed = addressed.take().or(trimmed.addressed);
            (trimmed.tokens, question && !trimmed.tagged)
        })
        .collect();
    let scene = scene(&tokens, author, members, addressed);
    let parts: Vec<Part> = trimmed
        .iter()
        .map(|(t, question)| clause::read(t, *question, &scene))
        .collect();
    let mut offers: Vec<OfferParts> = Vec::new();
    let mut loose: Vec<(usize, usize)> = Vec::new();
    let mut waiting = Vec::new();
    let mut collective = false;
    for part in parts {
        match part {
            Part::Offer(groups) => {
                for mut offer in groups {
                    offer.conditions.append(&mut waiting);
                    offers.push(offer);
                }
            }
            Part::Collective => collective = true,
            Part::Conditions(Some(mut conditions), _) => match offers.last_mut() {
                Some(offer) => offer.conditions.append(&mut conditions),
                None => waiting.append(&mut conditions),
            },
            Part::Conditions(None, span) | Part::Loose(span) => loose.push(span),
            Part::NotOffer | Part::Question | Part::Chatter => {}
        }
    }
    if offers.is_empty() {
        return if collective {
            Reading::Ask(Need::Restate {
                why: "I can only record what you yourself will do".to_owned(),
            })
        } else {
            Reading::Nothing
        };
    }
    if !waiting.is_empty() {
        // conditions after every offer were attached; these came before any
        if let Some(first) = offers.first_mut() {
            first.conditions.append(&mut waiting);
        }
    }
    if offers.iter().any(|o| o.hedged) && !allow.hedged {
        return Reading::Ask(Need::Confirm);
    }
    let mut unplaced: Vec<(usize, usize)> =
        offers.iter().flat_map(|o| o.unplaced.clone()).collect();
    unplaced.extend(loose);
    unplaced.sort_unstable();
    let mut all = Vec::new();
    for offer in offers {
        let drafted = OfferDraft {
            promises: offer.promises,
            conditions: offer.conditions,
            limit: offer.limit,
        };
        match draft::resolve(drafted, author, members) {
            Resolved::Terms(terms) => all.push(terms),
            Resolved::Ask(need) if unplaced.is_empty() => {
                return Reading::Ask(as_written(text, need));
            }
            Resolved::Ask(_) => return Reading::Ask(restate(text, &unplaced)),
        }
    }
    if unplaced.is_empty() {
        return Reading::Terms(all);
    }
    let reading = all
        .iter()
        .map(|t| t.summary(members))
        .collect::<Vec<_>>()
        .join("; ");
    Reading::Ask(Need::Unplaced {
        words: words(text, &unplaced),
        cut: unplaced,
        reading,
    })
}

/// The words at `spans`, quoted and joined.
fn words(text: &str, spans: &[(usize, usize)]) -> String {
    spans
        .iter()
        .filter_map(|(s, e)| text.get(*s..*e))
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A question asking the author to say the offer again.
fn restate(text: &str, spans: &[(usize, usize)]) -> Need {
    Need::Restate {
        why: format!("I could not place {}", words(text, spans)),
    }
}

/// A question about a name quotes the name as the author wrote it.
fn as_written(text: &str, need: Need) -> Need {
    match need {
        Need::Member {
            span, suggestion, ..
        } => Need::Member {
            name: text.get(span.0..span.1).unwrap_or_default().to_owned(),
            span,
            suggestion,
        },
        Need::WhichMember {
            span, candidates, ..
        } => Need::WhichMember {
            name: text.get(span.0..span.1).unwrap_or_default().to_owned(),
            span,
            candidates,
        },
        other => other,
    }
}
