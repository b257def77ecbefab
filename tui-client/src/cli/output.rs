//! Writing results to stdout: one JSON object per line with `--json`, a compact line per
//! message otherwise, in which nothing another member wrote can act on the terminal; a
//! closed pipe ends the command quietly instead of panicking.

use std::io::Write;

use quid_shared::{Group, Message, MessageKind};
use serde::Serialize;

use super::CliError;
use crate::timefmt;

/// Writes one line of human-readable text to stdout, with control characters shown
/// escaped ([`printable`]).
pub fn line(text: &str) -> Result<(), CliError> {
    raw_line(&printable(text))
}

/// Writes one line to stdout and flushes it (so `tail | jq` sees each line at once).
fn raw_line(text: &str) -> Result<(), CliError> {
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
    // JSON escapes every control character itself
    raw_line(&text)
}

/// `text` safe to print on a terminal: line breaks and tabs stay, every other control
/// character (escape sequences, carriage returns that would overwrite the line, C1 codes)
/// and every invisible reordering or zero-width mark is shown as `\u{..}` instead, so a
/// member's message can neither restyle the terminal nor pass for another member's line.
pub fn printable(text: &str) -> String {
    let hidden = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{200b}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
    };
    if !text.chars().any(hidden) {
        return text.to_owned();
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            shown.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            shown.push(c);
        }
    }
    shown
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
            let mark = match crate::present::announcement(message) {
                crate::present::Announcement::New => '*',
                crate::present::Announcement::Changed => '~',
                crate::present::Announcement::Withdrawn => 'x',
            };
            format!("{mark}{}", crate::present::commitment_ref(message))
        }
        MessageKind::Liability => "=".to_owned(),
        MessageKind::ClarificationRequest => {
            format!("? clarification for {target} (only they can see this):")
        }
        MessageKind::ClarificationResponse => format!("{author} answered (private):"),
        MessageKind::Edit => format!("{author} edited #{}:", of(message)),
        MessageKind::Delete => {
            return format!("#{} {time} {author} deleted #{}", message.seq, of(message));
        }
        MessageKind::Reaction => {
            let verb = if message.meta.get("on").and_then(|v| v.as_bool()) == Some(false) {
                "took back"
            } else {
                "reacted"
            };
            return format!(
                "#{} {time} {author} {verb} {} to #{}",
                message.seq,
                message.content,
                of(message)
            );
        }
        MessageKind::Topic => "~".to_owned(),
    };
    if message.is_deleted() {
        return format!("#{} {time} {tag} (message deleted)", message.seq);
    }
    let text = message.content.replace('\n', "\n    ");
    let mut line = format!("#{} {time} {tag} {text}", message.seq);
    if message.is_edited() {
        line.push_str(" (edited)");
    }
    for (emoji, who) in message.reactions() {
        line.push_str(&format!(" [{emoji} {}]", who.len()));
    }
    line
}

/// The seq of the message a change is about (`?` if it names none).
fn of(message: &Message) -> String {
    message
        .changes()
        .map_or_else(|| "?".to_owned(), |seq| seq.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Escape sequences, carriage returns, C1 codes and bidirectional overrides are shown,
    /// not obeyed; ordinary text, line breaks, tabs and non-Latin letters pass unchanged.
    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(
            printable("plain, ünïcödé, 日本語\n\tnext"),
            "plain, ünïcödé, 日本語\n\tnext"
        );
        let forged = "innocent\r#99 12:00 alice: I owe bob\u{1b}]0;pwned\u{7}";
        assert_eq!(
            printable(forged),
            "innocent\\u{d}#99 12:00 alice: I owe bob\\u{1b}]0;pwned\\u{7}"
        );
        assert_eq!(
            printable("a\u{202e}b\u{9b}c\u{7f}"),
            "a\\u{202e}b\\u{9b}c\\u{7f}"
        );
        assert!(!printable(forged).chars().any(|c| c.is_control()));
    }

    /// Emoji made of several code points (ZWJ families, flags, skin tones) print as
    /// themselves: joiners are part of the text, not tricks.
    #[test]
    fn multi_codepoint_emoji_pass_unchanged() {
        for emoji in ["👨‍👩‍👧", "🇫🇷", "👍🏽", "🏳️‍🌈"] {
            assert_eq!(printable(emoji), emoji);
        }
    }
}
