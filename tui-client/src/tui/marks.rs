//! Read markers kept between runs: the last seq the user had seen in each group, per
//! server and account, in `read-markers.json` in the config directory. With them, the
//! messages that arrived while the chat was closed count as unread, and the group on
//! screen shows the "new messages" line where the user stopped.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use quid_shared::Id;

use super::kept::KeptFile;

const FILE: &str = "read-markers.json";

/// The markers of one account on one server: the entry `"<server> <user id>"`, group ->
/// seq.
#[derive(Debug)]
pub struct ReadMarks {
    file: KeptFile<BTreeMap<Id, i64>>,
    groups: BTreeMap<Id, i64>,
}

impl ReadMarks {
    /// The markers of `user` on `server` kept in `dir`; none when the file is missing or
    /// unreadable (they are a convenience: the chat works without them).
    pub fn load(dir: &Path, server: &str, user: Id) -> ReadMarks {
        let file = KeptFile::new(dir, FILE, format!("{server} {user}"));
        let groups = file.load();
        ReadMarks { file, groups }
    }

    /// The last seq the user had seen in `group`.
    pub fn get(&self, group: Id) -> Option<i64> {
        self.groups.get(&group).copied()
    }

    /// Writes `marks` as this account's markers (the groups left out are forgotten),
    /// leaving other accounts' markers as they are.
    pub fn save(&self, marks: impl IntoIterator<Item = (Id, i64)>) -> io::Result<()> {
        self.file.save(marks.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// Markers come back for the same server and account only; saving one account keeps
    /// the others'; a damaged file reads as no markers and is replaced on save.
    #[test]
    fn markers_round_trip_per_account() {
        let dir = tempfile::tempdir().unwrap();
        let (alice, bob, group) = (Id::new_v4(), Id::new_v4(), Id::new_v4());
        let server = "http://127.0.0.1:3001";
        let marks = ReadMarks::load(dir.path(), server, alice);
        assert_eq!(marks.get(group), None);
        marks.save([(group, 7)]).unwrap();
        let other = ReadMarks::load(dir.path(), server, bob);
        other.save([(group, 3)]).unwrap();

        assert_eq!(
            ReadMarks::load(dir.path(), server, alice).get(group),
            Some(7)
        );
        assert_eq!(ReadMarks::load(dir.path(), server, bob).get(group), Some(3));
        let elsewhere = ReadMarks::load(dir.path(), "http://example.org", alice);
        assert_eq!(elsewhere.get(group), None);

        fs::write(dir.path().join(FILE), b"{not json").unwrap();
        let damaged = ReadMarks::load(dir.path(), server, alice);
        assert_eq!(damaged.get(group), None);
        damaged.save([(group, 9)]).unwrap();
        assert_eq!(
            ReadMarks::load(dir.path(), server, alice).get(group),
            Some(9)
        );
    }
}
