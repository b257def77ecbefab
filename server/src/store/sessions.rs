//! Session queries: a row per login, open until it expires or is ended (logout, logout
//! everywhere, a password change, account deletion). The open ones are also kept in
//! memory by [`crate::auth::Sessions`]; this table is what a restart reads them back from.

use super::sql::{Conn, args};

use super::{StoreError, from_ms, now_ms};
use quid_shared::{Id, SessionInfo};

/// A new session, as login writes it.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: Id,
    pub user: Id,
    /// Unix milliseconds.
    pub expires_at: i64,
    pub client: Option<String>,
    pub address: Option<String>,
}

/// Records a new open session.
pub fn insert(conn: &Conn, new: &NewSession) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO sessions (id, user_id, created_at, expires_at, client, address)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        args![
            new.id,
            new.user,
            now_ms(),
            new.expires_at,
            new.client.as_deref(),
            new.address.as_deref()
        ],
    )?;
    Ok(())
}

/// Ends `user`'s session `id`; `false` when it is not theirs or not open.
pub fn end(conn: &Conn, user: Id, id: Id) -> Result<bool, StoreError> {
    let changed = conn.execute(
        "UPDATE sessions SET ended_at = ?3
         WHERE id = ?1 AND user_id = ?2 AND ended_at IS NULL",
        args![id, user, now_ms()],
    )?;
    Ok(changed == 1)
}

/// Ends every open session of `user` but `keep`; returns the ids ended.
pub fn end_all(conn: &Conn, user: Id, keep: Option<Id>) -> Result<Vec<Id>, StoreError> {
    let keep = keep.map(|k| k.to_string()).unwrap_or_default();
    let ids = conn.all(
        "SELECT id FROM sessions WHERE user_id = ?1 AND ended_at IS NULL AND id <> ?2",
        args![user, keep.as_str()],
        |r| r.id(0),
    )?;
    conn.execute(
        "UPDATE sessions SET ended_at = ?3
         WHERE user_id = ?1 AND ended_at IS NULL AND id <> ?2",
        args![user, keep.as_str(), now_ms()],
    )?;
    Ok(ids)
}

/// `user`'s open sessions, newest first; `current` marks the caller's own.
pub fn list(conn: &Conn, user: Id, current: Id) -> Result<Vec<SessionInfo>, StoreError> {
    conn.all(
        "SELECT id, created_at, expires_at, client, address FROM sessions
         WHERE user_id = ?1 AND ended_at IS NULL AND expires_at > ?2
         ORDER BY created_at DESC, id",
        args![user, now_ms()],
        |r| {
            let id = r.id(0)?;
            Ok(SessionInfo {
                id,
                created_at: from_ms(r.int(1)?)?,
                expires_at: from_ms(r.int(2)?)?,
                client: r.opt_text(3)?,
                address: r.opt_text(4)?,
                current: id == current,
            })
        },
    )
}

/// Every open, unexpired session as `(session, user, expires_at)`: what the server
/// accepts at start.
pub fn open(conn: &Conn) -> Result<Vec<(Id, Id, i64)>, StoreError> {
    conn.all(
        "SELECT id, user_id, expires_at FROM sessions WHERE ended_at IS NULL AND expires_at > ?1",
        args![now_ms()],
        |r| Ok((r.id(0)?, r.id(1)?, r.int(2)?)),
    )
}

/// When session `id` of `user` expires, if it is open: for a node that did not see it
/// opened (another node of a shared database did).
pub fn open_one(conn: &Conn, id: Id, user: Id) -> Result<Option<i64>, StoreError> {
    conn.int(
        "SELECT expires_at FROM sessions
         WHERE id = ?1 AND user_id = ?2 AND ended_at IS NULL AND expires_at > ?3",
        args![id, user, now_ms()],
    )
}

/// The sessions ended at `since` or later (Unix ms), with when the last of them ended.
pub fn ended_since(conn: &Conn, since: i64) -> Result<Vec<(Id, i64)>, StoreError> {
    conn.all(
        "SELECT id, ended_at FROM sessions WHERE ended_at >= ?1",
        args![since],
        |r| Ok((r.id(0)?, r.int(1)?)),
    )
}
