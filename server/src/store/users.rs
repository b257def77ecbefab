//! Account queries.

use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreError, from_ms, now_ms, parse_id};
use quid_shared::{Id, User};

/// An account with its password hash, for login.
#[derive(Debug, Clone)]
pub struct StoredUser {
    pub user: User,
    pub password_hash: String,
}

/// Creates an account; `None` when the username is taken.
pub fn insert(
    conn: &Connection,
    username: &str,
    password_hash: &str,
) -> Result<Option<User>, StoreError> {
    let taken = conn
        .prepare_cached("SELECT 1 FROM users WHERE username = ?1")?
        .exists([username])?;
    if taken {
        return Ok(None);
    }
    let id = Id::new_v4();
    let created_at = now_ms();
    conn.prepare_cached(
        "INSERT INTO users (id, username, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![id.to_string(), username, password_hash, created_at])?;
    Ok(Some(User {
        id,
        username: username.to_owned(),
        created_at: from_ms(created_at)?,
    }))
}

/// The account with this username, with its hash.
pub fn by_username(conn: &Connection, username: &str) -> Result<Option<StoredUser>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT id, username, created_at, password_hash FROM users
             WHERE username = ?1 AND deleted_at IS NULL",
        )?
        .query_row([username], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .optional()?;
    row.map(|(id, username, created_at, password_hash)| {
        Ok(StoredUser {
            user: User {
                id: parse_id(&id)?,
                username,
                created_at: from_ms(created_at)?,
            },
            password_hash,
        })
    })
    .transpose()
}

/// The account with this id.
pub fn by_id(conn: &Connection, id: Id) -> Result<Option<User>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT username, created_at FROM users WHERE id = ?1 AND deleted_at IS NULL",
        )?
        .query_row([id.to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })
        .optional()?;
    row.map(|(username, created_at)| {
        Ok(User {
            id,
            username,
            created_at: from_ms(created_at)?,
        })
    })
    .transpose()
}

/// The password hash of the (not deleted) account `id`.
pub fn password_hash(conn: &Connection, id: Id) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT password_hash FROM users WHERE id = ?1 AND deleted_at IS NULL")?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?)
}

/// Replaces the password hash of account `id`.
pub fn set_password(conn: &Connection, id: Id, password_hash: &str) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE users SET password_hash = ?2 WHERE id = ?1")?
        .execute(params![id.to_string(), password_hash])?;
    Ok(())
}

/// Marks account `id` deleted: its name is freed (replaced by one no one can register),
/// its password cleared (no hash verifies against it). The row stays for its messages.
pub fn mark_deleted(conn: &Connection, id: Id) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE users SET username = '~deleted~' || id, password_hash = '', deleted_at = ?2
         WHERE id = ?1 AND deleted_at IS NULL",
    )?
    .execute(params![id.to_string(), now_ms()])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, StoreOptions};

    /// A write closure that fails leaves no trace, and writes queued with it still commit.
    #[tokio::test]
    async fn failed_write_rolls_back_only_itself() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(
            &dir.path().join("t.db"),
            StoreOptions {
                max_batch: 64,
                readers: 1,
                writer_cache_kib: 2048,
            },
        )
        .unwrap();
        let failing = store.write(|ctx| -> Result<(), StoreError> {
            insert(ctx.conn(), "ghost", "x")?;
            Err(StoreError::Corrupt("refused on purpose".into()))
        });
        let succeeding = store.write(|ctx| insert(ctx.conn(), "alice", "x"));
        let (failed, created) = tokio::join!(failing, succeeding);
        assert!(failed.is_err());
        assert!(created.unwrap().is_some());
        let (ghost, alice) = store
            .read(|conn| Ok((by_username(conn, "ghost")?, by_username(conn, "alice")?)))
            .await
            .unwrap();
        assert!(ghost.is_none());
        assert!(alice.is_some());
        store.shutdown().await;
        // after shutdown, writes are refused instead of hanging
        let late = store.write(|ctx| insert(ctx.conn(), "late", "x")).await;
        assert!(matches!(late, Err(StoreError::Closed)));
    }
}
