//! Conditions: "if Alice does 5h of work", "provided that Kim pays $20", "as long as the
//! others do 10 hours between them", "only if someone else does 2 hours too", "if Bob and
//! Carol each pay $10", "if Kim does too". A clause this grammar cannot place makes the
//! whole condition part unreadable — never a condition dropped.

use super::cursor::Cursor;
use super::names::{Subject, subject};
use super::phrase::{gerund, noun_phrase};
use super::quantity::{self, Bound};
use super::scene::Scene;
use super::shape::{Amount, ConditionDraft, Quantity, Who};
use super::words::verb;

/// Words that introduce a condition, longest first.
pub const CONNECTORS: &[&[&str]] = &[
    &["once"],
    &["if", "and", "only", "if"],
    &["but", "only", "if"],
    &["but", "only", "as", "long", "as"],
    &["on", "the", "condition", "that"],
    &["on", "condition", "that"],
    &["that", "is", "if"],
    &["as", "long", "as"],
    &["so", "long", "as"],
    &["provided", "that"],
    &["providing", "that"],
    &["assuming", "that"],
    &["given", "that"],
    &["only", "if"],
    &["but", "if"],
    &["and", "if"],
    &["provided"],
    &["providing"],
    &["assuming"],
    &["iff"],
    &["if"],
];

/// Words that introduce a clause a commitment cannot express.
pub const OTHER_CONNECTORS: &[&str] = &[
    "unless", "when", "whenever", "once", "after", "before", "because", "since", "until", "till",
    "while", "cause", "cos", "coz", "though", "although", "except",
];

/// Words around a condition's verb that change nothing, or say "each" / "together".
const MODIFIERS: &[&str] = &[
    "also",
    "too",
    "will",
    "can",
    "would",
    "could",
    "actually",
    "really",
    "just",
    "themselves",
    "himself",
    "herself",
    "still",
    "definitely",
];

/// How several people's amounts combine.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Combine {
    Unsaid,
    Each,
    Together,
}

/// Takes a connector at the cursor.
pub fn connector(c: &mut Cursor<'_>) -> bool {
    c.eat_any_phrase(CONNECTORS).is_some()
}

/// Reads condition clauses at the cursor until they end: each starts with a connector (or,
/// after the first, with "and"). `None` when a clause cannot be placed.
pub fn clauses(c: &mut Cursor<'_>, scene: &Scene<'_>) -> Option<Vec<ConditionDraft>> {
    let mut all = Vec::new();
    if !connector(c) {
        return None;
    }
    loop {
        all.extend(clause(c, scene)?);
        let mut probe = *c;
        probe.eat_one(&[","]);
        let joined = connector(&mut probe) || {
            probe.eat_one(&["and", "&"]).is_some() && {
                connector(&mut probe);
                let mut look = probe;
                subject(&mut look, scene.author, scene.members)
                    .is_some_and(|s| !matches!(s, Subject::Author))
            }
        };
        if !joined {
            return Some(all);
        }
        *c = probe;
    }
}

/// One clause after its connector: subject, verb, amount and what is done.
fn clause(c: &mut Cursor<'_>, scene: &Scene<'_>) -> Option<Vec<ConditionDraft>> {
    let who = subject(c, scene.author, scene.members)?;
    let mut combine = Combine::Unsaid;
    modifiers(c, &mut combine);
    if c.eat_any_phrase(&[
        &["is", "in", "for"],
        &["'s", "in", "for"],
        &["is", "down", "for"],
        &["is", "up", "for"],
        &["are", "in", "for"],
        &["signs", "up", "for"],
        &["sign", "up", "for"],
        &["is", "willing", "to"],
        &["are", "willing", "to"],
        &["agrees", "to"],
        &["agree", "to"],
        &["commits", "to"],
        &["commit", "to"],
        &["promises", "to"],
        &["pledges", "to"],
        &["offers", "to"],
        &["is", "going", "to"],
        &["are", "going", "to"],
        &["has", "done"],
        &["have", "done"],
        &["manages", "to"],
        &["manage", "to"],
    ])
    .is_some()
    {
        modifiers(c, &mut combine);
    }
    let verb_start = c.offset();
    let mut particle = None;
    let done = if let Some(v) = verb(c.peek(0)) {
        c.at += 1;
        if matches!(c.peek(0), "out" | "up") && c.peek(1) != "to" {
            particle = Some(c.peek(0));
            c.at += 1;
        } else {
            c.eat_one(&["in"]);
        }
        Some(v)
    } else if matches!(c.peek(0), "for") || quantity_next(c) {
        None
    } else {
        return None;
    };
    modifiers(c, &mut combine);
    let mut same = false;
    let mut quantity = None;
    if c.eat_any_phrase(&[
        &["the", "same", "amount"],
        &["the", "same"],
        &["so"],
        &["likewise"],
        &["it", "too"],
        &["that", "too"],
        &["as", "well"],
        &["too"],
        &["the", "same", "as", "me"],
    ])
    .is_some()
        || (done.is_some_and(|v| v.base == "do")
            && (c.done() || matches!(c.peek(0), "," | "then" | "i" | "and")))
    {
        same = true;
    } else if let Some(read) = quantity::read(c) {
        if matches!(read.bound, Bound::Strict | Bound::Upper | Bound::Rough) {
            return None;
        }
        quantity = Some(read.quantity);
    } else {
        // "walks the dog twice a day", "cleans the kitchen for 2 hours", "helps"
        let object = noun_phrase(c).map(|o| match particle {
            Some(p) => format!("{p} {o}"),
            None => o,
        });
        c.eat_one(&["for"]);
        if let Some(read) = quantity::read(c) {
            if matches!(read.bound, Bound::Strict | Bound::Upper | Bound::Rough) {
                return None;
            }
            let mut q = read.quantity;
            q.action = q
                .action
                .or_else(|| action_of_object(done, object.as_deref()));
            quantity = Some(q);
        } else if let Some(mut q) = quantity::frequency_only(c) {
            q.action = action_of_object(done, object.as_deref());
            quantity = Some(q);
        } else if object.as_deref().is_some_and(|o| !o.is_empty()) && done.is_none() {
            return None;
        }
    }
    if let (Some(q), Some(v)) = (quantity.as_mut(), done) {
        q.verb_action = v.action.map(str::to_owned).or(q.verb_action.take());
        q.giving = q.giving || v.giving;
    }
    modifiers(c, &mut combine);
    let rest_span = (verb_start, c.end_of_previous().max(verb_start));
    people(who, combine, quantity, same, rest_span, scene)
}

/// The action of a verb and its object: "do the dishes" -> dishes, "walk the dog" ->
/// walking the dog.
pub fn action_of_object(done: Option<super::words::Verb>, object: Option<&str>) -> Option<String> {
    let object = object?;
    match done {
        Some(v) if v.base == "do" => Some(object.to_owned()),
        Some(v) if v.giving => Some(object.to_owned()),
        Some(v) => Some(format!("{} {object}", gerund(v.base))),
        None => Some(object.to_owned()),
    }
}

/// Whether an amount starts at the cursor.
fn quantity_next(c: &Cursor<'_>) -> bool {
    let mut probe = *c;
    quantity::read(&mut probe).is_some_and(|r| !matches!(r.quantity.amount, Amount::Missing))
}

/// Skips modifiers, noting "each" and "together".
fn modifiers(c: &mut Cursor<'_>, combine: &mut Combine) {
    loop {
        if c.eat_one(MODIFIERS).is_some() {
            continue;
        }
        if c.eat_any_phrase(&[&["as", "well"], &["or", "more"]])
            .is_some()
        {
            continue;
        }
        if c.eat_one(&["each", "both", "apiece", "individually"])
            .is_some()
        {
            *combine = Combine::Each;
            continue;
        }
        if c.eat_any_phrase(&[
            &["between", "the", "two", "of", "them|you"],
            &["between", "them|you|us|themselves"],
            &["in", "total"],
            &["all", "together"],
            &["together"],
            &["altogether"],
            &["combined"],
            &["collectively"],
            &["jointly"],
            &["total"],
            &["all"],
        ])
        .is_some()
        {
            *combine = Combine::Together;
            continue;
        }
        break;
    }
}

/// The conditions a subject makes: one per named member, or one for the others.
fn people(
    who: Subject,
    combine: Combine,
    quantity: Option<Quantity>,
    same: bool,
    rest_span: (usize, usize),
    scene: &Scene<'_>,
) -> Option<Vec<ConditionDraft>> {
    let one = |who: Who, who_span: (usize, usize)| ConditionDraft {
        who,
        who_span,
        quantity: quantity.clone(),
        same,
        rest_span,
    };
    let no_span = (rest_span.0, rest_span.0);
    Some(match who {
        // "X and Y do N" may mean each of them or both together: only "each" says which
        Subject::People(people) if people.len() > 1 && combine != Combine::Each => return None,
        Subject::People(people) => people.into_iter().map(|(w, span)| one(w, span)).collect(),
        Subject::Others if combine != Combine::Each => vec![one(Who::Others, no_span)],
        Subject::Everyone | Subject::Each if combine == Combine::Together => {
            vec![one(Who::Others, no_span)]
        }
        Subject::Anyone => vec![one(Who::Anyone, no_span)],
        Subject::Pronoun => vec![one(Who::Member(scene.named.clone()?), no_span)],
        Subject::You => vec![one(Who::Member(scene.addressed.clone()?), no_span)],
        Subject::Others | Subject::Everyone | Subject::Each | Subject::Author => return None,
    })
}
