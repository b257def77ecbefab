//! Which messages concern the user (a mention, a private message or question to them) —
//! what the chat rings the bell for — and `quid tail --notify-cmd CMD`, which runs a
//! command for each without a shell, so a message's text is never read as shell syntax.

use std::process::Stdio;

use quid_shared::{Group, Message, MessageKind, UserRef};

use crate::context::CliError;

/// The program and its first arguments, as given.
#[derive(Debug, Clone, PartialEq)]
pub struct Notifier {
    program: String,
    args: Vec<String>,
}

impl Notifier {
    /// `CMD` split at white space; the message text will follow as the last argument.
    pub fn parse(command: &str) -> Result<Notifier, CliError> {
        let mut words = command.split_whitespace().map(str::to_owned);
        let program = words
            .next()
            .ok_or_else(|| CliError::Usage("--notify-cmd: give a program to run".into()))?;
        Ok(Notifier {
            program,
            args: words.collect(),
        })
    }

    /// Starts the program for `message` and does not wait for it; a program that cannot
    /// start is reported on stderr, and `tail` goes on.
    pub fn run(&self, message: &Message, group: &Group) {
        let author = message
            .author
            .as_ref()
            .map_or("quid", |a| a.username.as_str());
        let text = format!("{author} in {}: {}", group.name, message.content);
        let started = std::process::Command::new(&self.program)
            .args(&self.args)
            .arg(text)
            .env("QUID_GROUP", &group.name)
            .env("QUID_AUTHOR", author)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn();
        match started {
            // reaped in the background so no zombie is left
            Ok(mut child) => {
                std::thread::spawn(move || child.wait());
            }
            Err(e) => eprintln!("quid: --notify-cmd {}: {e}", self.program),
        }
    }
}

/// Whether `message` calls for a notification of `me`: someone else mentions me, writes
/// to me privately, or the server asks me something.
pub fn concerns(message: &Message, me: &UserRef) -> bool {
    let from_me = message.author.as_ref().is_some_and(|a| a.id == me.id);
    if from_me || message.kind.is_change() {
        return false;
    }
    match message.kind {
        MessageKind::ClarificationRequest => message.target == Some(me.id),
        MessageKind::User => {
            (message.private && message.target == Some(me.id))
                || mentions(&message.content, &me.username)
        }
        _ => false,
    }
}

/// Whether `text` contains `name` as a whole word (optionally after `@`), ignoring case.
pub fn mentions(text: &str, name: &str) -> bool {
    mention_ranges(text, name).next().is_some()
}

/// Byte ranges of the whole-word occurrences of `name` in `text`, ignoring ASCII case.
pub fn mention_ranges<'a>(
    text: &'a str,
    name: &'a str,
) -> impl Iterator<Item = (usize, usize)> + 'a {
    let lower = text.to_ascii_lowercase();
    let needle = name.to_ascii_lowercase();
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let mut found = Vec::new();
    if !needle.is_empty() {
        let mut from = 0;
        while let Some(pos) = lower[from..].find(&needle) {
            let start = from + pos;
            let end = start + needle.len();
            let before_ok = lower[..start]
                .chars()
                .next_back()
                .is_none_or(|c| !is_word(c));
            let after_ok = lower[end..].chars().next().is_none_or(|c| !is_word(c));
            if before_ok && after_ok {
                found.push((start, end));
            }
            from = end;
        }
    }
    found.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The command is split at spaces only: quotes and `$(…)` are plain characters.
    #[test]
    fn no_shell_syntax_is_read() {
        let notifier = Notifier::parse("notify-send -u critical").unwrap();
        assert_eq!(notifier.program, "notify-send");
        assert_eq!(notifier.args, ["-u", "critical"]);
        assert!(Notifier::parse("   ").is_err());
    }

    /// Mentions match whole words in any case, not parts of other words.
    #[test]
    fn mentions_are_whole_words() {
        assert!(mentions("hey @Alice, look", "alice"));
        assert!(mentions("alice: hi", "alice"));
        assert!(!mentions("malice aforethought", "alice"));
        assert!(!mentions("alice_b", "alice"));
    }
}
