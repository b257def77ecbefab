//! Writing results to stdout: one JSON object per line with `--json`, a compact line per
//! message otherwise; a closed pipe ends the command quietly instead of panicking.

use std::io::Write;

use quid_shared::{Message, MessageKind};
use serde::Serialize;

use super::CliError;
use crate::timefmt;

/// Writes one line to stdout and flushes it (so `tail | jq` sees each line at once).
pub fn line(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => CliError::OutputClosed,
            _ => CliError::Io(e),
        })
}

/// Writes `value` as one line of JSON.
pub fn json<T: Serialize>(value: &T) -> Result<(), CliError> {
    let text = serde_json::to_string(value)
        .map_err(|e| CliError::Failed(format!("cannot encode the output: {e}")))?;
    line(&text)
}

/// Writes a message, as JSON or as one human line.
pub fn message(message: &Message, as_json: bool) -> Result<(), CliError> {
    if as_json {
        json(message)
    } else {
        line(&message_line(message))
    }
}

/// `#17 14:03 bob: hello`, with the kind and privacy made visible.
pub fn message_line(message: &Message) -> String {
    let time = timefmt::clock(message.created_at);
    let author = message
        .author
        .as_ref()
        .map_or("quid", |a| a.username.as_str());
    let private = if message.private {
        " (private: only you can see this)"
    } else {
        ""
    };
    let tag = match message.kind {
        MessageKind::User => format!("{author}{private}:"),
        MessageKind::Commitment => "* commitment:".to_owned(),
        MessageKind::Liability => "= liabilities:".to_owned(),
        MessageKind::ClarificationRequest => format!("? clarification{private}:"),
        MessageKind::ClarificationResponse => format!("{author} (answer{private}):"),
    };
    format!("#{} {time} {tag} {}", message.seq, message.content)
}
