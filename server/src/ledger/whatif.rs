//! What an offer would do before it is made (nothing stored, nobody told), and why each
//! member is bound now: liabilities explained in one group or across all of a member's.

use quid_shared::{
    Commitment, CommitmentStatus, GroupLiabilities, Id, Liability, ProposedCommitment, UserRef,
    WhatIf,
};
use time::OffsetDateTime;

use super::{Ledger, LedgerError};
use crate::commitments::{self, Context, Detection, Detector, RuleParser, Terms, why};
use crate::store::commitments as stored;
use crate::store::groups::{self, Membership};

/// An offer to try.
#[derive(Debug, Clone)]
pub enum Proposal {
    /// Chat text, read as the chat would read it.
    Text(String),
    /// Structured terms.
    Terms(Terms),
}

impl Ledger {
    /// The liabilities in `group` now, each with `why`.
    pub async fn explained(&self, group: Id) -> Result<Vec<Liability>, LedgerError> {
        let binding = self
            .store
            .read(move |conn| stored::binding(conn, group))
            .await?;
        Ok(why::explain(&commitments::solve(&binding)?, &binding))
    }

    /// What `user` is bound to in each of their groups (groups where nothing binds them
    /// are left out), each liability with `why`.
    pub async fn mine(&self, user: Id) -> Result<Vec<GroupLiabilities>, LedgerError> {
        let groups = self
            .store
            .read(move |conn| groups::list_for_user(conn, user))
            .await?;
        let mut mine = Vec::new();
        for group in groups {
            let liabilities: Vec<Liability> = self
                .explained(group.id)
                .await?
                .into_iter()
                .filter(|l| l.user.id == user)
                .collect();
            if !liabilities.is_empty() {
                mine.push(GroupLiabilities {
                    group: group.id,
                    name: group.name,
                    liabilities,
                });
            }
        }
        Ok(mine)
    }

    /// How `proposal` by `author` in `group` reads, and the liabilities before and after it.
    pub async fn whatif(
        &self,
        group: Id,
        author: UserRef,
        proposal: Proposal,
    ) -> Result<WhatIf, LedgerError> {
        let author_id = author.id;
        let (members, binding) = self
            .store
            .read(move |conn| {
                Ok(match groups::membership(conn, group, author_id)? {
                    Membership::Member => {
                        Ok((groups::members(conn, group)?, stored::binding(conn, group)?))
                    }
                    Membership::NotMember => Err(LedgerError::NotMember),
                    Membership::NoGroup => Err(LedgerError::GroupNotFound),
                })
            })
            .await??;
        let mut proposed: Vec<Terms> = Vec::new();
        let mut withdraws = None;
        let mut replaces = None;
        let mut question = None;
        match proposal {
            Proposal::Terms(terms) => {
                let terms = terms.normalized();
                let ids: Vec<Id> = members.iter().map(|m| m.id).collect();
                terms.validate(author_id, Some(&ids))?;
                proposed.push(terms);
            }
            Proposal::Text(text) => {
                let mine: Vec<Commitment> = binding
                    .iter()
                    .filter(|c| c.creator.id == author_id)
                    .cloned()
                    .collect();
                let context = Context {
                    author: &author,
                    members: &members,
                    commitments: &mine,
                };
                match RuleParser.detect(&text, &context) {
                    Detection::Commitment(terms) => proposed.push(terms),
                    Detection::Commitments(all) => proposed.extend(all),
                    Detection::Revoke { id } => withdraws = Some(id),
                    Detection::Change { id, terms } => {
                        replaces = Some(id);
                        proposed.push(terms);
                    }
                    Detection::Clarify { question: q, .. } => question = Some(q),
                    Detection::Nothing => {}
                }
            }
        }
        let now = OffsetDateTime::now_utc();
        let mut after: Vec<Commitment> = binding
            .iter()
            .filter(|c| Some(c.id) != withdraws && Some(c.id) != replaces)
            .cloned()
            .collect();
        let mut shown = Vec::new();
        for (index, terms) in proposed.into_iter().enumerate() {
            let summary = terms.summary(&members);
            shown.push(ProposedCommitment {
                summary: summary.clone(),
                conditions: terms.conditions.clone(),
                promises: terms.promises.clone(),
            });
            after.push(Commitment {
                id: -1 - i64::try_from(index).unwrap_or(0),
                group,
                creator: author.clone(),
                status: CommitmentStatus::Active,
                conditions: terms.conditions,
                promises: terms.promises,
                source_text: None,
                source_message: None,
                summary,
                created_at: now,
                revoked_at: None,
                version: 1,
                meta: serde_json::Value::Null,
            });
        }
        let before_liabilities = why::explain(&commitments::solve(&binding)?, &binding);
        let after_liabilities = why::explain(&commitments::solve(&after)?, &after);
        let changes = commitments::diff(&before_liabilities, &after_liabilities);
        Ok(WhatIf {
            commitments: shown,
            withdraws,
            replaces,
            question,
            before: before_liabilities,
            after: after_liabilities,
            changes,
        })
    }
}
