//! Account queries.

use super::sql::{Conn, args};

use super::{StoreError, from_ms, now_ms};
use quid_shared::{Id, User};

/// An account with its password hash, for login.
#[derive(Debug, Clone)]
pub struct StoredUser {
    pub user: User,
    pub password_hash: String,
}

/// Creates an account; `None` when the username is taken.
pub fn insert(
    conn: &Conn,
    username: &str,
    password_hash: &str,
) -> Result<Option<User>, StoreError> {
    let taken = conn.exists("SELECT 1 FROM users WHERE username = ?1", args![username])?;
    if taken {
        return Ok(None);
    }
    let id = Id::new_v4();
    let created_at = now_ms();
    conn.execute(
        "INSERT INTO users (id, username, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
        args![id, username, password_hash, created_at],
    )?;
    Ok(Some(User {
        id,
        username: username.to_owned(),
        created_at: from_ms(created_at)?,
    }))
}

/// The account with this username, with its hash.
pub fn by_username(conn: &Conn, username: &str) -> Result<Option<StoredUser>, StoreError> {
    conn.one(
        "SELECT id, username, created_at, password_hash FROM users
         WHERE username = ?1 AND deleted_at IS NULL",
        args![username],
        |r| {
            Ok(StoredUser {
                user: User {
                    id: r.id(0)?,
                    username: r.text(1)?,
                    created_at: from_ms(r.int(2)?)?,
                },
                password_hash: r.text(3)?,
            })
        },
    )
}

/// The account with this id.
pub fn by_id(conn: &Conn, id: Id) -> Result<Option<User>, StoreError> {
    conn.one(
        "SELECT username, created_at FROM users WHERE id = ?1 AND deleted_at IS NULL",
        args![id],
        |r| {
            Ok(User {
                id,
                username: r.text(0)?,
                created_at: from_ms(r.int(1)?)?,
            })
        },
    )
}

/// The password hash of the (not deleted) account `id`.
pub fn password_hash(conn: &Conn, id: Id) -> Result<Option<String>, StoreError> {
    conn.text(
        "SELECT password_hash FROM users WHERE id = ?1 AND deleted_at IS NULL",
        args![id],
    )
}

/// Replaces the password hash of account `id`.
pub fn set_password(conn: &Conn, id: Id, password_hash: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE users SET password_hash = ?2 WHERE id = ?1",
        args![id, password_hash],
    )?;
    Ok(())
}

/// Marks account `id` deleted: its name is freed (replaced by one no one can register),
/// its password cleared (no hash verifies against it). The row stays for its messages.
pub fn mark_deleted(conn: &Conn, id: Id) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE users SET username = '~deleted~' || id, password_hash = '', deleted_at = ?2
         WHERE id = ?1 AND deleted_at IS NULL",
        args![id, now_ms()],
    )?;
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
                with_bus: false,
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
