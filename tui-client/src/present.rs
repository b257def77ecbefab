//! Plain words for commitments and liabilities, so the CLI and the chat say the same thing
//! the same way.

use quid_shared::{Commitment, CommitmentStatus, Liability, Message};

/// `3 hours of work`.
pub fn amount(value: f64, unit: &str, action: &str) -> String {
    let value = (value * 100.0).round() / 100.0;
    format!("{value} {unit} of {action}")
}

/// `bob: 3 hours of work (because #4)`.
pub fn liability(l: &Liability) -> String {
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

/// `#4 bob: 3 hours of work if alice does ≥ 5 hours of work` (with `[revoked]` when so).
pub fn commitment(c: &Commitment) -> String {
    let status = match c.status {
        CommitmentStatus::Active => "",
        CommitmentStatus::Revoked => " [revoked]",
    };
    format!("c{} {}: {}{status}", c.id, c.creator.username, c.summary)
}

/// ` #12` for a commitment message carrying `meta.commitment_id` (what `/revoke` takes),
/// else nothing.
pub fn commitment_ref(message: &Message) -> String {
    message
        .meta
        .get("commitment_id")
        .and_then(serde_json::Value::as_i64)
        .map_or(String::new(), |id| format!(" c{id}"))
}

/// A commitment id as written by a person: `c4` (as shown), `#4` or `4`.
pub fn parse_commitment_id(text: &str) -> Option<i64> {
    let text = text.trim();
    let digits = text
        .strip_prefix('c')
        .or_else(|| text.strip_prefix('C'))
        .or_else(|| text.strip_prefix('#'))
        .unwrap_or(text);
    digits.parse().ok().filter(|id| *id > 0)
}

#[cfg(test)]
mod id_tests {
    use super::*;

    /// Both forms of a commitment id are accepted; anything else is not an id.
    #[test]
    fn commitment_ids_in_both_forms() {
        assert_eq!(parse_commitment_id("c4"), Some(4));
        assert_eq!(parse_commitment_id("#4"), Some(4));
        assert_eq!(parse_commitment_id(" 12 "), Some(12));
        assert_eq!(parse_commitment_id("cx"), None);
        assert_eq!(parse_commitment_id("0"), None);
    }
}
