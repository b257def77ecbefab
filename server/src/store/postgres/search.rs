//! Full-text search on PostgreSQL: a `tsvector` index over the messages' text (kept by
//! PostgreSQL in the inserting transaction; an edit rewrites the message's row, so the
//! message is found by its text as it is now, and the change messages themselves are
//! left out), queried with every word and the last one as
//! a prefix, under the same visibility rule as history.

use std::sync::LazyLock;

use crate::store::StoreError;
use crate::store::messages::visible_to;
use crate::store::sql::{Conn, args};
use quid_shared::Id;

/// The ids of the messages of `group` that `viewer` may see matching `words`, newest first.
pub(in crate::store) fn matching(
    conn: &Conn,
    group: Id,
    viewer: Id,
    words: &[&str],
    limit: u32,
) -> Result<Vec<i64>, StoreError> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT m.id FROM messages m
             WHERE to_tsvector('simple', m.content) @@ to_tsquery('simple', ?1)
               AND m.group_id = ?2 AND m.kind NOT IN ('edit', 'delete', 'reaction') AND {}
             ORDER BY m.seq DESC LIMIT ?4",
            visible_to("?3")
        )
    });
    let Some(query) = ts_query(words) else {
        return Ok(Vec::new());
    };
    conn.all(&SQL, args![query.as_str(), group, viewer, limit], |r| {
        r.int(0)
    })
}

/// `a & b & c:*`, each word quoted as a lexeme.
fn ts_query(words: &[&str]) -> Option<String> {
    let (last, rest) = words.split_last()?;
    let quote = |w: &str| format!("'{}'", w.to_lowercase().replace('\'', "''"));
    let mut parts: Vec<String> = rest.iter().map(|w| quote(w)).collect();
    parts.push(format!("{}:*", quote(last)));
    Some(parts.join(" & "))
}

#[cfg(test)]
mod tests {
    use super::ts_query;

    #[test]
    fn every_word_must_match_and_the_last_is_a_prefix() {
        assert_eq!(ts_query(&[]), None);
        assert_eq!(ts_query(&["Pizza"]), Some("'pizza':*".into()));
        assert_eq!(ts_query(&["at", "noo"]), Some("'at' & 'noo':*".into()));
    }
}
