//! Changes of stored messages: a new text (the old one kept for its author), deletion,
//! and reactions. Each changes the message's row in place, so history shows the message
//! as it is now; the pipeline also stores the change itself as a message of its own
//! (`edit`, `delete`, `reaction`) so that live clients and replays learn of it in order.

use rusqlite::{Connection, params};
use time::format_description::well_known::Rfc3339;

use super::{StoreError, from_ms, now_ms};
use quid_shared::{Id, Message, Reactions, Version, set_reaction};

/// Replaces the text of `message`, keeping the old text as a version; returns when the
/// edit happened (RFC 3339), as it is written into `meta.edited_at`.
pub fn edit(conn: &Connection, message: &Message, content: &str) -> Result<String, StoreError> {
    let now = now_ms();
    let at = from_ms(now)?
        .format(&Rfc3339)
        .map_err(|e| StoreError::Corrupt(format!("time: {e}")))?;
    conn.prepare_cached(
        "INSERT INTO message_versions (message_id, content, replaced_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![message.id, message.content, now])?;
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
pub fn delete(conn: &Connection, message: &Message) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM message_versions WHERE message_id = ?1")?
        .execute([message.id])?;
    let mut meta = message.meta.clone();
    set_meta(&mut meta, "deleted", serde_json::Value::Bool(true));
    update(conn, message.id, "", &meta)
}

/// Adds (`on`) or removes `user`'s `emoji` on `message`; `false` when that changes
/// nothing (already given, or not given).
pub fn react(
    conn: &Connection,
    message: &Message,
    user: Id,
    username: &str,
    emoji: &str,
    on: bool,
) -> Result<bool, StoreError> {
    let changed = if on {
        conn.prepare_cached(
            "INSERT OR IGNORE INTO reactions (message_id, user_id, emoji, created_at)
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![message.id, user.to_string(), emoji, now_ms()])?
    } else {
        conn.prepare_cached(
            "DELETE FROM reactions WHERE message_id = ?1 AND user_id = ?2 AND emoji = ?3",
        )?
        .execute(params![message.id, user.to_string(), emoji])?
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
    conn.prepare_cached("UPDATE messages SET meta = ?2 WHERE id = ?1")?
        .execute(params![message.id, meta.to_string()])?;
    Ok(true)
}

/// The earlier texts of message `id`, oldest first.
pub fn versions(conn: &Connection, id: i64) -> Result<Vec<Version>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT content, replaced_at FROM message_versions WHERE message_id = ?1
         ORDER BY replaced_at, rowid",
    )?;
    let rows = stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (content, at) = row?;
        out.push(Version {
            content,
            replaced_at: from_ms(at)?,
        });
    }
    Ok(out)
}

fn update(
    conn: &Connection,
    id: i64,
    content: &str,
    meta: &serde_json::Value,
) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE messages SET content = ?2, meta = ?3 WHERE id = ?1")?
        .execute(params![id, content, meta.to_string()])?;
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
