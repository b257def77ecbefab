//! Session queries: a row per login, open until it expires or is ended (logout, logout
//! everywhere, a password change, account deletion). The open ones are also kept in
//! memory by [`crate::auth::Sessions`]; this table is what a restart reads them back from.

use rusqlite::{Connection, params};

use super::{StoreError, from_ms, now_ms, parse_id};
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
pub fn insert(conn: &Connection, new: &NewSession) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO sessions (id, user_id, created_at, expires_at, client, address)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        new.id.to_string(),
        new.user.to_string(),
        now_ms(),
        new.expires_at,
        new.client,
        new.address
    ])?;
    Ok(())
}

/// Ends `user`'s session `id`; `false` when it is not theirs or not open.
pub fn end(conn: &Connection, user: Id, id: Id) -> Result<bool, StoreError> {
    let changed = conn
        .prepare_cached(
            "UPDATE sessions SET ended_at = ?3
             WHERE id = ?1 AND user_id = ?2 AND ended_at IS NULL",
        )?
        .execute(params![id.to_string(), user.to_string(), now_ms()])?;
    Ok(changed == 1)
}

/// Ends every open session of `user` but `keep`; returns the ids ended.
pub fn end_all(conn: &Connection, user: Id, keep: Option<Id>) -> Result<Vec<Id>, StoreError> {
    let keep = keep.map(|k| k.to_string()).unwrap_or_default();
    let ids: Vec<String> = conn
        .prepare_cached(
            "SELECT id FROM sessions WHERE user_id = ?1 AND ended_at IS NULL AND id <> ?2",
        )?
        .query_map(params![user.to_string(), keep], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    conn.prepare_cached(
        "UPDATE sessions SET ended_at = ?3
         WHERE user_id = ?1 AND ended_at IS NULL AND id <> ?2",
    )?
    .execute(params![user.to_string(), keep, now_ms()])?;
    ids.iter().map(|id| parse_id(id)).collect()
}

/// `user`'s open sessions, newest first; `current` marks the caller's own.
pub fn list(conn: &Connection, user: Id, current: Id) -> Result<Vec<SessionInfo>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, created_at, expires_at, client, address FROM sessions
         WHERE user_id = ?1 AND ended_at IS NULL AND expires_at > ?2
         ORDER BY created_at DESC, id",
    )?;
    let rows = stmt.query_map(params![user.to_string(), now_ms()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, created_at, expires_at, client, address) = row?;
        let id = parse_id(&id)?;
        out.push(SessionInfo {
            id,
            created_at: from_ms(created_at)?,
            expires_at: from_ms(expires_at)?,
            client,
            address,
            current: id == current,
        });
    }
    Ok(out)
}

/// Every open, unexpired session as `(session, user, expires_at)`: what the server
/// accepts at start.
pub fn open(conn: &Connection) -> Result<Vec<(Id, Id, i64)>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, user_id, expires_at FROM sessions WHERE ended_at IS NULL AND expires_at > ?1",
    )?;
    let rows = stmt.query_map([now_ms()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, user, expires_at) = row?;
        out.push((parse_id(&id)?, parse_id(&user)?, expires_at));
    }
    Ok(out)
}
