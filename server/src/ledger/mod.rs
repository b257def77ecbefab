//! The ledger: each group's commitments and the liabilities they make binding — the glue
//! between the pure engine in [`crate::commitments`], the store and the pipeline.
//!
//! Every change (create, revoke) runs under one lock together with the announcement that
//! follows it, so liability messages are computed against the state they describe and
//! each change is announced exactly once.
//!
//! - [`detect`] — the message hook: commitment detection off the request path, one lane
//!   per group (`lanes`); the rules and the optional model reader combined (`assist`).
//! - [`questions`] — open clarification questions, and what answers them.
//! - [`change`] — changing a commitment (a new version, the old one kept) and its history.
//! - [`whatif`] — an offer's effect before it is made; liabilities explained, in one group
//!   or across all of a member's groups.
//! - [`demo`] — the household group `quid-server --demo` sets up.

mod assist;
pub mod change;
pub mod demo;
pub mod detect;
mod lanes;
pub mod questions;
pub mod whatif;

use std::time::Duration;

use quid_shared::{Commitment, Id, Liability, LiabilityChange, MessageKind, UserRef};
use serde_json::json;
use tokio::sync::Mutex;

use crate::commitments::units::{display_unit, format_amount};
use crate::commitments::{self, ModelError, SolveError, Terms};
use crate::pipeline::{Pipeline, PipelineError};
use crate::store::commitments::{self as stored, NewCommitment, Revocation};
use crate::store::groups::{self, Membership};
use crate::store::{Draft, Store, StoreError, WriteCtx};

/// Why a ledger operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("group not found")]
    GroupNotFound,
    #[error("you are not a member of this group")]
    NotMember,
    #[error("{0}")]
    Invalid(#[from] ModelError),
    #[error("commitment not found")]
    NotFound,
    #[error("only its creator can change or revoke a commitment")]
    NotCreator,
    #[error("this commitment is already revoked")]
    AlreadyRevoked,
    #[error("the stored commitments cannot be solved: {0}")]
    Unsolvable(#[from] SolveError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
}

/// Where a commitment came from.
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub text: Option<String>,
    pub message: Option<i64>,
    /// Which reader read it: `rules`, `model`, or `api` for a structured request.
    pub reader: Option<&'static str>,
}

impl Source {
    /// The commitment's `meta`: which reader produced it.
    fn meta(&self) -> serde_json::Value {
        match self.reader {
            Some(reader) => json!({ "reader": reader }),
            None => serde_json::Value::Null,
        }
    }
}

/// The commitments of every group, and their announcements.
pub struct Ledger {
    store: Store,
    /// Serialises changes with their announcements.
    changes: Mutex<()>,
    /// Every open clarification question, mirrored from the store.
    questions: questions::Questions,
    /// How long a question waits for its answer.
    question_ttl: Duration,
}

impl Ledger {
    /// The ledger over `store`; a clarification question expires after `question_ttl`.
    pub fn new(store: Store, question_ttl: Duration) -> Ledger {
        Ledger {
            store,
            changes: Mutex::new(()),
            questions: Default::default(),
            question_ttl,
        }
    }

    /// Creates a commitment of `creator` in `group` (validated against the group's members),
    /// says so in the group, and announces the liabilities that changed.
    pub async fn create(
        &self,
        pipeline: &Pipeline,
        group: Id,
        creator: UserRef,
        terms: Terms,
        source: Source,
    ) -> Result<Commitment, LedgerError> {
        let _change = self.changes.lock().await;
        let terms = terms.normalized();
        let creator_id = creator.id;
        let reply_to = source.message;
        let meta = source.meta();
        let commitment = self
            .store
            .write(move |ctx| -> Result<Commitment, LedgerError> {
                let conn = ctx.conn();
                match groups::membership(conn, group, creator_id)? {
                    Membership::Member => {}
                    Membership::NotMember => return Err(LedgerError::NotMember),
                    Membership::NoGroup => return Err(LedgerError::GroupNotFound),
                }
                let members = groups::members(conn, group)?;
                let ids: Vec<Id> = members.iter().map(|m| m.id).collect();
                terms.validate(creator_id, Some(&ids))?;
                let summary = terms.summary(&members);
                let new = NewCommitment {
                    group,
                    creator,
                    conditions: terms.conditions,
                    promises: terms.promises,
                    summary,
                    source_text: source.text,
                    source_message: source.message,
                    meta,
                };
                Ok(stored::insert(conn, new)?)
            })
            .await?;
        let content = format!(
            "{} committed: {}",
            commitment.creator.username, commitment.summary
        );
        let meta = json!({ "commitment_id": commitment.id });
        self.say(pipeline, group, content, reply_to, meta).await?;
        self.announce(pipeline, group).await?;
        Ok(commitment)
    }

    /// Revokes commitment `id` on behalf of `by`, says so, and announces the liabilities
    /// that changed.
    pub async fn revoke(
        &self,
        pipeline: &Pipeline,
        id: i64,
        by: Id,
        reply_to: Option<i64>,
    ) -> Result<Commitment, LedgerError> {
        let _change = self.changes.lock().await;
        let revoked = match self
            .store
            .write(move |ctx| stored::revoke(ctx.conn(), id, by))
            .await?
        {
            Revocation::Revoked(commitment) => *commitment,
            Revocation::NotFound => return Err(LedgerError::NotFound),
            Revocation::NotCreator => return Err(LedgerError::NotCreator),
            Revocation::AlreadyRevoked => return Err(LedgerError::AlreadyRevoked),
        };
        let content = format!("{} withdrew: {}", revoked.creator.username, revoked.summary);
        let meta = json!({ "commitment_id": revoked.id, "revoked": true });
        self.say(pipeline, revoked.group, content, reply_to, meta)
            .await?;
        self.announce(pipeline, revoked.group).await?;
        Ok(revoked)
    }

    /// Announces what a change of `group`'s members did to its liabilities: only current
    /// members' commitments bind, so a member added or removed can bind or free others.
    pub async fn membership_changed(
        &self,
        pipeline: &Pipeline,
        group: Id,
    ) -> Result<(), LedgerError> {
        let _change = self.changes.lock().await;
        self.announce(pipeline, group).await
    }

    /// Every commitment of `group`, oldest first.
    pub async fn list(&self, group: Id) -> Result<Vec<Commitment>, LedgerError> {
        Ok(self
            .store
            .read(move |conn| stored::in_group(conn, group))
            .await?)
    }

    /// The liabilities in `group` now, each with the commitments that make it binding.
    pub async fn liabilities(&self, group: Id) -> Result<Vec<Liability>, LedgerError> {
        let binding = self
            .store
            .read(move |conn| stored::binding(conn, group))
            .await?;
        Ok(commitments::solve(&binding)?)
    }

    /// Solves `group` again and, if anything changed since the last announcement, posts
    /// one `liability` message naming every change. The message and the record of what
    /// was announced are committed together, only if nobody announced meanwhile (another
    /// node of a shared database, solving the same change): then it solves again, so each
    /// change is announced once.
    pub(crate) async fn announce(&self, pipeline: &Pipeline, group: Id) -> Result<(), LedgerError> {
        for _ in 0..ANNOUNCE_ATTEMPTS {
            let (binding, before) = self
                .store
                .read(move |conn| {
                    Ok((
                        stored::binding(conn, group)?,
                        stored::announced_text(conn, group)?,
                    ))
                })
                .await?;
            let announced = match &before {
                Some(text) => stored::from_json(text)?,
                None => Vec::new(),
            };
            let now = commitments::solve(&binding)?;
            let changes = commitments::diff(&announced, &now);
            if changes.is_empty() {
                return Ok(());
            }
            let post = Draft {
                meta: json!({ "changes": changes }),
                ..Draft::system(group, MessageKind::Liability, describe(&changes))
            };
            let guard = move |ctx: &mut WriteCtx<'_>| {
                stored::replace_announced(ctx.conn(), group, before.as_deref(), &now)
            };
            if pipeline.emit_if(post, guard).await?.is_some() {
                return Ok(());
            }
        }
        tracing::warn!(group = %group, "liabilities kept changing while being announced");
        Ok(())
    }

    /// A public `commitment` message in `group`.
    pub(crate) async fn say(
        &self,
        pipeline: &Pipeline,
        group: Id,
        content: String,
        reply_to: Option<i64>,
        meta: serde_json::Value,
    ) -> Result<(), LedgerError> {
        self.say_kind(
            pipeline,
            group,
            MessageKind::Commitment,
            content,
            reply_to,
            meta,
        )
        .await
    }

    async fn say_kind(
        &self,
        pipeline: &Pipeline,
        group: Id,
        kind: MessageKind,
        content: String,
        reply_to: Option<i64>,
        meta: serde_json::Value,
    ) -> Result<(), LedgerError> {
        let post = Draft {
            reply_to,
            meta,
            ..Draft::system(group, kind, content)
        };
        pipeline.emit(post).await?;
        Ok(())
    }
}

/// How often [`Ledger::announce`] solves again after losing a race.
const ANNOUNCE_ATTEMPTS: usize = 5;

/// "Liabilities changed: alice: work 0 → 5 hours; bob: work 3 → 0 hours".
fn describe(changes: &[LiabilityChange]) -> String {
    let parts: Vec<String> = changes
        .iter()
        .map(|c| {
            format!(
                "{}: {} {} → {} {}",
                c.user.username,
                c.action,
                format_amount(c.old),
                format_amount(c.new),
                display_unit(c.new, &c.unit)
            )
        })
        .collect();
    format!("Liabilities changed: {}", parts.join("; "))
}
