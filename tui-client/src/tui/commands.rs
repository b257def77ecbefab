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
    /// Make an invitation code for the current group (admins).
    Invite,
    /// Remove a member from the current group (admins).
    Kick(String),
    /// A private message to a member of the current group.
    Msg {
        to: String,
        text: String,
    },
    /// Open the private conversation with a member of the current group, a buffer of
    /// its own (`None`: back to the whole group); with text, also send it to them.
    Query {
        to: Option<String>,
        text: Option<String>,
    },
    /// Close a private conversation (`None`: the one on screen).
    Close(Option<String>),
    Commitments,
    Liabilities,
    /// Shows in the side pane what an offer would change (`None`: hide it again).
    WhatIf(Option<String>),
    Revoke(i64),
    /// The current group's members, who is connected.
    Names,
    /// Show (`None`) or set the topic (`Some("")` clears it).
    Topic(Option<String>),
    /// Find messages of the current group.
    Search(String),
    /// Scroll to message `seq`.
    Jump(i64),
    /// Delete my message (`None`: my last one).
    Delete(Option<i64>),
    /// React to message `seq` (`None`: the last message) with `emoji`.
    React {
        seq: Option<i64>,
        emoji: String,
        remove: bool,
    },
    /// What rings the bell in the current group.
    Notify(Option<crate::config::NotifyLevel>),
    /// Connect now instead of waiting.
    Reconnect,
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
    ("invite", "", "make an invitation code (admins)"),
    ("kick", "USER", "remove a member from this group (admins)"),
    (
        "msg",
        "USER TEXT",
        "private message to a member of this group",
    ),
    (
        "query",
        "[USER [TEXT]]",
        "private conversation with a member (alone: the whole group)",
    ),
    ("close", "[USER]", "close a private conversation (this one)"),
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
    ("revoke", "ID", "revoke one of your commitments (c4)"),
    ("names", "", "members of this group; ● connected now"),
    (
        "topic",
        "[TEXT | -]",
        "show or set this group's topic (- clears it)",
    ),
    ("search", "WORDS", "find messages of this group (side pane)"),
    ("jump", "SEQ", "scroll to message #SEQ"),
    (
        "delete",
        "[SEQ]",
        "delete your message (default: your last)",
    ),
    (
        "react",
        "[SEQ] EMOJI",
        "react to a message (default: the last); /unreact undoes",
    ),
    (
        "notify",
        "all|mentions|none",
        "what rings the bell in this group",
    ),
    ("reconnect", "", "connect now (also Ctrl+R while offline)"),
    ("help", "", "show keys and commands"),
    ("quit", "", "leave the chat"),
];

/// A message seq as written: `17` or `#17`.
fn seq_of(text: &str) -> Result<i64, String> {
    text.trim()
        .trim_start_matches('#')
        .parse()
        .ok()
        .filter(|seq: &i64| *seq > 0)
        .ok_or_else(|| format!("not a message number: {text} (e.g. 17 or #17)"))
}

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
        "invite" if rest.is_empty() => Ok(Command::Invite),
        "add" | "invite" => {
            need("USER").map(|u| Command::Add(u.trim_start_matches('@').to_owned()))
        }
        "query" => Ok(match rest.split_once(char::is_whitespace) {
            _ if rest.is_empty() => Command::Query {
                to: None,
                text: None,
            },
            Some((to, text)) => Command::Query {
                to: Some(to.trim_start_matches('@').to_owned()),
                text: Some(text.trim().to_owned()).filter(|t| !t.is_empty()),
            },
            None => Command::Query {
                to: Some(rest.trim_start_matches('@').to_owned()),
                text: None,
            },
        }),
        "close" => Ok(Command::Close(
            Some(rest.trim_start_matches('@').to_owned()).filter(|r| !r.is_empty()),
        )),
        "msg" => {
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
        "kick" => need("USER").map(|u| Command::Kick(u.trim_start_matches('@').to_owned())),
        "names" | "who" => Ok(Command::Names),
        "topic" => Ok(Command::Topic(match rest {
            "" => None,
            "-" => Some(String::new()),
            text => Some(text.to_owned()),
        })),
        "search" | "find" => need("WORDS").map(Command::Search),
        "jump" | "goto" => {
            let seq = need("SEQ")?;
            seq_of(&seq).map(Command::Jump)
        }
        "delete" | "del" => match rest {
            "" => Ok(Command::Delete(None)),
            seq => seq_of(seq).map(|s| Command::Delete(Some(s))),
        },
        "react" | "unreact" => {
            let remove = name == "unreact";
            let rest = need("[SEQ] EMOJI")?;
            match rest.split_once(char::is_whitespace) {
                Some((seq, emoji)) => Ok(Command::React {
                    seq: Some(seq_of(seq)?),
                    emoji: emoji.trim().to_owned(),
                    remove,
                }),
                None => Ok(Command::React {
                    seq: None,
                    emoji: rest,
                    remove,
                }),
            }
        }
        "notify" => match rest {
            "" => Ok(Command::Notify(None)),
            level => crate::config::NotifyLevel::parse(level)
                .map(|l| Command::Notify(Some(l)))
                .ok_or_else(|| "usage: /notify all|mentions|none".to_owned()),
        },
        "reconnect" => Ok(Command::Reconnect),
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
        assert_eq!(parse("/invite"), Ok(Command::Invite));
        assert_eq!(parse("/invite bob"), Ok(Command::Add("bob".into())));
        assert_eq!(parse("/kick @bob"), Ok(Command::Kick("bob".into())));
        assert!(parse("/kick").is_err());
        assert_eq!(
            parse("/msg bob see you at 5"),
            Ok(Command::Msg {
                to: "bob".into(),
                text: "see you at 5".into()
            })
        );
        assert_eq!(parse("/revoke #12"), Ok(Command::Revoke(12)));
        assert_eq!(parse("/close"), Ok(Command::Close(None)));
        assert_eq!(parse("/close @bob"), Ok(Command::Close(Some("bob".into()))));
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
