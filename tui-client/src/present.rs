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
        let ids: Vec<String> = l.because.iter().map(|id| format!("#{id}")).collect();
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
    format!("#{} {}: {}{status}", c.id, c.creator.username, c.summary)
}

/// ` #12` for a commitment message carrying `meta.commitment_id` (what `/revoke` takes),
/// else nothing.
pub fn commitment_ref(message: &Message) -> String {
    message
        .meta
        .get("commitment_id")
        .and_then(serde_json::Value::as_i64)
        .map_or(String::new(), |id| format!(" #{id}"))
}
