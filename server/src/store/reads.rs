//! How far each member has read each group, kept on the server so every device agrees,
//! and the unread counts that follow from it (exact, whatever a client has loaded).

use std::sync::LazyLock;

use super::StoreError;
use super::messages::visible_to;
use super::sql::{Conn, args};
use quid_shared::Id;

/// Moves `user`'s read position in `group` forward to `seq` (never back); returns the
/// position now kept.
pub fn mark(conn: &Conn, group: Id, user: Id, seq: i64) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO read_markers (group_id, user_id, seq) VALUES (?1, ?2, ?3)
         ON CONFLICT (group_id, user_id) DO UPDATE SET seq = CASE
             WHEN excluded.seq > read_markers.seq THEN excluded.seq ELSE read_markers.seq END",
        args![group, user, seq],
    )?;
    Ok(position(conn, group, user)?.unwrap_or(seq))
}

/// `user`'s read position in `group`; `None` when never read (e.g. added while away).
pub fn position(conn: &Conn, group: Id, user: Id) -> Result<Option<i64>, StoreError> {
    conn.int(
        "SELECT seq FROM read_markers WHERE group_id = ?1 AND user_id = ?2",
        args![group, user],
    )
}

/// Messages of `group` after `after` that `viewer` may see, wrote not themself, and that
/// are lines of their own (changes of earlier messages are not counted).
pub fn unread(conn: &Conn, group: Id, viewer: Id, after: i64) -> Result<i64, StoreError> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT COUNT(*) FROM messages m
             WHERE m.group_id = ?1 AND m.seq > ?3
               AND m.kind NOT IN ('edit', 'delete', 'reaction')
               AND (m.author IS NULL OR m.author != ?2)
               AND {}",
            visible_to("?2")
        )
    });
    Ok(conn.int(&SQL, args![group, viewer, after])?.unwrap_or(0))
}

/// Forgets `user`'s position in `group` (the membership ended).
pub fn forget(conn: &Conn, group: Id, user: Id) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM read_markers WHERE group_id = ?1 AND user_id = ?2",
        args![group, user],
    )?;
    Ok(())
}
