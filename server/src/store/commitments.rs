//! Commitment queries: create, revoke, list; the open clarification question per member
//! and group; and the liabilities last announced per group. (Changing a commitment and its
//! history: [`super::versions`].)

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{StoreError, from_ms, now_ms, parse_id};
use quid_shared::{Commitment, CommitmentStatus, Condition, Id, Liability, Promise, UserRef};

const COLUMNS: &str = "c.id, c.group_id, c.creator, u.username, c.status, c.conditions, \
     c.promises, c.source_text, c.source_message, c.summary, c.created_at, c.revoked_at, c.version, c.meta";
const FROM: &str = "commitments c JOIN users u ON u.id = c.creator";

/// A commitment about to be stored.
#[derive(Debug, Clone)]
pub struct NewCommitment {
    pub group: Id,
    pub creator: UserRef,
    pub conditions: Vec<Condition>,
    pub promises: Vec<Promise>,
    pub summary: String,
    pub source_text: Option<String>,
    pub source_message: Option<i64>,
    /// How it was made (e.g. `{"reader": "rules"}`); `null` for nothing to note.
    pub meta: serde_json::Value,
}

/// What became of a request to revoke.
#[derive(Debug, Clone, PartialEq)]
pub enum Revocation {
    Revoked(Box<Commitment>),
    NotFound,
    NotCreator,
    AlreadyRevoked,
}

/// Stores a new active commitment.
pub fn insert(conn: &Connection, new: NewCommitment) -> Result<Commitment, StoreError> {
    conn.prepare_cached(
        "INSERT INTO commitments (group_id, creator, conditions, promises, source_text,
                                  source_message, summary, created_at, meta)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        new.group.to_string(),
        new.creator.id.to_string(),
        to_json(&new.conditions)?,
        to_json(&new.promises)?,
        new.source_text,
        new.source_message,
        new.summary,
        now_ms(),
        meta_json(&new.meta)?,
    ])?;
    get(conn, conn.last_insert_rowid())?
        .ok_or_else(|| StoreError::Corrupt("a stored commitment vanished".into()))
}

/// Revokes commitment `id` on behalf of `by` (who must be its creator and still a member
/// of its group). To anyone outside the group it does not exist.
pub fn revoke(conn: &Connection, id: i64, by: Id) -> Result<Revocation, StoreError> {
    let Some(commitment) = get(conn, id)? else {
        return Ok(Revocation::NotFound);
    };
    if !super::groups::is_member(conn, commitment.group, by)? {
        return Ok(Revocation::NotFound);
    }
    if commitment.creator.id != by {
        return Ok(Revocation::NotCreator);
    }
    if commitment.status == CommitmentStatus::Revoked {
        return Ok(Revocation::AlreadyRevoked);
    }
    conn.prepare_cached(
        "UPDATE commitments SET status = 'revoked', revoked_at = ?2 WHERE id = ?1",
    )?
    .execute(params![id, now_ms()])?;
    let revoked = get(conn, id)?
        .ok_or_else(|| StoreError::Corrupt("a revoked commitment vanished".into()))?;
    Ok(Revocation::Revoked(Box::new(revoked)))
}

/// One commitment.
pub fn get(conn: &Connection, id: i64) -> Result<Option<Commitment>, StoreError> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM {FROM} WHERE c.id = ?1"))?
        .query_row([id], raw)
        .optional()?
        .map(commitment)
        .transpose()
}

/// The active commitments made from message `message` (its id), oldest first.
pub fn active_from_message(conn: &Connection, message: i64) -> Result<Vec<Commitment>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE c.source_message = ?1 AND c.status = 'active' ORDER BY c.id"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map([message], raw)?;
    rows.map(|row| commitment(row?)).collect()
}

/// Every commitment of a group (active and revoked), oldest first.
pub fn in_group(conn: &Connection, group: Id) -> Result<Vec<Commitment>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE c.group_id = ?1 ORDER BY c.id");
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map([group.to_string()], raw)?;
    rows.map(|row| commitment(row?)).collect()
}

/// The active commitments of a group's current members, oldest first: what binds.
pub fn binding(conn: &Connection, group: Id) -> Result<Vec<Commitment>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {FROM}
         JOIN members m ON m.group_id = c.group_id AND m.user_id = c.creator
         WHERE c.group_id = ?1 AND c.status = 'active' ORDER BY c.id"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map([group.to_string()], raw)?;
    rows.map(|row| commitment(row?)).collect()
}

/// The open question for `user` in `group`, as stored (JSON).
pub fn pending(conn: &Connection, group: Id, user: Id) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT pending FROM clarifications WHERE group_id = ?1 AND user_id = ?2")?
        .query_row([group.to_string(), user.to_string()], |r| r.get(0))
        .optional()?)
}

/// Records the open question for `user` in `group`, replacing an earlier one.
pub fn set_pending(
    conn: &Connection,
    group: Id,
    user: Id,
    pending: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO clarifications (group_id, user_id, pending, created_at)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        group.to_string(),
        user.to_string(),
        pending,
        now_ms()
    ])?;
    Ok(())
}

/// Every open question, as `(group, user, pending, asked at)` (Unix milliseconds).
pub fn open_questions(conn: &Connection) -> Result<Vec<(Id, Id, String, i64)>, StoreError> {
    let mut statement =
        conn.prepare_cached("SELECT group_id, user_id, pending, created_at FROM clarifications")?;
    let rows = statement.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    rows.map(|row| {
        let (group, user, pending, at) = row?;
        Ok((parse_id(&group)?, parse_id(&user)?, pending, at))
    })
    .collect()
}

/// Removes and returns the open question for `user` in `group`.
pub fn take_pending(conn: &Connection, group: Id, user: Id) -> Result<Option<String>, StoreError> {
    let found = pending(conn, group, user)?;
    conn.prepare_cached("DELETE FROM clarifications WHERE group_id = ?1 AND user_id = ?2")?
        .execute([group.to_string(), user.to_string()])?;
    Ok(found)
}

/// The liabilities last announced in `group` (none before the first announcement).
pub fn announced(conn: &Connection, group: Id) -> Result<Vec<Liability>, StoreError> {
    let text: Option<String> = conn
        .prepare_cached("SELECT liabilities FROM announced_liabilities WHERE group_id = ?1")?
        .query_row([group.to_string()], |r| r.get(0))
        .optional()?;
    text.map_or(Ok(Vec::new()), |t| from_json(&t))
}

/// Records the liabilities just announced in `group`.
pub fn set_announced(
    conn: &Connection,
    group: Id,
    liabilities: &[Liability],
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO announced_liabilities (group_id, liabilities) VALUES (?1, ?2)",
    )?
    .execute(params![group.to_string(), to_json(liabilities)?])?;
    Ok(())
}

/// A row's columns, before parsing.
type RawRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    String,
    i64,
    Option<i64>,
    i64,
    Option<String>,
);

fn raw(r: &Row<'_>) -> rusqlite::Result<RawRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
        r.get(12)?,
        r.get(13)?,
    ))
}

fn commitment(row: RawRow) -> Result<Commitment, StoreError> {
    let (
        id,
        group,
        creator,
        username,
        status,
        conditions,
        promises,
        source_text,
        source_message,
        summary,
        created_at,
        revoked_at,
        version,
        meta,
    ) = row;
    Ok(Commitment {
        id,
        group: parse_id(&group)?,
        creator: UserRef {
            id: parse_id(&creator)?,
            username,
        },
        status: match status.as_str() {
            "active" => CommitmentStatus::Active,
            "revoked" => CommitmentStatus::Revoked,
            other => {
                return Err(StoreError::Corrupt(format!(
                    "commitment {id}: status {other:?}"
                )));
            }
        },
        conditions: from_json(&conditions)?,
        promises: from_json(&promises)?,
        source_text,
        source_message,
        summary,
        created_at: from_ms(created_at)?,
        revoked_at: revoked_at.map(from_ms).transpose()?,
        version: u32::try_from(version).unwrap_or(1),
        meta: meta.map_or(Ok(serde_json::Value::Null), |m| from_json(&m))?,
    })
}

/// `meta` as stored: `NULL` for nothing to note.
pub(super) fn meta_json(meta: &serde_json::Value) -> Result<Option<String>, StoreError> {
    match meta {
        serde_json::Value::Null => Ok(None),
        other => to_json(other).map(Some),
    }
}

pub(super) fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("cannot encode: {e}")))
}

pub(super) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Corrupt(format!("cannot decode {text:?}: {e}")))
}
