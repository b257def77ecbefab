//! The `/commands` of the chat: their names and help, parsing an input line into a
//! [`Command`], and tab completion of command and member names. Pure.

/// A parsed `/command`.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Switch to a group (by name or id).
    Join(String),
    /// Leave a group (the current one when `None`).
    Leave(Option<String>),
    Create {
        name: String,
        description: Option<String>,
    },
    /// Add a user to the current group.
    Add(String),
    /// A private message to a member of the current group.
    Msg {
        to: String,
        text: String,
    },
    Commitments,
    Liabilities,
    /// Shows in the side pane what an offer would change (`None`: hide it again).
    WhatIf(Option<String>),
    Revoke(i64),
    Help,
    Quit,
}

/// Every command: name, arguments, what it does. The order of `/help`.
pub const COMMANDS: &[(&str, &str, &str)] = &[
    ("join", "GROUP", "switch to a group (name or id)"),
    ("leave", "[GROUP]", "leave a group (default: this one)"),
    (
        "create",
        "NAME [DESCRIPTION]",
        "create a group and switch to it",
    ),
    ("add", "USER", "add a user to this group"),
    (
        "msg",
        "USER TEXT",
        "private message to a member of this group",
    ),
    (
        "commitments",
        "",
        "show this group's commitments (side pane)",
    ),
    (
        "liabilities",
        "",
        "show who is bound to do what (side pane)",
    ),
    (
        "whatif",
        "[OFFER]",
        "an offer's effect, not sent (side pane)",
    ),
    ("revoke", "ID", "revoke one of your commitments"),
    ("help", "", "show keys and commands"),
    ("quit", "", "leave the chat"),
];

/// Whether an input line is a command (`//text` sends `/text` as a message).
pub fn is_command(line: &str) -> bool {
    line.starts_with('/') && !line.starts_with("//")
}

/// Parses a line starting with `/`.
pub fn parse(line: &str) -> Result<Command, String> {
    let line = line.trim_start_matches('/');
    let (name, rest) = match line.split_once(char::is_whitespace) {
        Some((name, rest)) => (name, rest.trim()),
        None => (line.trim(), ""),
    };
    let name = name.to_ascii_lowercase();
    let need = |what: &str| -> Result<String, String> {
        if rest.is_empty() {
            Err(format!("usage: /{name} {what}"))
        } else {
            Ok(rest.to_owned())
        }
    };
    match name.as_str() {
        "join" | "j" => need("GROUP").map(Command::Join),
        "leave" | "part" => Ok(Command::Leave(
            Some(rest.to_owned()).filter(|r| !r.is_empty()),
        )),
        "create" => {
            let rest = need("NAME [DESCRIPTION]")?;
            let (name, description) = match rest.split_once(char::is_whitespace) {
                Some((n, d)) => (n.to_owned(), Some(d.trim().to_owned())),
                None => (rest, None),
            };
            Ok(Command::Create { name, description })
        }
        "add" | "invite" => {
            need("USER").map(|u| Command::Add(u.trim_start_matches('@').to_owned()))
        }
        "msg" | "query" => {
            let rest = need("USER TEXT")?;
            match rest.split_once(char::is_whitespace) {
                Some((to, text)) if !text.trim().is_empty() => Ok(Command::Msg {
                    to: to.trim_start_matches('@').to_owned(),
                    text: text.trim().to_owned(),
                }),
                _ => Err("usage: /msg USER TEXT".into()),
            }
        }
        "commitments" => Ok(Command::Commitments),
        "liabilities" => Ok(Command::Liabilities),
        "whatif" | "what-if" => Ok(Command::WhatIf(
            Some(rest.to_owned()).filter(|r| !r.is_empty()),
        )),
        "revoke" => {
            let id = need("ID")?;
            crate::present::parse_commitment_id(&id).map(Command::Revoke)
        }
        "help" | "h" | "?" => Ok(Command::Help),
        "quit" | "exit" | "q" => Ok(Command::Quit),
        "" => Err("empty command; type /help".into()),
        other => Err(format!("unknown command /{other}; type /help")),
    }
}

/// Where the word before the cursor starts (byte offset), and the word.
pub fn word_before(line: &str, cursor: usize) -> (usize, &str) {
    let head = &line[..cursor.min(line.len())];
    let start = head.rfind(char::is_whitespace).map_or(0, |i| {
        i + head[i..].chars().next().map_or(1, char::len_utf8)
    });
    (start, &head[start..])
}

/// Completions for the word at `start` in `line`: command names at the very start of a
/// `/` line, else member names (with `@` kept when typed; `: ` after a name that starts
/// the line, as irssi and weechat do).
pub fn candidates(line: &str, start: usize, word: &str, members: &[&str]) -> Vec<String> {
    if start == 0 && word.starts_with('/') {
        let typed = word.trim_start_matches('/').to_ascii_lowercase();
        return COMMANDS
            .iter()
            .filter(|(name, _, _)| name.starts_with(&typed))
            .map(|(name, _, _)| format!("/{name} "))
            .collect();
    }
    let (at, typed) = match word.strip_prefix('@') {
        Some(rest) => ("@", rest),
        None => ("", word),
    };
    let typed = typed.to_ascii_lowercase();
    let suffix = if start == 0 && !line.starts_with('/') {
        ": "
    } else {
        " "
    };
    let mut names: Vec<String> = members
        .iter()
        .filter(|name| name.to_ascii_lowercase().starts_with(&typed))
        .map(|name| format!("{at}{name}{suffix}"))
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every documented command parses, with its arguments.
    #[test]
    fn commands_parse() {
        assert_eq!(parse("/join team"), Ok(Command::Join("team".into())));
        assert_eq!(parse("/leave"), Ok(Command::Leave(None)));
        assert_eq!(
            parse("/create ops night shift"),
            Ok(Command::Create {
                name: "ops".into(),
                description: Some("night shift".into())
            })
        );
        assert_eq!(parse("/add @bob"), Ok(Command::Add("bob".into())));
        assert_eq!(
            parse("/msg bob see you at 5"),
            Ok(Command::Msg {
                to: "bob".into(),
                text: "see you at 5".into()
            })
        );
        assert_eq!(parse("/revoke #12"), Ok(Command::Revoke(12)));
        assert_eq!(
            parse("/whatif I'll do 2h"),
            Ok(Command::WhatIf(Some("I'll do 2h".into())))
        );
        assert_eq!(parse("/whatif"), Ok(Command::WhatIf(None)));
        assert_eq!(parse("/QUIT"), Ok(Command::Quit));
        assert!(parse("/msg bob").is_err());
        assert!(parse("/frobnicate").is_err());
        assert!(!is_command("//not a command"));
    }

    /// Tab completes command names at the start and member names elsewhere.
    #[test]
    fn completion_candidates() {
        assert_eq!(candidates("/co", 0, "/co", &[]), vec!["/commitments "]);
        let members = ["bob", "bea", "carol"];
        assert_eq!(candidates("b", 0, "b", &members), vec!["bea: ", "bob: "]);
        assert_eq!(candidates("hi @c", 3, "@c", &members), vec!["@carol "]);
        assert_eq!(word_before("hi @c", 5), (3, "@c"));
    }
}
