//! Plain words for commitments and liabilities, so the CLI and the chat say the same thing
//! the same way.

use quid_shared::{Commitment, CommitmentStatus, Liability, LiabilityChange, Message, WhatIf};

/// `3 hours of work`.
pub fn amount(value: f64, unit: &str, action: &str) -> String {
    let value = (value * 100.0).round() / 100.0;
    format!("{value} {unit} of {action}")
}

/// `bob: 3 hours of work, because of c4 (alice: …), which holds because …`, or, from a
/// server that does not explain, `bob: 3 hours of work (because c4)`.
pub fn liability(l: &Liability) -> String {
    if let Some(why) = &l.why {
        return format!("{}: {why}", l.user.username);
    }
    let because = if l.because.is_empty() {
        String::new()
    } else {
        let ids: Vec<String> = l.because.iter().map(|id| format!("c{id}")).collect();
        format!(" (because {})", ids.join(", "))
    };
    format!(
        "{}: {}{because}",
        l.user.username,
        amount(l.amount, &l.unit, &l.action)
    )
}

/// `bob: work 0 → 3 hours`.
pub fn change(c: &LiabilityChange) -> String {
    let round = |v: f64| (v * 100.0).round() / 100.0;
    format!(
        "{}: {} {} → {} {}",
        c.user.username,
        c.action,
        round(c.old),
        round(c.new),
        c.unit
    )
}

/// A what-if answer as lines: how the offer reads, then what would change (before → after).
pub fn whatif(w: &WhatIf) -> Vec<String> {
    let mut lines = Vec::new();
    for c in &w.commitments {
        match w.replaces {
            Some(id) => lines.push(format!("reads as: changing c{id} to {}", c.summary)),
            None => lines.push(format!("reads as: {}", c.summary)),
        }
    }
    if let Some(id) = w.withdraws {
        lines.push(format!("reads as: withdrawing c{id}"));
    }
    if let Some(question) = &w.question {
        lines.push(format!("would ask: {question}"));
    }
    if w.commitments.is_empty() && w.withdraws.is_none() && w.question.is_none() {
        lines.push("reads as: no offer (nothing would be recorded)".to_owned());
    }
    if w.changes.is_empty() {
        lines.push("no liability would change".to_owned());
    } else {
        lines.push("before → after:".to_owned());
        lines.extend(w.changes.iter().map(|c| format!("  {}", change(c))));
    }
    lines
}

/// `c4 bob: 3 hours of work if alice does ≥ 5 hours of work` (with `[revoked]` when so).
pub fn commitment(c: &Commitment) -> String {
    let status = match c.status {
        CommitmentStatus::Active => "",
        CommitmentStatus::Revoked => " [revoked]",
    };
    let version = if c.version > 1 {
        format!(" (v{})", c.version)
    } else {
        String::new()
    };
    format!(
        "c{} {}: {}{version}{status}",
        c.id, c.creator.username, c.summary
    )
}

/// What a `commitment` message announces: a new commitment, a changed one, or a
/// withdrawal (`meta.revoked` / `meta.changed`), so each can look different.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Announcement {
    New,
    Changed,
    Withdrawn,
}

/// What `message` (a `commitment` message) announces.
pub fn announcement(message: &Message) -> Announcement {
    let flag = |key: &str| message.meta.get(key).and_then(serde_json::Value::as_bool) == Some(true);
    if flag("revoked") {
        Announcement::Withdrawn
    } else if flag("changed") {
        Announcement::Changed
    } else {
        Announcement::New
    }
}

/// A commitment id as people write it: `c12` (as shown), `#12` or `12`.
pub fn parse_commitment_id(text: &str) -> Result<i64, String> {
    let trimmed = text.trim();
    let digits = trimmed
        .strip_prefix('c')
        .or_else(|| trimmed.strip_prefix('C'))
        .or_else(|| trimmed.strip_prefix('#'))
        .unwrap_or(trimmed);
    digits
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            format!("not a commitment id: {text:?} (write it as shown, e.g. c4; 4 and #4 work too)")
        })
}

/// ` c12` for a commitment message carrying `meta.commitment_id` (what `/revoke` takes),
/// else nothing.
pub fn commitment_ref(message: &Message) -> String {
    message
        .meta
        .get("commitment_id")
        .and_then(serde_json::Value::as_i64)
        .map_or(String::new(), |id| format!(" c{id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids are taken as c12 (as shown), #12 or 12; anything else is refused with a message.
    #[test]
    fn commitment_ids_as_people_write_them() {
        assert_eq!(parse_commitment_id("c4"), Ok(4));
        assert_eq!(parse_commitment_id("C4"), Ok(4));
        assert_eq!(parse_commitment_id("#2"), Ok(2));
        assert_eq!(parse_commitment_id(" 12 "), Ok(12));
        assert_eq!(parse_commitment_id(" c7 "), Ok(7));
        assert!(parse_commitment_id("#").is_err());
        assert!(parse_commitment_id("cx").is_err());
        assert!(parse_commitment_id("0").is_err());
        assert!(parse_commitment_id("-3").is_err());
        assert!(parse_commitment_id("two").is_err());
    }
}
