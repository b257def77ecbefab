//! What the chat keeps between runs besides read markers, per server and account, in
//! `chat-state.json` in the config directory: the account and the groups as last seen
//! (so the chat opens while the server is down), the buffer last viewed, the private
//! conversations open and whether the side pane was open.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use quid_shared::{Group, Id, UserRef};
use serde::{Deserialize, Serialize};

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

/// The file of one server: `"<server> <token's last 12 characters>"` -> state. The key
/// does not hold the token, only enough to tell accounts apart.
type Stored = BTreeMap<String, ChatState>;

/// Where one account's state is kept.
#[derive(Debug)]
pub struct StateFile {
    path: PathBuf,
    key: String,
}

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
        StateFile {
            path: dir.join(FILE),
            key: format!("{server} {tail}"),
        }
    }

    /// The state kept last time; empty when there is none or it cannot be read.
    pub fn load(&self) -> ChatState {
        read(&self.path).remove(&self.key).unwrap_or_default()
    }

    /// Keeps `state`, leaving other accounts' as they are (replaced in one rename).
    pub fn save(&self, state: ChatState) -> io::Result<()> {
        let mut stored = read(&self.path);
        stored.insert(self.key.clone(), state);
        let json = serde_json::to_vec(&stored)?;
        if let Some(dir) = self.path.parent() {
            fs::create_dir_all(dir)?;
        }
        let temp = self.path.with_extension("json.tmp");
        fs::write(&temp, json)?;
        fs::rename(&temp, &self.path)
    }
}

fn read(path: &Path) -> Stored {
    fs::read(path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The state is read back per account; a missing file is an empty state.
    #[test]
    fn round_trip_per_account() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let mine = StateFile::new(dir.path(), "http://q", "token-of-alice-123456");
        let theirs = StateFile::new(dir.path(), "http://q", "token-of-bob-654321");
        assert_eq!(mine.load(), ChatState::default());
        let state = ChatState {
            last_group: Some(Id::nil()),
            side_pane: true,
            ..ChatState::default()
        };
        mine.save(state.clone())?;
        theirs.save(ChatState::default())?;
        assert_eq!(mine.load(), state);
        assert_eq!(theirs.load(), ChatState::default());
        Ok(())
    }
}
