//! Changing a commitment: the current version is copied into `commitment_versions` and the
//! commitment row takes the new terms (same id, so `#N` keeps naming it); and its history,
//! every version oldest first.

use rusqlite::{Connection, params};

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
pub fn change(
    conn: &Connection,
    id: i64,
    by: Id,
    new: NewCommitment,
) -> Result<Change, StoreError> {
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
    conn.prepare_cached(
        "INSERT INTO commitment_versions (commitment_id, version, conditions, promises,
             summary, source_text, source_message, meta, created_at, replaced_at)
         SELECT id, version, conditions, promises, summary, source_text, source_message,
                meta, created_at, ?2
         FROM commitments WHERE id = ?1",
    )?
    .execute(params![id, now])?;
    conn.prepare_cached(
        "UPDATE commitments SET conditions = ?2, promises = ?3, summary = ?4,
             source_text = ?5, source_message = ?6, meta = ?7, created_at = ?8,
             version = version + 1
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        to_json(&new.conditions)?,
        to_json(&new.promises)?,
        new.summary,
        new.source_text,
        new.source_message,
        meta_json(&new.meta)?,
        now,
    ])?;
    let after = get(conn, id)?
        .ok_or_else(|| StoreError::Corrupt("a changed commitment vanished".into()))?;
    Ok(Change::Changed {
        before: Box::new(before),
        after: Box::new(after),
    })
}

/// Every version of `commitment`, oldest first, the current one last.
pub fn history(
    conn: &Connection,
    commitment: &Commitment,
) -> Result<Vec<CommitmentVersion>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT version, conditions, promises, summary, source_text, meta, created_at,
                replaced_at
         FROM commitment_versions WHERE commitment_id = ?1 ORDER BY version",
    )?;
    let rows = statement.query_map([commitment.id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, i64>(6)?,
            r.get::<_, i64>(7)?,
        ))
    })?;
    let mut versions = Vec::new();
    for row in rows {
        let (version, conditions, promises, summary, source_text, meta, created, replaced) = row?;
        versions.push(CommitmentVersion {
            version: u32::try_from(version).unwrap_or(1),
            conditions: from_json(&conditions)?,
            promises: from_json(&promises)?,
            summary,
            source_text,
            meta: meta.map_or(Ok(serde_json::Value::Null), |m| from_json(&m))?,
            created_at: from_ms(created)?,
            replaced_at: Some(from_ms(replaced)?),
        });
    }
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
