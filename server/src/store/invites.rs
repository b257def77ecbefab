//! Invitation queries. A code is shown once, when made; only its SHA-256 is stored, so a
//! copy of the database does not hand out ways in.

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::{StoreError, from_ms, now_ms, parse_id};
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
pub fn insert(conn: &Connection, new: &NewInvite<'_>) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO invites (id, code_hash, group_id, created_by, created_at, expires_at, max_uses)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        new.id,
        hash_code(new.code),
        new.group.to_string(),
        new.created_by.to_string(),
        now_ms(),
        new.expires_at,
        new.max_uses,
    ])?;
    Ok(())
}

const SELECT: &str = "SELECT i.id, i.group_id, i.created_by, \
     CASE WHEN u.deleted_at IS NULL THEN u.username ELSE 'deleted user' END, \
     i.created_at, i.expires_at, i.max_uses, i.uses, i.revoked_at \
     FROM invites i JOIN users u ON u.id = i.created_by";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawInvite> {
    Ok(RawInvite {
        id: r.get(0)?,
        group: r.get(1)?,
        created_by: r.get(2)?,
        creator_name: r.get(3)?,
        created_at: r.get(4)?,
        expires_at: r.get(5)?,
        max_uses: r.get(6)?,
        uses: r.get(7)?,
        revoked_at: r.get(8)?,
    })
}

struct RawInvite {
    id: String,
    group: String,
    created_by: String,
    creator_name: String,
    created_at: i64,
    expires_at: i64,
    max_uses: Option<u32>,
    uses: u32,
    revoked_at: Option<i64>,
}

impl RawInvite {
    fn into_invite(self) -> Result<Invite, StoreError> {
        Ok(Invite {
            id: self.id,
            group: parse_id(&self.group)?,
            code: None,
            created_by: UserRef {
                id: parse_id(&self.created_by)?,
                username: self.creator_name,
            },
            created_at: from_ms(self.created_at)?,
            expires_at: from_ms(self.expires_at)?,
            max_uses: self.max_uses,
            uses: self.uses,
            revoked: self.revoked_at.is_some(),
        })
    }
}

/// The invitation `id` of `group`.
pub fn by_id(conn: &Connection, group: Id, id: &str) -> Result<Option<Invite>, StoreError> {
    let sql = format!("{SELECT} WHERE i.group_id = ?1 AND i.id = ?2");
    conn.prepare_cached(&sql)?
        .query_row(params![group.to_string(), id], row)
        .optional()?
        .map(RawInvite::into_invite)
        .transpose()
}

/// The invitation with this code, whatever its state.
pub fn by_code(conn: &Connection, code: &str) -> Result<Option<Invite>, StoreError> {
    let sql = format!("{SELECT} WHERE i.code_hash = ?1");
    conn.prepare_cached(&sql)?
        .query_row([hash_code(code)], row)
        .optional()?
        .map(RawInvite::into_invite)
        .transpose()
}

/// Every invitation of `group`, newest first.
pub fn list(conn: &Connection, group: Id) -> Result<Vec<Invite>, StoreError> {
    let sql = format!("{SELECT} WHERE i.group_id = ?1 ORDER BY i.created_at DESC, i.id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let raws: Vec<RawInvite> = stmt
        .query_map([group.to_string()], row)?
        .collect::<Result<_, _>>()?;
    raws.into_iter().map(RawInvite::into_invite).collect()
}

/// Revokes invitation `id` of `group`; `false` when there is none or it was revoked.
pub fn revoke(conn: &Connection, group: Id, id: &str) -> Result<bool, StoreError> {
    let changed = conn
        .prepare_cached(
            "UPDATE invites SET revoked_at = ?3
             WHERE group_id = ?1 AND id = ?2 AND revoked_at IS NULL",
        )?
        .execute(params![group.to_string(), id, now_ms()])?;
    Ok(changed == 1)
}

/// Counts one use of invitation `id`.
pub fn count_use(conn: &Connection, id: &str) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE invites SET uses = uses + 1 WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}
