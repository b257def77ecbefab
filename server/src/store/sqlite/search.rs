//! Full-text matching on SQLite: FTS5 over the index file the indexer keeps
//! ([`super::indexer`]), attached to every reading connection as `search`.

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
            "SELECT m.id FROM search.texts JOIN messages m ON m.id = texts.rowid
             WHERE texts MATCH ?1 AND m.group_id = ?2 AND {}
             ORDER BY m.seq DESC LIMIT ?4",
            visible_to("?3")
        )
    });
    let Some(matcher) = match_expression(words) else {
        return Ok(Vec::new());
    };
    conn.all(&SQL, args![matcher.as_str(), group, viewer, limit], |r| {
        r.int(0)
    })
}

/// `"a" "b" "c"*`: every word quoted (so none is an FTS5 operator), the last a prefix.
fn match_expression(words: &[&str]) -> Option<String> {
    let (last, rest) = words.split_last()?;
    let mut expression: String = rest.iter().map(|w| format!("\"{w}\" ")).collect();
    expression.push_str(&format!("\"{last}\"*"));
    Some(expression)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_and_the_last_is_a_prefix() {
        assert_eq!(match_expression(&[]), None);
        assert_eq!(match_expression(&["pizza"]), Some("\"pizza\"*".into()));
        assert_eq!(
            match_expression(&["NEAR", "x", "OR", "y"]),
            Some("\"NEAR\" \"x\" \"OR\" \"y\"*".into())
        );
    }
}
