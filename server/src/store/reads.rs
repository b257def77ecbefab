//! How far each member has read each group, kept on the server so every device agrees,
//! and the unread counts that follow from it (exact, whatever a client has loaded).

use rusqlite::{Connection, OptionalExtension, named_params, params};

use super::StoreError;
use super::messages::VISIBLE_TO_VIEWER;
use quid_shared::Id;

/// Moves `user`'s read position in `group` forward to `seq` (never back); returns the
/// position now kept.
pub fn mark(conn: &Connection, group: Id, user: Id, seq: i64) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO read_markers (group_id, user_id, seq) VALUES (?1, ?2, ?3)
         ON CONFLICT (group_id, user_id) DO UPDATE SET seq = MAX(seq, excluded.seq)",
    )?
    .execute(params![group.to_string(), user.to_string(), seq])?;
    Ok(position(conn, group, user)?.unwrap_or(seq))
}

/// `user`'s read position in `group`; `None` when never read (e.g. added while away).
pub fn position(conn: &Connection, group: Id, user: Id) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT seq FROM read_markers WHERE group_id = ?1 AND user_id = ?2")?
        .query_row([group.to_string(), user.to_string()], |r| r.get(0))
        .optional()?)
}

/// Messages of `group` after `after` that `viewer` may see, wrote not themself, and that
/// are lines of their own (changes of earlier messages are not counted).
pub fn unread(conn: &Connection, group: Id, viewer: Id, after: i64) -> Result<i64, StoreError> {
    let sql = format!(
        "SELECT COUNT(*) FROM messages m
         WHERE m.group_id = :group AND m.seq > :after
           AND m.kind NOT IN ('edit', 'delete', 'reaction')
           AND (m.author IS NULL OR m.author != :viewer)
           AND {VISIBLE_TO_VIEWER}"
    );
    Ok(conn.prepare_cached(&sql)?.query_row(
        named_params! {
            ":group": group.to_string(),
            ":viewer": viewer.to_string(),
            ":after": after,
        },
        |r| r.get(0),
    )?)
}

/// Forgets `user`'s position in `group` (the membership ended).
pub fn forget(conn: &Connection, group: Id, user: Id) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM read_markers WHERE group_id = ?1 AND user_id = ?2")?
        .execute([group.to_string(), user.to_string()])?;
    Ok(())
}
