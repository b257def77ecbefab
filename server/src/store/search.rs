//! Full-text search (SQLite FTS5) over the messages of a group that the viewer may see:
//! the same visibility rule as history and replay, applied in the same query. The index
//! is the indexer's (`indexer.rs`), attached to every reading connection as `search`.

use rusqlite::{Connection, named_params};

use super::StoreError;
use super::messages::{self, VISIBLE_TO_VIEWER};
use quid_shared::{Id, Message};

/// The newest `limit` messages of `group` visible to `viewer` whose text matches every
/// word of `query`, newest first. Words are matched as words (prefixes for the last),
/// never as FTS5 syntax, so any text is a valid query.
pub fn search(
    conn: &Connection,
    group: Id,
    viewer: Id,
    query: &str,
    limit: u32,
) -> Result<Vec<Message>, StoreError> {
    let Some(matcher) = match_expression(query) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT m.id FROM search.texts JOIN messages m ON m.id = texts.rowid
         WHERE texts MATCH :matcher AND m.group_id = :group AND {VISIBLE_TO_VIEWER}
         ORDER BY m.seq DESC LIMIT :limit"
    );
    let ids: Vec<i64> = {
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            named_params! {
                ":matcher": matcher,
                ":group": group.to_string(),
                ":viewer": viewer.to_string(),
                ":limit": limit,
            },
            |r| r.get(0),
        )?;
        rows.collect::<Result<_, _>>()?
    };
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(message) = messages::in_group(conn, group, id)? {
            out.push(message);
        }
    }
    Ok(out)
}

/// The query's words as quoted FTS5 strings, all required, the last as a prefix.
fn match_expression(query: &str) -> Option<String> {
    let words: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\""))
        .collect();
    let (last, rest) = words.split_last()?;
    let mut expression = rest.join(" ");
    if !expression.is_empty() {
        expression.push(' ');
    }
    expression.push_str(last);
    expression.push('*');
    Some(expression)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Any text becomes a valid expression; punctuation is never FTS5 syntax.
    #[test]
    fn queries_are_words() {
        assert_eq!(match_expression("  "), None);
        assert_eq!(match_expression("pizza"), Some("\"pizza\"*".into()));
        assert_eq!(
            match_expression("NEAR(\"x\" OR y)"),
            Some("\"NEAR\" \"x\" \"OR\" \"y\"*".into())
        );
    }
}
