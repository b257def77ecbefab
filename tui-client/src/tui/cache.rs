//! What the chat keeps between runs besides read markers, per server and account, in
//! `chat-state.json` in the config directory: the account and the groups as last seen
//! (so the chat opens while the server is down), the buffer last viewed, the private
//! conversations open and whether the side pane was open.

use std::io;
use std::path::Path;

use quid_shared::{Group, Id, UserRef};
use serde::{Deserialize, Serialize};

use super::kept::KeptFile;

const FILE: &str = "chat-state.json";

/// One account's state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChatState {
    pub me: Option<UserRef>,
    #[serde(default)]
    pub groups: Vec<Group>,
    #[serde(default)]
    pub last_group: Option<Id>,
    #[serde(default)]
    pub side_pane: bool,
    /// The private conversations open (`/query`), in the order they were opened.
    #[serde(default)]
    pub privates: Vec<KeptPrivate>,
    /// The private conversation on screen (its other party), in `last_group`.
    #[serde(default)]
    pub last_private: Option<Id>,
}

/// A private conversation kept open between runs, and how far it was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptPrivate {
    pub group: Id,
    pub with: UserRef,
    pub read: i64,
}

/// Where one account's state is kept: the entry `"<server> <token's last 12
/// characters>"`, which does not hold the token, only enough to tell accounts apart.
#[derive(Debug)]
pub struct StateFile(KeptFile<ChatState>);

impl StateFile {
    pub fn new(dir: &Path, server: &str, token: &str) -> StateFile {
        let tail: String = token
            .chars()
            .rev()
            .take(12)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        StateFile(KeptFile::new(dir, FILE, format!("{server} {tail}")))
    }

    /// The state kept last time; empty when there is none or it cannot be read.
    pub fn load(&self) -> ChatState {
        self.0.load()
    }

    /// Keeps `state`, leaving other accounts' as they are.
    pub fn save(&self, state: ChatState) -> io::Result<()> {
        self.0.save(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The state, private conversations included, is read back per account; a missing
    /// file is an empty state.
    #[test]
    fn round_trip_per_account() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let mine = StateFile::new(dir.path(), "http://q", "token-of-alice-123456");
        let theirs = StateFile::new(dir.path(), "http://q", "token-of-bob-654321");
        assert_eq!(mine.load(), ChatState::default());
        let bob = UserRef {
            id: Id::from_bytes([2; 16]),
            username: "bob".into(),
        };
        let state = ChatState {
            last_group: Some(Id::nil()),
            side_pane: true,
            privates: vec![KeptPrivate {
                group: Id::nil(),
                with: bob.clone(),
                read: 7,
            }],
            last_private: Some(bob.id),
            ..ChatState::default()
        };
        mine.save(state.clone())?;
        theirs.save(ChatState::default())?;
        assert_eq!(mine.load(), state);
        assert_eq!(theirs.load(), ChatState::default());
        Ok(())
    }
}
