//! The writer-side half of the pipeline: checks that need the database (membership,
//! recipient, reply target, idempotency), the insert, and publishing after commit.

use std::sync::Arc;

use quid_shared::{Id, Message};

use crate::bus::Bus;
use crate::hub::Published;
use crate::store::{Draft, Recipient, StoreError, WriteCtx, groups, messages};

use super::{PipelineError, Posted};
use groups::Membership;

/// Called with a new message after its commit, before it is published.
pub(super) type Stored = Box<dyn FnOnce(&Message) + Send>;

/// Settles what a member's draft is (an answer to a question?) in the transaction, first.
pub(super) type Decide = Box<dyn FnOnce(&mut WriteCtx<'_>, &mut Draft) + Send>;

/// Runs inside the writer's transaction; see the module doc. Its one write is the insert,
/// made last, so it runs without a savepoint ([`Store::write_one`](crate::store::Store::write_one)).
///
/// A retry (same author and `client_id`, same group, content and `reply_to`) is answered
/// with the original message, whatever changed since: the insert itself finds it (unique
/// index), and so does a failing check, so a new message pays for no lookup. The same
/// key with another group, content or `reply_to` is a conflict, never answered with the
/// earlier message (the client would take its new one for sent).
pub(super) fn persist(
    ctx: &mut WriteCtx<'_>,
    mut draft: Draft,
    bus: Arc<dyn Bus>,
    stored: Option<Stored>,
    decide: Option<Decide>,
) -> Result<Posted, PipelineError> {
    if let Some(decide) = decide {
        decide(ctx, &mut draft);
    }
    let retry = Retry::of(&draft);
    let target = match check(ctx, &draft) {
        Ok(target) => target,
        Err(e) => {
            return match earlier(ctx, retry.as_ref())? {
                Earlier::Same(original) => Ok(original),
                Earlier::None | Earlier::Other(_) => Err(e),
            };
        }
    };
    let inserted = messages::insert(ctx, draft, target)?;
    let Some(message) = inserted else {
        return match earlier(ctx, retry.as_ref())? {
            Earlier::Same(original) => Ok(original),
            Earlier::Other(client_id) => Err(PipelineError::Conflict(format!(
                "client_id {client_id} was already used for another message; \
                 give every message a fresh one"
            ))),
            Earlier::None => Err(PipelineError::Store(StoreError::Corrupt(
                "a message with this client id exists but cannot be read".into(),
            ))),
        };
    };
    let published = publish_after_commit(ctx, &message, bus, stored);
    Ok(Posted {
        message,
        created: true,
        published,
    })
}

/// After the commit: counts the message, calls `stored`, and publishes it through the
/// bus (on one node: straight to the hub, on the writer thread).
/// Returns what will be published (with its serialized frame).
pub(super) fn publish_after_commit(
    ctx: &mut WriteCtx<'_>,
    message: &Message,
    bus: Arc<dyn Bus>,
    stored: Option<Stored>,
) -> Option<Arc<Published>> {
    let kind = message.kind;
    let published = match Published::new(message.clone()) {
        Ok(published) => Some(published),
        Err(e) => {
            tracing::error!(error = %e, message = message.id, "cannot serialize message");
            None
        }
    };
    let publish = published.clone();
    let stored = stored.map(|call| (call, message.clone()));
    ctx.after_commit(move || {
        metrics::counter!("quid_messages_persisted_total", "kind" => kind.as_str()).increment(1);
        if let Some((call, message)) = stored {
            call(&message);
        }
        if let Some(published) = publish {
            bus.publish(published);
        }
    });
    published
}

/// `user` must be a member of `group`.
pub(super) fn check_member(
    ctx: &mut WriteCtx<'_>,
    group: Id,
    user: Id,
) -> Result<(), PipelineError> {
    match ctx.membership(group, user)? {
        Membership::Member => Ok(()),
        Membership::NotMember => Err(PipelineError::NotMember),
        Membership::NoGroup => Err(PipelineError::GroupNotFound),
    }
}

/// The checks that need the database: membership (or the group, for the server's own
/// messages), the private recipient, the reply target. Returns the recipient's id.
fn check(ctx: &mut WriteCtx<'_>, draft: &Draft) -> Result<Option<Id>, PipelineError> {
    match &draft.author {
        Some(author) => check_member(ctx, draft.group, author.id)?,
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

/// What makes a send the retry of an earlier one: its author's idempotency key, and the
/// message it carries.
struct Retry {
    author: Id,
    client_id: String,
    group: Id,
    content: String,
    reply_to: Option<i64>,
}

impl Retry {
    /// `None` for a draft without an author or a client id: it is never a retry.
    fn of(draft: &Draft) -> Option<Retry> {
        Some(Retry {
            author: draft.author.as_ref()?.id,
            client_id: draft.client_id.clone()?,
            group: draft.group,
            content: draft.content.clone(),
            reply_to: draft.reply_to,
        })
    }
}

/// What the author already sent with the retry's client id.
enum Earlier {
    None,
    /// The same message: the retry's answer.
    Same(Posted),
    /// Another message; holds the client id.
    Other(String),
}

fn earlier(ctx: &WriteCtx<'_>, retry: Option<&Retry>) -> Result<Earlier, StoreError> {
    let Some(retry) = retry else {
        return Ok(Earlier::None);
    };
    let Some(message) = messages::by_client_id(ctx.conn(), retry.author, &retry.client_id)? else {
        return Ok(Earlier::None);
    };
    let same = message.group == retry.group
        && message.content == retry.content
        && message.reply_to == retry.reply_to;
    Ok(if same {
        Earlier::Same(Posted {
            message,
            created: false,
            published: None,
        })
    } else {
        Earlier::Other(retry.client_id.clone())
    })
}
