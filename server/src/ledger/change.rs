//! Changing a commitment: its author replaces its terms, the old version stays in its
//! history, and the group hears one `commitment` message (the change) and, if anything
//! moved, one `liability` message.

use quid_shared::{Commitment, CommitmentVersion, UserRef};
use serde_json::json;

use super::{Ledger, LedgerError, Source};
use crate::commitments::Terms;
use crate::pipeline::Pipeline;
use crate::store::commitments::{self as stored, NewCommitment};
use crate::store::groups;
use crate::store::versions::{self, Change};

impl Ledger {
    /// Replaces commitment `id`'s terms by `terms` on behalf of `by` (its creator), says
    /// so in its group, and announces the liabilities that changed.
    pub async fn change(
        &self,
        pipeline: &Pipeline,
        id: i64,
        by: UserRef,
        terms: Terms,
        source: Source,
    ) -> Result<Commitment, LedgerError> {
        let _change = self.changes.lock().await;
        let terms = terms.normalized();
        let reply_to = source.message;
        let meta = source.meta();
        let by_id = by.id;
        let changed = self
            .store
            .write(move |ctx| -> Result<Change, LedgerError> {
                let conn = ctx.conn();
                let Some(current) = stored::get(conn, id)? else {
                    return Ok(Change::NotFound);
                };
                let members = groups::members(conn, current.group)?;
                if !members.iter().any(|m| m.id == by_id) {
                    return Ok(Change::NotFound);
                }
                if current.creator.id != by_id {
                    return Ok(Change::NotCreator);
                }
                let ids: Vec<_> = members.iter().map(|m| m.id).collect();
                terms.validate(by_id, Some(&ids))?;
                let new = NewCommitment {
                    group: current.group,
                    creator: by,
                    summary: terms.summary(&members),
                    conditions: terms.conditions,
                    promises: terms.promises,
                    source_text: source.text,
                    source_message: source.message,
                    meta,
                };
                Ok(versions::change(conn, id, by_id, new)?)
            })
            .await?;
        let (before, after) = match changed {
            Change::Changed { before, after } => (*before, *after),
            Change::NotFound => return Err(LedgerError::NotFound),
            Change::NotCreator => return Err(LedgerError::NotCreator),
            Change::Revoked => return Err(LedgerError::AlreadyRevoked),
        };
        let content = format!(
            "{} changed c{}: {} (was: {})",
            after.creator.username, after.id, after.summary, before.summary
        );
        let meta = json!({
            "commitment_id": after.id,
            "changed": true,
            "version": after.version,
        });
        self.say(pipeline, after.group, content, reply_to, meta)
            .await?;
        self.announce(pipeline, after.group).await?;
        Ok(after)
    }

    /// Every version of commitment `id`, oldest first, as a member of its group (`viewer`)
    /// may see them; to anyone else it does not exist.
    pub async fn history(
        &self,
        id: i64,
        viewer: quid_shared::Id,
    ) -> Result<Vec<CommitmentVersion>, LedgerError> {
        let versions = self
            .store
            .read(move |conn| {
                let Some(commitment) = stored::get(conn, id)? else {
                    return Ok(None);
                };
                if !groups::is_member(conn, commitment.group, viewer)? {
                    return Ok(None);
                }
                versions::history(conn, &commitment).map(Some)
            })
            .await?;
        versions.ok_or(LedgerError::NotFound)
    }
}
