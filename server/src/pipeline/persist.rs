//! The writer-side half of the pipeline: checks that need the database (membership,
//! recipient, reply target, idempotency), the insert, and publishing after commit.

use std::sync::Arc;

use crate::hub::{Hub, Published};
use crate::store::{WriteCtx, groups, messages};

use super::{Draft, PipelineError, Posted, Recipient};
use groups::Membership;

/// Runs inside the writer's transaction; see the module doc.
pub(super) fn persist(
    ctx: &mut WriteCtx<'_>,
    draft: Draft,
    hub: Arc<dyn Hub>,
) -> Result<Posted, PipelineError> {
    if let (Some(author), Some(client_id)) = (&draft.author, &draft.client_id) {
        if let Some(original) = messages::by_client_id(ctx.conn(), author.id, client_id)? {
            return Ok(Posted {
                message: original,
                created: false,
            });
        }
    }
    match &draft.author {
        Some(author) => match groups::membership(ctx.conn(), draft.group, author.id)? {
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
    let kind = draft.kind;
    let message = messages::insert(
        ctx,
        messages::NewMessage {
            group: draft.group,
            kind,
            author: draft.author,
            content: draft.content,
            target,
            reply_to: draft.reply_to,
            client_id: draft.client_id,
            meta: draft.meta,
        },
    )?;
    let published = Published::new(message.clone());
    let id = message.id;
    ctx.after_commit(move || {
        metrics::counter!("quid_messages_persisted_total", "kind" => kind.as_str()).increment(1);
        match published {
            Ok(published) => {
                hub.publish(published);
            }
            Err(e) => tracing::error!(error = %e, message = id, "cannot serialize message"),
        }
    });
    Ok(Posted {
        message,
        created: true,
    })
}
