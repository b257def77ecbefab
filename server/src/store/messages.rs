//! Message queries: insert (writer only, idempotent by `(author, client_id)`), lookup by
//! client id, history, replay, head — and the SQL form of the visibility rule, kept next
//! to the test that proves it agrees with [`quid_shared::Message::visible_to`].

use std::sync::LazyLock;

use rusqlite::{Connection, OptionalExtension, Row, named_params, params};

use super::{Draft, StoreError, WriteCtx, from_ms, now_ms, parse_id};
use quid_shared::{Id, Message, MessageKind, UserRef};

/// The visibility rule as SQL over `messages m`, for the viewer bound as `:viewer`:
/// public messages, and private ones the viewer wrote or receives. Must agree with
/// `Message::visible_to` (see the test below). Membership is checked by the caller.
pub const VISIBLE_TO_VIEWER: &str = "(m.private = 0 OR m.target = :viewer OR m.author = :viewer)";

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
    let inserted = ctx
        .conn()
        .prepare_cached(
            "INSERT INTO messages (group_id, seq, kind, author, content, private, target,
                                   reply_to, client_id, created_at, meta)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (author, client_id) DO NOTHING",
        )?
        .execute(params![
            new.group.to_string(),
            seq,
            new.kind.as_str(),
            new.author.as_ref().map(|a| a.id.to_string()),
            new.content,
            target.is_some(),
            target.map(|t| t.to_string()),
            new.reply_to,
            new.client_id,
            created_at,
            meta_text,
        ])?;
    if inserted == 0 {
        ctx.unuse_seq(new.group, seq);
        return Ok(None);
    }
    Ok(Some(Message {
        id: ctx.conn().last_insert_rowid(),
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
    conn: &Connection,
    author: Id,
    client_id: &str,
) -> Result<Option<Message>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE m.author = ?1 AND m.client_id = ?2");
    conn.prepare_cached(&sql)?
        .query_row([author.to_string(), client_id.to_owned()], raw)
        .optional()?
        .map(Raw::into_message)
        .transpose()
}

/// The message with this id, if it belongs to `group`.
pub fn in_group(conn: &Connection, group: Id, id: i64) -> Result<Option<Message>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE m.id = ?1 AND m.group_id = ?2");
    conn.prepare_cached(&sql)?
        .query_row(params![id, group.to_string()], raw)
        .optional()?
        .map(Raw::into_message)
        .transpose()
}

/// The message of `group` with this `seq`.
pub fn by_seq(conn: &Connection, group: Id, seq: i64) -> Result<Option<Message>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE m.group_id = ?1 AND m.seq = ?2");
    conn.prepare_cached(&sql)?
        .query_row(params![group.to_string(), seq], raw)
        .optional()?
        .map(Raw::into_message)
        .transpose()
}

/// The group's latest `seq`, 0 when it has no messages.
pub fn head(conn: &Connection, group: Id) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached("SELECT COALESCE(MAX(seq), 0) FROM messages WHERE group_id = ?1")?
        .query_row([group.to_string()], |r| r.get(0))?)
}

/// Every message of `group` with `after < seq <= upto`, ascending, whoever may see it:
/// what a node missed on the bus, read back to deliver in order (each recipient's
/// visibility is applied at delivery, as for a message published by this node).
pub fn range(
    conn: &Connection,
    group: Id,
    after: i64,
    upto: i64,
) -> Result<Vec<Message>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE m.group_id = ?1 AND m.seq > ?2 AND m.seq <= ?3
         ORDER BY m.seq ASC"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![group.to_string(), after, upto], raw)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row?.into_message()?);
    }
    Ok(out)
}

/// Messages of `group` visible to `viewer` with `seq > after`, ascending, at most `limit`.
pub fn visible_after(
    conn: &Connection,
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
    conn: &Connection,
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
    conn: &Connection,
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
         WHERE m.group_id = :group AND m.seq > :after AND m.seq < :before AND {VISIBLE_TO_VIEWER}
         ORDER BY m.seq {order} LIMIT :limit"
    )
}

static PAGE_ASC: LazyLock<String> = LazyLock::new(|| page_sql("ASC"));
static PAGE_DESC: LazyLock<String> = LazyLock::new(|| page_sql("DESC"));

fn collect(
    conn: &Connection,
    sql: &str,
    group: Id,
    viewer: Id,
    after: i64,
    before: i64,
    limit: u32,
) -> Result<Vec<Message>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(
        named_params! {
            ":group": group.to_string(),
            ":viewer": viewer.to_string(),
            ":after": after,
            ":before": before,
            ":limit": limit,
        },
        raw,
    )?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row?.into_message()?);
    }
    Ok(out)
}

/// A row as read, converted to a [`Message`] outside rusqlite's error type.
struct Raw {
    id: i64,
    group: String,
    seq: i64,
    kind: String,
    author: Option<String>,
    author_name: Option<String>,
    content: String,
    private: bool,
    target: Option<String>,
    reply_to: Option<i64>,
    client_id: Option<String>,
    created_at: i64,
    meta: String,
}

fn raw(r: &Row<'_>) -> rusqlite::Result<Raw> {
    Ok(Raw {
        id: r.get(0)?,
        group: r.get(1)?,
        seq: r.get(2)?,
        kind: r.get(3)?,
        author: r.get(4)?,
        author_name: r.get(5)?,
        content: r.get(6)?,
        private: r.get(7)?,
        target: r.get(8)?,
        reply_to: r.get(9)?,
        client_id: r.get(10)?,
        created_at: r.get(11)?,
        meta: r.get(12)?,
    })
}

impl Raw {
    fn into_message(self) -> Result<Message, StoreError> {
        let kind = MessageKind::parse(&self.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("message kind {:?}", self.kind)))?;
        let author = match (self.author, self.author_name) {
            (Some(id), Some(username)) => Some(UserRef {
                id: parse_id(&id)?,
                username,
            }),
            _ => None,
        };
        let meta = serde_json::from_str(&self.meta)
            .map_err(|e| StoreError::Corrupt(format!("message {} meta: {e}", self.id)))?;
        Ok(Message {
            id: self.id,
            group: parse_id(&self.group)?,
            seq: self.seq,
            kind,
            author,
            content: self.content,
            private: self.private,
            target: self.target.as_deref().map(parse_id).transpose()?,
            reply_to: self.reply_to,
            client_id: self.client_id,
            created_at: from_ms(self.created_at)?,
            meta,
        })
    }
}

#[cfg(test)]
#[path = "messages_tests.rs"]
mod tests;
