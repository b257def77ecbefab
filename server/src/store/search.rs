//! Full-text search over the messages of a group that the viewer may see: the same
//! visibility rule as history and replay, applied in the same query. Each engine matches
//! in its own way (SQLite: FTS5 in an index file of its own; PostgreSQL: a `tsvector`
//! index); a query is a list of words, all of which must match, the last as a prefix.

use super::StoreError;
use super::messages;
use super::sql::{Conn, Dialect};
use quid_shared::{Id, Message};

/// The messages of `group` that `viewer` may see and that match `query`, newest first.
pub fn search(
    conn: &Conn,
    group: Id,
    viewer: Id,
    query: &str,
    limit: u32,
) -> Result<Vec<Message>, StoreError> {
    let words = words(query);
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let ids = match conn.dialect() {
        Dialect::Sqlite => super::sqlite::search::matching(conn, group, viewer, &words, limit)?,
        Dialect::Postgres => super::postgres::search::matching(conn, group, viewer, &words, limit)?,
    };
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(message) = messages::in_group(conn, group, id)? {
            out.push(message);
        }
    }
    Ok(out)
}

/// The words of a query: runs of letters and digits; everything else (operators,
/// quotes, punctuation) only separates them.
fn words(query: &str) -> Vec<&str> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_words() {
        assert!(words("  ").is_empty());
        assert_eq!(words("pizza"), ["pizza"]);
        assert_eq!(words("NEAR(\"x\" OR y)"), ["NEAR", "x", "OR", "y"]);
    }
}
