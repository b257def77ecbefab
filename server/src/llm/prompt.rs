//! What the model is asked: a system message with the rules and the group (member names,
//! the author's commitments, the liabilities now), the author's message, and a JSON
//! schema its answer must match (structured output, `response_format`).

use quid_shared::{Commitment, Liability, UserRef};
use serde_json::{Value, json};

/// The group a message is read in.
pub struct Scene<'a> {
    pub author: &'a UserRef,
    pub members: &'a [UserRef],
    /// The author's active commitments.
    pub commitments: &'a [Commitment],
    pub liabilities: &'a [Liability],
}

/// The request body for `POST …/chat/completions`.
pub fn request(model: &str, text: &str, scene: &Scene<'_>) -> Value {
    json!({
        "model": model,
        "temperature": 0,
        "messages": [
            {"role": "system", "content": system(scene)},
            {"role": "user", "content": text},
        ],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "reading", "strict": true, "schema": schema()},
        },
    })
}

fn system(scene: &Scene<'_>) -> String {
    let members: Vec<&str> = scene.members.iter().map(|m| m.username.as_str()).collect();
    let mine: Vec<String> = scene
        .commitments
        .iter()
        .map(|c| format!("#{}: {}", c.id, c.summary))
        .collect();
    let bound: Vec<String> = scene
        .liabilities
        .iter()
        .map(|l| {
            format!(
                "{}: {} {} of {}",
                l.user.username, l.amount, l.unit, l.action
            )
        })
        .collect();
    let list = |items: &[String]| {
        if items.is_empty() {
            "none".to_owned()
        } else {
            items.join("; ")
        }
    };
    format!(
        "You read one chat message written by {author} in a group whose members are: {members}. \
         Members make conditional commitments such as \"If alice does 5 hours of work, I'll do 3 \
         hours of work\". Decide whether the message is such an offer by {author} themself, and \
         answer only with JSON matching the schema.\n\
         - kind \"offer\": what {author} promises (promises) and what must hold first \
         (conditions). Each amount is a number written in the message, with its unit (hours, \
         minutes, usd, eur, times, ...) and its action (work, cooking, dishes, ...).\n\
         - A condition's \"who\" is a member's username, \"others\" (the other members \
         together) or \"anyone\" (some other member on their own).\n\
         - A promise that grows with what someone does has a \"share\": rate (e.g. 0.5 for \
         half), who it follows, and limit (the most it adds, in the promise's unit).\n\
         - kind \"withdraw\": {author} takes back one of their commitments; give its number.\n\
         - kind \"none\": anything else (questions, reports of what others said, jokes, \
         hypotheticals, offers that are not {author}'s own).\n\
         Never invent an amount, a member or a condition the message does not state.\n\
         {author}'s commitments now: {mine}.\n\
         What members are bound to now: {bound}.",
        author = scene.author.username,
        members = members.join(", "),
        mine = list(&mine),
        bound = list(&bound),
    )
}

/// The JSON schema of a reading (strict: every property required, none added).
pub fn schema() -> Value {
    // an amount of something, with one more property (`key`)
    let quantity = |key: &str, extra: Value| {
        json!({
            "type": "object",
            "properties": {
                "amount": {"type": "number"},
                "unit": {"type": "string"},
                "action": {"type": "string"},
                key: extra,
            },
            "required": ["amount", "unit", "action", key],
            "additionalProperties": false,
        })
    };
    let share = json!({
        "type": ["object", "null"],
        "properties": {
            "rate": {"type": "number"},
            "who": {"type": "string"},
            "limit": {"type": "number"},
        },
        "required": ["rate", "who", "limit"],
        "additionalProperties": false,
    });
    json!({
        "type": "object",
        "properties": {
            "kind": {"type": "string", "enum": ["offer", "withdraw", "none"]},
            "promises": {"type": "array", "items": quantity("share", share)},
            "conditions": {"type": "array", "items": quantity("who", json!({"type": "string"}))},
            "withdraw": {"type": ["integer", "null"]},
        },
        "required": ["kind", "promises", "conditions", "withdraw"],
        "additionalProperties": false,
    })
}
