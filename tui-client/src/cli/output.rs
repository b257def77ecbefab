//! Writing results to stdout: one JSON object per line with `--json`, a compact line per
//! message otherwise; a closed pipe ends the command quietly instead of panicking.

use std::io::Write;

use quid_shared::{Group, Message, MessageKind};
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

/// Writes a message of `group`, as JSON or as human text.
pub fn message(message: &Message, group: &Group, as_json: bool) -> Result<(), CliError> {
    if as_json {
        json(message)
    } else {
        line(&message_line(message, group))
    }
}

/// `#17 14:03 bob: hello`, with the kind and privacy made visible; further lines of the
/// text are indented.
pub fn message_line(message: &Message, group: &Group) -> String {
    let time = timefmt::clock(message.created_at);
    let author = message
        .author
        .as_ref()
        .map_or("quid", |a| a.username.as_str());
    let target = message
        .target
        .and_then(|t| group.members.iter().find(|m| m.id == t))
        .map_or("?", |m| m.username.as_str());
    let tag = match message.kind {
        MessageKind::User if message.private => format!("{author} -> {target} (private):"),
        MessageKind::User => format!("{author}:"),
        MessageKind::Commitment => {
            format!("*{}", crate::present::commitment_ref(message))
        }
        MessageKind::Liability => "=".to_owned(),
        MessageKind::ClarificationRequest => {
            format!("? clarification for {target} (only they can see this):")
        }
        MessageKind::ClarificationResponse => format!("{author} answered (private):"),
    };
    let text = message.content.replace('\n', "\n    ");
    format!("#{} {time} {tag} {text}", message.seq)
}
