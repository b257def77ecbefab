//! Changes of earlier messages — a member edits or deletes their own message, or reacts
//! to any message they can see — take one path too: checks and the change of the stored
//! message in one write, with the change itself stored as a message of its own (`edit`,
//! `delete`, `reaction`) that only those who can see the changed message can see, then
//! published after the commit like any message, and handed to the hook.

use std::sync::Arc;

use quid_shared::limits::REACTION_MAX_CHARS;
use quid_shared::{Id, Message, MessageKind, UserRef};

use super::persist::{check_member, publish_after_commit};
use super::validate::validate_content;
use super::{Pipeline, PipelineError};
use crate::store::{Draft, WriteCtx, changes, messages};

/// What a member asks to change.
#[derive(Debug, Clone)]
pub enum Change {
    /// A new text for my message.
    Edit(String),
    /// Delete my message.
    Delete,
    /// Add (`true`) or take back (`false`) my reaction.
    React(String, bool),
}

/// A change of message `seq` of `group`, asked by `by`.
#[derive(Debug, Clone)]
pub struct ChangeRequest {
    pub group: Id,
    pub seq: i64,
    pub by: UserRef,
    pub change: Change,
}

/// What a change did: the changed message as it is now, and the change as published.
#[derive(Debug, Clone)]
pub struct Changed {
    pub message: Message,
    pub change: Message,
}

impl Pipeline {
    /// Applies `request`; `None` when a reaction was already so (nothing to tell).
    pub async fn change(&self, request: ChangeRequest) -> Result<Option<Changed>, PipelineError> {
        match &request.change {
            Change::Edit(content) => validate_content(content)?,
            Change::React(emoji, _) => validate_reaction(emoji)?,
            Change::Delete => {}
        }
        let bus = Arc::clone(&self.inner.bus);
        let changed = self
            .inner
            .store
            .write(move |ctx| apply(ctx, request, bus))
            .await?;
        if let Some(changed) = &changed {
            tracing::debug!(
                group = %changed.message.group,
                seq = changed.message.seq,
                kind = changed.change.kind.as_str(),
                "change"
            );
            self.inner
                .hook
                .after_change(self, &changed.message, &changed.change);
        }
        Ok(changed)
    }
}

/// A reaction is one short token: an emoji (any grapheme sequence) or a short word.
fn validate_reaction(emoji: &str) -> Result<(), PipelineError> {
    let chars = emoji.chars().count();
    if chars == 0
        || chars > REACTION_MAX_CHARS
        || emoji.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(PipelineError::Invalid(format!(
            "a reaction is one emoji or word of 1 to {REACTION_MAX_CHARS} characters, \
             without spaces"
        )));
    }
    Ok(())
}

fn apply(
    ctx: &mut WriteCtx<'_>,
    request: ChangeRequest,
    bus: Arc<dyn crate::bus::Bus>,
) -> Result<Option<Changed>, PipelineError> {
    let ChangeRequest {
        group,
        seq,
        by,
        change,
    } = request;
    check_member(ctx, group, by.id)?;
    let message = messages::by_seq(ctx.conn(), group, seq)?
        .filter(|m| m.visible_to(by.id) && !m.kind.is_change())
        .ok_or_else(|| PipelineError::NotFound(format!("message #{seq} not found")))?;
    if message.is_deleted() {
        return Err(PipelineError::Invalid(format!(
            "message #{seq} was deleted"
        )));
    }
    let own = message.author.as_ref().is_some_and(|a| a.id == by.id);
    let (kind, content, meta) = match &change {
        Change::Edit(_) | Change::Delete if !own || message.kind != MessageKind::User => {
            return Err(PipelineError::Forbidden(
                "you can only change messages you wrote".into(),
            ));
        }
        Change::Edit(content) => {
            if *content == message.content {
                return Err(PipelineError::Invalid("the text is unchanged".into()));
            }
            let at = changes::edit(ctx.conn(), &message, content)?;
            (
                MessageKind::Edit,
                content.clone(),
                serde_json::json!({"of": seq, "edited_at": at}),
            )
        }
        Change::Delete => {
            changes::delete(ctx.conn(), &message)?;
            (
                MessageKind::Delete,
                "message deleted".to_owned(),
                serde_json::json!({"of": seq}),
            )
        }
        Change::React(emoji, on) => {
            if !changes::react(ctx.conn(), &message, by.id, &by.username, emoji, *on)? {
                return Ok(None);
            }
            (
                MessageKind::Reaction,
                emoji.clone(),
                serde_json::json!({"of": seq, "on": on}),
            )
        }
    };
    // The change is seen by exactly those who see the message: public stays public; a
    // private one goes between its author and its target (the one of them who is not
    // the changer, or the changer alone for a message the server wrote to them).
    let target = if message.private {
        let author = message.author.as_ref().map(|a| a.id);
        let other = [author, message.target]
            .into_iter()
            .flatten()
            .find(|id| *id != by.id);
        Some(other.unwrap_or(by.id))
    } else {
        None
    };
    let draft = Draft {
        meta,
        ..Draft::system(group, kind, content)
    };
    let draft = Draft {
        author: Some(by),
        ..draft
    };
    let stored = messages::insert(ctx, draft, target)?
        .ok_or_else(|| PipelineError::Invalid("the change could not be stored".into()))?;
    publish_after_commit(ctx, &stored, bus, None);
    let now = messages::by_seq(ctx.conn(), group, seq)?.unwrap_or(message);
    Ok(Some(Changed {
        message: now,
        change: stored,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reactions are short tokens without spaces; a flag or a ZWJ family is one.
    #[test]
    fn reactions_are_short_tokens() {
        assert!(validate_reaction("👍").is_ok());
        assert!(validate_reaction("🇫🇷").is_ok());
        assert!(validate_reaction("👨‍👩‍👧").is_ok());
        assert!(validate_reaction("+1").is_ok());
        assert!(validate_reaction("").is_err());
        assert!(validate_reaction("a b").is_err());
        assert!(validate_reaction(&"x".repeat(17)).is_err());
    }
}
