//! Changes of stored messages: a new text (the old one kept for its author), deletion,
//! and reactions. Each changes the message's row in place, so history shows the message
//! as it is now; the pipeline also stores the change itself as a message of its own
//! (`edit`, `delete`, `reaction`) so that live clients and replays learn of it in order.

use super::sql::{Conn, Dialect, args};
use time::format_description::well_known::Rfc3339;

use super::{StoreError, from_ms, now_ms};
use quid_shared::{Id, Message, Reactions, Version, set_reaction};

/// Replaces the text of `message`, keeping the old text as a version; returns when the
/// edit happened (RFC 3339), as it is written into `meta.edited_at`.
pub fn edit(conn: &Conn, message: &Message, content: &str) -> Result<String, StoreError> {
    let now = now_ms();
    let at = from_ms(now)?
        .format(&Rfc3339)
        .map_err(|e| StoreError::Corrupt(format!("time: {e}")))?;
    conn.execute(
        "INSERT INTO message_versions (message_id, content, replaced_at) VALUES (?1, ?2, ?3)",
        args![message.id, message.content.as_str(), now],
    )?;
    let mut meta = message.meta.clone();
    set_meta(
        &mut meta,
        "edited_at",
        serde_json::Value::String(at.clone()),
    );
    update(conn, message.id, content, &meta)?;
    Ok(at)
}

/// Empties `message` and marks it deleted; its earlier versions go with it.
pub fn delete(conn: &Conn, message: &Message) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM message_versions WHERE message_id = ?1",
        args![message.id],
    )?;
    let mut meta = message.meta.clone();
    set_meta(&mut meta, "deleted", serde_json::Value::Bool(true));
    update(conn, message.id, "", &meta)
}

/// Adds (`on`) or removes `user`'s `emoji` on `message`; `false` when that changes
/// nothing (already given, or not given).
pub fn react(
    conn: &Conn,
    message: &Message,
    user: Id,
    username: &str,
    emoji: &str,
    on: bool,
) -> Result<bool, StoreError> {
    let changed = if on {
        conn.execute(
            "INSERT INTO reactions (message_id, user_id, emoji, created_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT DO NOTHING",
            args![message.id, user, emoji, now_ms()],
        )?
    } else {
        conn.execute(
            "DELETE FROM reactions WHERE message_id = ?1 AND user_id = ?2 AND emoji = ?3",
            args![message.id, user, emoji],
        )?
    };
    if changed == 0 {
        return Ok(false);
    }
    let mut reactions: Reactions = message.reactions();
    set_reaction(&mut reactions, emoji, username, on);
    let mut meta = message.meta.clone();
    if reactions.is_empty() {
        if let Some(meta) = meta.as_object_mut() {
            meta.remove("reactions");
        }
    } else {
        set_meta(&mut meta, "reactions", serde_json::json!(reactions));
    }
    // the text is untouched: the search index is not rewritten
    conn.execute(
        "UPDATE messages SET meta = ?2 WHERE id = ?1",
        args![message.id, meta.to_string().as_str()],
    )?;
    Ok(true)
}

/// The earlier texts of message `id`, oldest first.
pub fn versions(conn: &Conn, id: i64) -> Result<Vec<Version>, StoreError> {
    // versions replaced within one millisecond keep their order: SQLite's rowid,
    // PostgreSQL's identity column
    let sql = match conn.dialect() {
        Dialect::Sqlite => {
            "SELECT content, replaced_at FROM message_versions WHERE message_id = ?1
             ORDER BY replaced_at, rowid"
        }
        Dialect::Postgres => {
            "SELECT content, replaced_at FROM message_versions WHERE message_id = ?1
             ORDER BY replaced_at, id"
        }
    };
    conn.all(sql, args![id], |r| {
        Ok(Version {
            content: r.text(0)?,
            replaced_at: from_ms(r.int(1)?)?,
        })
    })
}

fn update(conn: &Conn, id: i64, content: &str, meta: &serde_json::Value) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE messages SET content = ?2, meta = ?3 WHERE id = ?1",
        args![id, content, meta.to_string().as_str()],
    )?;
    Ok(())
}

fn set_meta(meta: &mut serde_json::Value, key: &str, value: serde_json::Value) {
    if !meta.is_object() {
        *meta = serde_json::Value::Object(Default::default());
    }
    if let Some(meta) = meta.as_object_mut() {
        meta.insert(key.to_owned(), value);
    }
}
