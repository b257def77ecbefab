//! Changing a commitment: the current version is copied into `commitment_versions` and the
//! commitment row takes the new terms (same id, so `#N` keeps naming it); and its history,
//! every version oldest first.

use super::sql::{Conn, args};

use super::commitments::{NewCommitment, from_json, get, meta_json, to_json};
use super::{StoreError, from_ms, now_ms};
use quid_shared::{Commitment, CommitmentStatus, CommitmentVersion, Id};

/// What became of a request to change a commitment.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// The commitment as it was, and as it is now.
    Changed {
        before: Box<Commitment>,
        after: Box<Commitment>,
    },
    NotFound,
    NotCreator,
    Revoked,
}

/// Replaces commitment `id`'s terms by `new`'s on behalf of `by` (its creator, still a
/// member of its group), keeping the current version in its history.
pub fn change(conn: &Conn, id: i64, by: Id, new: NewCommitment) -> Result<Change, StoreError> {
    let Some(before) = get(conn, id)? else {
        return Ok(Change::NotFound);
    };
    if !super::groups::is_member(conn, before.group, by)? {
        return Ok(Change::NotFound);
    }
    if before.creator.id != by {
        return Ok(Change::NotCreator);
    }
    if before.status == CommitmentStatus::Revoked {
        return Ok(Change::Revoked);
    }
    let now = now_ms();
    conn.execute(
        "INSERT INTO commitment_versions (commitment_id, version, conditions, promises,
             summary, source_text, source_message, meta, created_at, replaced_at)
         SELECT id, version, conditions, promises, summary, source_text, source_message,
                meta, created_at, ?2
         FROM commitments WHERE id = ?1",
        args![id, now],
    )?;
    let (conditions, promises) = (to_json(&new.conditions)?, to_json(&new.promises)?);
    let meta = meta_json(&new.meta)?;
    conn.execute(
        "UPDATE commitments SET conditions = ?2, promises = ?3, summary = ?4,
             source_text = ?5, source_message = ?6, meta = ?7, created_at = ?8,
             version = version + 1
         WHERE id = ?1",
        args![
            id,
            conditions.as_str(),
            promises.as_str(),
            new.summary.as_str(),
            new.source_text.as_deref(),
            new.source_message,
            meta.as_deref(),
            now,
        ],
    )?;
    let after = get(conn, id)?
        .ok_or_else(|| StoreError::Corrupt("a changed commitment vanished".into()))?;
    Ok(Change::Changed {
        before: Box::new(before),
        after: Box::new(after),
    })
}

/// Every version of `commitment`, oldest first, the current one last.
pub fn history(conn: &Conn, commitment: &Commitment) -> Result<Vec<CommitmentVersion>, StoreError> {
    let mut versions = conn.all(
        "SELECT version, conditions, promises, summary, source_text, meta, created_at,
                replaced_at
         FROM commitment_versions WHERE commitment_id = ?1 ORDER BY version",
        args![commitment.id],
        |r| {
            Ok(CommitmentVersion {
                version: u32::try_from(r.int(0)?).unwrap_or(1),
                conditions: from_json(&r.text(1)?)?,
                promises: from_json(&r.text(2)?)?,
                summary: r.text(3)?,
                source_text: r.opt_text(4)?,
                meta: r
                    .opt_text(5)?
                    .map_or(Ok(serde_json::Value::Null), |m| from_json(&m))?,
                created_at: from_ms(r.int(6)?)?,
                replaced_at: Some(from_ms(r.int(7)?)?),
            })
        },
    )?;
    versions.push(CommitmentVersion {
        version: commitment.version,
        conditions: commitment.conditions.clone(),
        promises: commitment.promises.clone(),
        summary: commitment.summary.clone(),
        source_text: commitment.source_text.clone(),
        meta: commitment.meta.clone(),
        created_at: commitment.created_at,
        replaced_at: None,
    });
    Ok(versions)
}
