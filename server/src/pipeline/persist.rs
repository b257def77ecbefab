//! The writer-side half of the pipeline: checks that need the database (membership,
//! recipient, reply target, idempotency), the insert, and publishing after commit.

use std::sync::Arc;

use quid_shared::Id;

use crate::hub::{Hub, Published};
use crate::store::{Draft, Recipient, StoreError, WriteCtx, groups, messages};

use super::{PipelineError, Posted};
use groups::Membership;

/// Runs inside the writer's transaction; see the module doc. Its one write is the insert,
/// made last, so it runs without a savepoint ([`Store::write_one`](crate::store::Store::write_one)).
///
/// A retry (same author and `client_id`) is answered with the original message, whatever
/// changed since: the insert itself finds it (unique index), and so does a failing check,
/// so a new message pays for no lookup.
pub(super) fn persist(
    ctx: &mut WriteCtx<'_>,
    draft: Draft,
    hub: Arc<dyn Hub>,
) -> Result<Posted, PipelineError> {
    let target = match check(ctx, &draft) {
        Ok(target) => target,
        Err(e) => {
            let author = draft.author.as_ref().map(|a| a.id);
            return original(ctx, author, draft.client_id.as_deref())?.ok_or(e);
        }
    };
    let kind = draft.kind;
    let retry = (draft.author.as_ref().map(|a| a.id), draft.client_id.clone());
    let inserted = messages::insert(ctx, draft, target)?;
    let Some(message) = inserted else {
        return original(ctx, retry.0, retry.1.as_deref())?.ok_or_else(|| {
            PipelineError::Store(StoreError::Corrupt(
                "a message with this client id exists but cannot be read".into(),
            ))
        });
    };
    let published = match Published::new(message.clone()) {
        Ok(published) => Some(published),
        Err(e) => {
            tracing::error!(error = %e, message = message.id, "cannot serialize message");
            None
        }
    };
    let publish = published.clone();
    ctx.after_commit(move || {
        metrics::counter!("quid_messages_persisted_total", "kind" => kind.as_str()).increment(1);
        if let Some(published) = publish {
            hub.publish(published);
        }
    });
    Ok(Posted {
        message,
        created: true,
        published,
    })
}

/// The checks that need the database: membership (or the group, for the server's own
/// messages), the private recipient, the reply target. Returns the recipient's id.
fn check(ctx: &mut WriteCtx<'_>, draft: &Draft) -> Result<Option<Id>, PipelineError> {
    match &draft.author {
        Some(author) => match ctx.membership(draft.group, author.id)? {
            Membership::Member => {}
            Membership::NotMember => return Err(PipelineError::NotMember),
            Membership::NoGroup => return Err(PipelineError::GroupNotFound),
        },
        None => {
            if !groups::exists(ctx.conn(), draft.group)? {
                return Err(PipelineError::GroupNotFound);
            }
        }
    }
    let target = match &draft.to {
        None => None,
        Some(recipient) => {
            let who = match recipient {
                Recipient::Named(name) => name.trim().to_owned(),
                Recipient::Id(id) => id.to_string(),
            };
            let member = groups::find_member(ctx.conn(), draft.group, &who)?.ok_or_else(|| {
                PipelineError::Invalid(format!("`to`: {who} is not a member of this group"))
            })?;
            Some(member.id)
        }
    };
    if let Some(reply_to) = draft.reply_to {
        let visible = messages::in_group(ctx.conn(), draft.group, reply_to)?
            .is_some_and(|m| draft.author.as_ref().is_none_or(|a| m.visible_to(a.id)));
        if !visible {
            return Err(PipelineError::Invalid(format!(
                "reply_to: message {reply_to} is not in this group"
            )));
        }
    }
    Ok(target)
}

/// The message `author` already sent with `client_id`, as a retry's answer.
fn original(
    ctx: &WriteCtx<'_>,
    author: Option<Id>,
    client_id: Option<&str>,
) -> Result<Option<Posted>, StoreError> {
    let (Some(author), Some(client_id)) = (author, client_id) else {
        return Ok(None);
    };
    Ok(
        messages::by_client_id(ctx.conn(), author, client_id)?.map(|message| Posted {
            message,
            created: false,
            published: None,
        }),
    )
}
