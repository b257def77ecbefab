//! Commitment queries: create, revoke, list; the open clarification question per member
//! and group; and the liabilities last announced per group. (Changing a commitment and its
//! history: [`super::versions`].)

use super::sql::{Conn, SqlRow, args};

use super::{StoreError, from_ms, now_ms};
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
pub fn insert(conn: &Conn, new: NewCommitment) -> Result<Commitment, StoreError> {
    let (conditions, promises) = (to_json(&new.conditions)?, to_json(&new.promises)?);
    let meta = meta_json(&new.meta)?;
    let id = conn
        .insert(
            "INSERT INTO commitments (group_id, creator, conditions, promises, source_text,
                                      source_message, summary, created_at, meta)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            args![
                new.group,
                new.creator.id,
                conditions.as_str(),
                promises.as_str(),
                new.source_text.as_deref(),
                new.source_message,
                new.summary.as_str(),
                now_ms(),
                meta.as_deref(),
            ],
        )?
        .ok_or_else(|| StoreError::Corrupt("an insert returned no id".into()))?;
    get(conn, id)?.ok_or_else(|| StoreError::Corrupt("a stored commitment vanished".into()))
}

/// Revokes commitment `id` on behalf of `by` (who must be its creator and still a member
/// of its group). To anyone outside the group it does not exist.
pub fn revoke(conn: &Conn, id: i64, by: Id) -> Result<Revocation, StoreError> {
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
    conn.execute(
        "UPDATE commitments SET status = 'revoked', revoked_at = ?2 WHERE id = ?1",
        args![id, now_ms()],
    )?;
    let revoked = get(conn, id)?
        .ok_or_else(|| StoreError::Corrupt("a revoked commitment vanished".into()))?;
    Ok(Revocation::Revoked(Box::new(revoked)))
}

/// One commitment.
pub fn get(conn: &Conn, id: i64) -> Result<Option<Commitment>, StoreError> {
    conn.one(
        &format!("SELECT {COLUMNS} FROM {FROM} WHERE c.id = ?1"),
        args![id],
        commitment,
    )
}

/// The active commitments made from message `message` (its id), oldest first.
pub fn active_from_message(conn: &Conn, message: i64) -> Result<Vec<Commitment>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE c.source_message = ?1 AND c.status = 'active' ORDER BY c.id"
    );
    conn.all(&sql, args![message], commitment)
}

/// Every commitment of a group (active and revoked), oldest first.
pub fn in_group(conn: &Conn, group: Id) -> Result<Vec<Commitment>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE c.group_id = ?1 ORDER BY c.id");
    conn.all(&sql, args![group], commitment)
}

/// The active commitments of a group's current members, oldest first: what binds.
pub fn binding(conn: &Conn, group: Id) -> Result<Vec<Commitment>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {FROM}
         JOIN members m ON m.group_id = c.group_id AND m.user_id = c.creator
         WHERE c.group_id = ?1 AND c.status = 'active' ORDER BY c.id"
    );
    conn.all(&sql, args![group], commitment)
}

/// The open question for `user` in `group`, as stored (JSON).
pub fn pending(conn: &Conn, group: Id, user: Id) -> Result<Option<String>, StoreError> {
    conn.text(
        "SELECT pending FROM clarifications WHERE group_id = ?1 AND user_id = ?2",
        args![group, user],
    )
}

/// Records the open question for `user` in `group`, replacing an earlier one.
/// The open question of `user` in `group` with when it was asked (Unix ms).
pub fn pending_row(conn: &Conn, group: Id, user: Id) -> Result<Option<(String, i64)>, StoreError> {
    conn.one(
        "SELECT pending, created_at FROM clarifications WHERE group_id = ?1 AND user_id = ?2",
        args![group, user],
        |r| Ok((r.text(0)?, r.int(1)?)),
    )
}

pub fn set_pending(conn: &Conn, group: Id, user: Id, pending: &str) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO clarifications (group_id, user_id, pending, created_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (group_id, user_id)
         DO UPDATE SET pending = excluded.pending, created_at = excluded.created_at",
        args![group, user, pending, now_ms()],
    )?;
    Ok(())
}

/// Every open question, as `(group, user, pending, asked at)` (Unix milliseconds).
pub fn open_questions(conn: &Conn) -> Result<Vec<(Id, Id, String, i64)>, StoreError> {
    conn.all(
        "SELECT group_id, user_id, pending, created_at FROM clarifications",
        args![],
        |r| Ok((r.id(0)?, r.id(1)?, r.text(2)?, r.int(3)?)),
    )
}

/// Removes and returns the open question for `user` in `group`.
pub fn take_pending(conn: &Conn, group: Id, user: Id) -> Result<Option<String>, StoreError> {
    let found = pending(conn, group, user)?;
    conn.execute(
        "DELETE FROM clarifications WHERE group_id = ?1 AND user_id = ?2",
        args![group, user],
    )?;
    Ok(found)
}

/// The liabilities last announced in `group` (none before the first announcement).
pub fn announced(conn: &Conn, group: Id) -> Result<Vec<Liability>, StoreError> {
    announced_text(conn, group)?.map_or(Ok(Vec::new()), |t| from_json(&t))
}

/// The liabilities last announced in `group`, as stored (`None`: never announced).
pub fn announced_text(conn: &Conn, group: Id) -> Result<Option<String>, StoreError> {
    conn.text(
        "SELECT liabilities FROM announced_liabilities WHERE group_id = ?1",
        args![group],
    )
}

/// Records `now` as announced in `group` if what is announced is still `before` (as read
/// by [`announced_text`]); `false` when another announcement came first. Two nodes that
/// solved the same change race here, and only one of them announces it.
pub fn replace_announced(
    conn: &Conn,
    group: Id,
    before: Option<&str>,
    now: &[Liability],
) -> Result<bool, StoreError> {
    let json = to_json(now)?;
    let changed = match before {
        Some(before) => conn.execute(
            "UPDATE announced_liabilities SET liabilities = ?3
             WHERE group_id = ?1 AND liabilities = ?2",
            args![group, before, json.as_str()],
        )?,
        None => conn.execute(
            "INSERT INTO announced_liabilities (group_id, liabilities) VALUES (?1, ?2)
             ON CONFLICT (group_id) DO NOTHING",
            args![group, json.as_str()],
        )?,
    };
    Ok(changed == 1)
}

/// A row's columns, before parsing.
/// A row of [`COLUMNS`] as a [`Commitment`].
fn commitment(r: &dyn SqlRow) -> Result<Commitment, StoreError> {
    let id = r.int(0)?;
    let status = r.text(4)?;
    Ok(Commitment {
        id,
        group: r.id(1)?,
        creator: UserRef {
            id: r.id(2)?,
            username: r.text(3)?,
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
        conditions: from_json(&r.text(5)?)?,
        promises: from_json(&r.text(6)?)?,
        source_text: r.opt_text(7)?,
        source_message: r.opt_int(8)?,
        summary: r.text(9)?,
        created_at: from_ms(r.int(10)?)?,
        revoked_at: r.opt_int(11)?.map(from_ms).transpose()?,
        version: u32::try_from(r.int(12)?).unwrap_or(1),
        meta: r
            .opt_text(13)?
            .map_or(Ok(serde_json::Value::Null), |m| from_json(&m))?,
    })
}

pub(super) fn meta_json(meta: &serde_json::Value) -> Result<Option<String>, StoreError> {
    match meta {
        serde_json::Value::Null => Ok(None),
        other => to_json(other).map(Some),
    }
}

pub(super) fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("cannot encode: {e}")))
}

pub fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Corrupt(format!("cannot decode {text:?}: {e}")))
}
