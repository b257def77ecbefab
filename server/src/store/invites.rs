//! Invitation queries. A code is shown once, when made; only its SHA-256 is stored, so a
//! copy of the database does not hand out ways in.

use super::sql::{Conn, SqlRow, args};
use sha2::{Digest, Sha256};

use super::{StoreError, from_ms, now_ms};
use quid_shared::{Id, Invite, UserRef};

/// The stored form of a code.
pub fn hash_code(code: &str) -> String {
    let digest = Sha256::digest(code.trim().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new invitation: its public id and its code are made by the caller.
pub struct NewInvite<'a> {
    pub id: &'a str,
    pub code: &'a str,
    pub group: Id,
    pub created_by: Id,
    /// Unix milliseconds.
    pub expires_at: i64,
    pub max_uses: Option<u32>,
}

/// Records an invitation.
pub fn insert(conn: &Conn, new: &NewInvite<'_>) -> Result<(), StoreError> {
    let hash = hash_code(new.code);
    conn.execute(
        "INSERT INTO invites (id, code_hash, group_id, created_by, created_at, expires_at, max_uses)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        args![
            new.id,
            hash.as_str(),
            new.group,
            new.created_by,
            now_ms(),
            new.expires_at,
            new.max_uses,
        ],
    )?;
    Ok(())
}

const SELECT: &str = "SELECT i.id, i.group_id, i.created_by, \
     CASE WHEN u.deleted_at IS NULL THEN u.username ELSE 'deleted user' END, \
     i.created_at, i.expires_at, i.max_uses, i.uses, i.revoked_at \
     FROM invites i JOIN users u ON u.id = i.created_by";

fn invite(r: &dyn SqlRow) -> Result<Invite, StoreError> {
    let count = |column| {
        let n = r.int(column)?;
        u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("invite count {n}")))
    };
    Ok(Invite {
        id: r.text(0)?,
        group: r.id(1)?,
        code: None,
        created_by: UserRef {
            id: r.id(2)?,
            username: r.text(3)?,
        },
        created_at: from_ms(r.int(4)?)?,
        expires_at: from_ms(r.int(5)?)?,
        max_uses: match r.opt_int(6)? {
            Some(_) => Some(count(6)?),
            None => None,
        },
        uses: count(7)?,
        revoked: r.opt_int(8)?.is_some(),
    })
}

/// The invitation `id` of `group`.
pub fn by_id(conn: &Conn, group: Id, id: &str) -> Result<Option<Invite>, StoreError> {
    let sql = format!("{SELECT} WHERE i.group_id = ?1 AND i.id = ?2");
    conn.one(&sql, args![group, id], invite)
}

/// The invitation with this code, whatever its state.
pub fn by_code(conn: &Conn, code: &str) -> Result<Option<Invite>, StoreError> {
    let sql = format!("{SELECT} WHERE i.code_hash = ?1");
    conn.one(&sql, args![hash_code(code).as_str()], invite)
}

/// Every invitation of `group`, newest first.
pub fn list(conn: &Conn, group: Id) -> Result<Vec<Invite>, StoreError> {
    let sql = format!("{SELECT} WHERE i.group_id = ?1 ORDER BY i.created_at DESC, i.id");
    conn.all(&sql, args![group], invite)
}

/// Revokes invitation `id` of `group`; `false` when there is none or it was revoked.
pub fn revoke(conn: &Conn, group: Id, id: &str) -> Result<bool, StoreError> {
    let changed = conn.execute(
        "UPDATE invites SET revoked_at = ?3
         WHERE group_id = ?1 AND id = ?2 AND revoked_at IS NULL",
        args![group, id, now_ms()],
    )?;
    Ok(changed == 1)
}

/// Counts one use of invitation `id`.
pub fn count_use(conn: &Conn, id: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE invites SET uses = uses + 1 WHERE id = ?1",
        args![id],
    )?;
    Ok(())
}
