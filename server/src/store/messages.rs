//! Message queries: insert (writer only, idempotent by `(author, client_id)`), lookup by
//! client id, history, replay, head — and the SQL form of the visibility rule, kept next
//! to the test that proves it agrees with [`quid_shared::Message::visible_to`].

use std::sync::LazyLock;

use super::sql::{Conn, SqlRow, args};
use super::{Draft, StoreError, WriteCtx, from_ms, now_ms, parse_id};
use quid_shared::{Id, Message, MessageKind, UserRef};

/// The visibility rule as SQL over `messages m`, for the viewer bound as parameter
/// `viewer` (e.g. `"?3"`): public messages, and private ones the viewer wrote or
/// receives. Must agree with `Message::visible_to` (see the test below). Membership is
/// checked by the caller.
pub fn visible_to(viewer: &str) -> String {
    format!("(m.private = 0 OR m.target = {viewer} OR m.author = {viewer})")
}

/// A deleted account's messages stay, shown as from "deleted user".
const COLUMNS: &str = "m.id, m.group_id, m.seq, m.kind, m.author, \
     CASE WHEN u.deleted_at IS NULL THEN u.username ELSE 'deleted user' END, m.content, \
     m.private, m.target, m.reply_to, m.client_id, m.created_at, m.meta";
const FROM: &str = "messages m LEFT JOIN users u ON u.id = m.author";

/// Stores `new` (private to `target`, its recipient resolved) with the group's next `seq`
/// and returns it as delivered; `None` (and nothing stored, no `seq` used) when its author
/// already sent a message with the same `client_id` — the unique index decides, so a new
/// message needs no lookup first.
pub fn insert(
    ctx: &mut WriteCtx<'_>,
    new: Draft,
    target: Option<Id>,
) -> Result<Option<Message>, StoreError> {
    let seq = ctx.next_seq(new.group)?;
    let created_at = now_ms();
    let created = from_ms(created_at)?;
    let meta = if new.meta.is_null() {
        serde_json::Value::Object(Default::default())
    } else {
        new.meta
    };
    let meta_text = meta.to_string();
    let inserted = ctx.conn().insert(
        "INSERT INTO messages (group_id, seq, kind, author, content, private, target,
                               reply_to, client_id, created_at, meta)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (author, client_id) DO NOTHING",
        args![
            new.group,
            seq,
            new.kind.as_str(),
            new.author.as_ref().map(|a| a.id),
            new.content.as_str(),
            target.is_some(),
            target,
            new.reply_to,
            new.client_id.as_deref(),
            created_at,
            meta_text.as_str(),
        ],
    )?;
    let Some(id) = inserted else {
        ctx.unuse_seq(new.group, seq)?;
        return Ok(None);
    };
    Ok(Some(Message {
        id,
        group: new.group,
        seq,
        kind: new.kind,
        author: new.author,
        content: new.content,
        private: target.is_some(),
        target,
        reply_to: new.reply_to,
        client_id: new.client_id,
        created_at: created,
        meta,
    }))
}

/// The message `author` already sent with `client_id`, if any (idempotent retries).
pub fn by_client_id(
    conn: &Conn,
    author: Id,
    client_id: &str,
) -> Result<Option<Message>, StoreError> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!("SELECT {COLUMNS} FROM {FROM} WHERE m.author = ?1 AND m.client_id = ?2")
    });
    conn.one(&SQL, args![author, client_id], message)
}

/// The message with this id, if it belongs to `group`.
pub fn in_group(conn: &Conn, group: Id, id: i64) -> Result<Option<Message>, StoreError> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!("SELECT {COLUMNS} FROM {FROM} WHERE m.id = ?1 AND m.group_id = ?2")
    });
    conn.one(&SQL, args![id, group], message)
}

/// The message of `group` with this `seq`.
pub fn by_seq(conn: &Conn, group: Id, seq: i64) -> Result<Option<Message>, StoreError> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!("SELECT {COLUMNS} FROM {FROM} WHERE m.group_id = ?1 AND m.seq = ?2")
    });
    conn.one(&SQL, args![group, seq], message)
}

/// Every message of `group` with `after < seq <= upto`, ascending, whoever may see them
/// (for delivery, which applies the visibility rule per connection).
pub fn range(conn: &Conn, group: Id, after: i64, upto: i64) -> Result<Vec<Message>, StoreError> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT {COLUMNS} FROM {FROM} WHERE m.group_id = ?1 AND m.seq > ?2 AND m.seq <= ?3
             ORDER BY m.seq"
        )
    });
    conn.all(&SQL, args![group, after, upto], message)
}

/// The group's latest `seq`, 0 when it has no messages.
pub fn head(conn: &Conn, group: Id) -> Result<i64, StoreError> {
    Ok(conn
        .int(
            "SELECT COALESCE(MAX(seq), 0) FROM messages WHERE group_id = ?1",
            args![group],
        )?
        .unwrap_or(0))
}

/// Messages of `group` visible to `viewer` with `seq > after`, ascending, at most `limit`.
pub fn visible_after(
    conn: &Conn,
    group: Id,
    viewer: Id,
    after: i64,
    limit: u32,
) -> Result<Vec<Message>, StoreError> {
    visible_between(conn, group, viewer, after, i64::MAX, limit)
}

/// Messages of `group` visible to `viewer` with `seq < before`, the newest `limit` of
/// them, returned ascending.
pub fn visible_before(
    conn: &Conn,
    group: Id,
    viewer: Id,
    before: i64,
    limit: u32,
) -> Result<Vec<Message>, StoreError> {
    let mut out = collect(conn, &PAGE_DESC, group, viewer, 0, before, limit)?;
    out.reverse();
    Ok(out)
}

/// Messages of `group` visible to `viewer` with `after < seq < before`, ascending.
pub fn visible_between(
    conn: &Conn,
    group: Id,
    viewer: Id,
    after: i64,
    before: i64,
    limit: u32,
) -> Result<Vec<Message>, StoreError> {
    collect(conn, &PAGE_ASC, group, viewer, after, before, limit)
}

/// The page query in either order, built once: `after < seq < before`, visible only.
fn page_sql(order: &str) -> String {
    format!(
        "SELECT {COLUMNS} FROM {FROM}
         WHERE m.group_id = ?1 AND m.seq > ?3 AND m.seq < ?4 AND {}
         ORDER BY m.seq {order} LIMIT ?5",
        visible_to("?2")
    )
}

static PAGE_ASC: LazyLock<String> = LazyLock::new(|| page_sql("ASC"));
static PAGE_DESC: LazyLock<String> = LazyLock::new(|| page_sql("DESC"));

fn collect(
    conn: &Conn,
    sql: &str,
    group: Id,
    viewer: Id,
    after: i64,
    before: i64,
    limit: u32,
) -> Result<Vec<Message>, StoreError> {
    conn.all(sql, args![group, viewer, after, before, limit], message)
}

/// A row of [`COLUMNS`] as a [`Message`].
fn message(r: &dyn SqlRow) -> Result<Message, StoreError> {
    let id = r.int(0)?;
    let kind = r.text(3)?;
    let kind = MessageKind::parse(&kind)
        .ok_or_else(|| StoreError::Corrupt(format!("message kind {kind:?}")))?;
    let author = match (r.opt_text(4)?, r.opt_text(5)?) {
        (Some(author), Some(username)) => Some(UserRef {
            id: parse_id(&author)?,
            username,
        }),
        _ => None,
    };
    let meta = r.text(12)?;
    let meta = serde_json::from_str(&meta)
        .map_err(|e| StoreError::Corrupt(format!("message {id} meta: {e}")))?;
    Ok(Message {
        id,
        group: r.id(1)?,
        seq: r.int(2)?,
        kind,
        author,
        content: r.text(6)?,
        private: r.flag(7)?,
        target: r.opt_id(8)?,
        reply_to: r.opt_int(9)?,
        client_id: r.opt_text(10)?,
        created_at: from_ms(r.int(11)?)?,
        meta,
    })
}

#[cfg(test)]
#[path = "messages_tests.rs"]
mod tests;
