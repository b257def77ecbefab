//! A whole message: its sentences read one by one, conditions in sentences of their own
//! joined to the offer they qualify, and the result checked as a whole — an offer is
//! recorded only when every part of the message that says something is placed in it;
//! otherwise the author is asked (or, for chatter, nothing happens).

use quid_shared::UserRef;

use super::super::model::Terms;
use super::chatter;
use super::clarify::{Allow, Need};
use super::clause::{self, OfferParts, Part};
use super::draft::{self, Resolved};
use super::lexer::{Token, tokenize};
use super::scene::Scene;
use super::shape::OfferDraft;
use super::tails::{self, Effect};

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
    let named = clause::named_member(tokens, author, members);
    // "Hi Bob, if she does …": "she" is not the member spoken to
    let named = named.filter(|n| addressed.as_ref().is_none_or(|a| a.id != n.id));
    Scene {
        author,
        members,
        named,
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
    let (mut hedged, mut void) = (false, false);
    for ((tokens, _), part) in trimmed.iter().zip(parts) {
        let span = tokens
            .first()
            .zip(tokens.last())
            .map(|(f, l)| (f.start, l.end));
        let effect = match part {
            Part::Offer(groups) => {
                for mut offer in groups {
                    offer.conditions.append(&mut waiting);
                    offers.push(offer);
                }
                Effect::Filler
            }
            Part::Collective => {
                collective = true;
                Effect::Filler
            }
            Part::Conditions(Some(mut conditions)) => {
                match offers.last_mut() {
                    Some(offer) => offer.conditions.append(&mut conditions),
                    None => waiting.append(&mut conditions),
                }
                Effect::Filler
            }
            Part::Conditions(None) => Effect::Unplaced,
            Part::Denied => Effect::Void,
            Part::NotOffer => Effect::Filler,
            Part::Question if chatter::says_something(tokens, members) => Effect::Unplaced,
            Part::Question => Effect::Filler,
            Part::Chatter | Part::Loose => {
                tails::sentence(tokens, chatter::says_something(tokens, members))
            }
        };
        match effect {
            Effect::Filler => {}
            Effect::Hedge => hedged = true,
            Effect::Void => void = true,
            Effect::Unplaced => loose.extend(span),
        }
    }
    if void || offers.iter().any(|o| o.void) {
        return Reading::Nothing;
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
    if (hedged || offers.iter().any(|o| o.hedged)) && !allow.hedged {
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
    // Only a qualifier (a date, a place) may be left out on the author's word; words that
    // name someone, count something or set a condition must be said again.
    let weighty = unplaced.iter().any(|(s, e)| {
        let words = tokenize(text.get(*s..*e).unwrap_or_default());
        words.iter().any(|t| {
            super::lexer::digits(&t.text).is_some()
                || super::words::number_word(&t.text).is_some()
                || members
                    .iter()
                    .any(|m| m.username.eq_ignore_ascii_case(&t.text))
                || matches!(
                    t.text.as_str(),
                    "if" | "unless"
                        | "when"
                        | "once"
                        | "after"
                        | "or"
                        | "per"
                        | "each"
                        | "$"
                        | "€"
                        | "£"
                        | "%"
                        | "?"
                        | "whether"
                        | "except"
                        | "instead"
                        | "without"
                        | "with"
                        | "than"
                        | "rather"
                        | "only"
                        | "but"
                        | "and"
                )
        })
    });
    if weighty || all.len() > 1 {
        return Reading::Ask(restate(text, &unplaced));
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
