//! The one path every message takes — socket `send`, `POST /api/messages` and the
//! messages the server emits itself: validate, check membership, persist through the
//! writer (durable), publish through the bus in commit order, then return the message.
//!
//! After a new user message is published, the pipeline calls the [`MessageHook`]
//! (commitment detection plugs in there; see [`hook`]). Edits, deletions and reactions
//! take the same path as messages of their own ([`change`]).

mod change;
pub mod hook;
mod persist;
mod validate;

use std::sync::Arc;

use quid_shared::{ErrorCode, Message, MessageKind};

use crate::bus::Bus;
use crate::hub::Published;
use crate::store::{Draft, Recipient, Store, StoreError, WriteCtx};

pub use change::{Change, ChangeRequest, Changed};
pub use hook::MessageHook;

/// Why a message was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The message breaks a rule; the text says which.
    #[error("{0}")]
    Invalid(String),
    /// The content is longer than allowed.
    #[error("{0}")]
    TooLarge(String),
    /// The group does not exist.
    #[error("group not found")]
    GroupNotFound,
    /// The author is not a member of the group.
    #[error("not a member of this group")]
    NotMember,
    /// The message to change does not exist (or is not visible to the caller).
    #[error("{0}")]
    NotFound(String),
    /// The caller may not do this (e.g. edit someone else's message).
    #[error("{0}")]
    Forbidden(String),
    /// The author already sent another message with this client id.
    #[error("{0}")]
    Conflict(String),
    /// The database failed or is shutting down.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl PipelineError {
    /// The wire error code for this failure.
    pub fn code(&self) -> ErrorCode {
        match self {
            PipelineError::Invalid(_) => ErrorCode::BadRequest,
            PipelineError::TooLarge(_) => ErrorCode::TooLarge,
            PipelineError::GroupNotFound => ErrorCode::NotFound,
            PipelineError::NotMember => ErrorCode::Forbidden,
            PipelineError::NotFound(_) => ErrorCode::NotFound,
            PipelineError::Forbidden(_) => ErrorCode::Forbidden,
            PipelineError::Conflict(_) => ErrorCode::Conflict,
            PipelineError::Store(StoreError::Closed) => ErrorCode::Unavailable,
            PipelineError::Store(_) => ErrorCode::Internal,
        }
    }
}

/// The stored message, and whether this call created it (`false`: the same `client_id`
/// was seen before and this is the original).
#[derive(Debug, Clone)]
pub struct Posted {
    pub message: Message,
    pub created: bool,
    /// What was published for it, with its serialized JSON (created messages only).
    pub published: Option<Arc<Published>>,
}

/// Handle to the pipeline; cheap to clone.
#[derive(Clone)]
pub struct Pipeline {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    bus: Arc<dyn Bus>,
    hook: Arc<dyn MessageHook>,
}

impl Pipeline {
    /// A pipeline persisting to `store`, publishing through `bus`, calling `hook` after
    /// each new user message.
    pub fn new(store: Store, bus: Arc<dyn Bus>, hook: Arc<dyn MessageHook>) -> Pipeline {
        Pipeline {
            inner: Arc::new(Inner { store, bus, hook }),
        }
    }

    /// The store behind the pipeline (for reads that go with a message, e.g. by hooks).
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// A member's message (a [`Draft::user`]): stored, published, then handed to the hook.
    /// An answer to a question the server asked (see [`MessageHook::is_answer`]) is stored
    /// as a `clarification_response` private to its author.
    pub async fn post(&self, draft: Draft) -> Result<Posted, PipelineError> {
        let hook = Arc::clone(&self.inner.hook);
        let decide: persist::Decide = Box::new(move |ctx, draft| {
            if let Some(author) = draft.author.as_ref().map(|a| a.id)
                && hook.is_answer(ctx, draft)
            {
                draft.kind = MessageKind::ClarificationResponse;
                draft.to = Some(Recipient::Id(author));
            }
        });
        self.write(draft, None, Some(decide)).await
    }

    /// A message from the server itself (a [`Draft::system`]), e.g. `commitment` or
    /// `liability`.
    pub async fn emit(&self, draft: Draft) -> Result<Message, PipelineError> {
        Ok(self.submit(draft).await?.message)
    }

    /// Like [`emit`](Self::emit), and `stored` is called with the message once it is
    /// committed, before it is published: what must be known of it before anyone can
    /// answer it (the id of a question) is known in time.
    pub async fn emit_and(
        &self,
        draft: Draft,
        stored: impl FnOnce(&Message) + Send + 'static,
    ) -> Result<Message, PipelineError> {
        Ok(self
            .write(draft, Some(Box::new(stored)), None)
            .await?
            .message)
    }

    /// Like [`emit`](Self::emit), in one transaction with `guard`, which runs first: when
    /// it says no (or fails), nothing is stored and `None` is returned. What the message
    /// announces and the record that it was announced are committed together, once.
    pub async fn emit_if(
        &self,
        draft: Draft,
        guard: impl FnOnce(&mut WriteCtx<'_>) -> Result<bool, StoreError> + Send + 'static,
    ) -> Result<Option<Message>, PipelineError> {
        validate::validate_draft(&draft)?;
        let bus = Arc::clone(&self.inner.bus);
        let posted = self
            .inner
            .store
            .write(move |ctx| -> Result<Option<Posted>, PipelineError> {
                if !guard(ctx)? {
                    return Ok(None);
                }
                persist::persist(ctx, draft, bus, None, None).map(Some)
            })
            .await?;
        Ok(posted.map(|p| p.message))
    }

    /// The general form behind [`post`](Self::post) and [`emit`](Self::emit): any kind,
    /// with or without an author. The hook runs for new messages of kind `user`.
    pub async fn submit(&self, draft: Draft) -> Result<Posted, PipelineError> {
        self.write(draft, None, None).await
    }

    async fn write(
        &self,
        draft: Draft,
        stored: Option<persist::Stored>,
        decide: Option<persist::Decide>,
    ) -> Result<Posted, PipelineError> {
        validate::validate_draft(&draft)?;
        let bus = Arc::clone(&self.inner.bus);
        let posted = self
            .inner
            .store
            .write_one(move |ctx| persist::persist(ctx, draft, bus, stored, decide))
            .await?;
        if posted.created {
            let m = &posted.message;
            tracing::debug!(
                message = m.id,
                group = %m.group,
                seq = m.seq,
                kind = m.kind.as_str(),
                author = ?m.author.as_ref().map(|a| a.id),
                "emit"
            );
            if matches!(
                m.kind,
                MessageKind::User | MessageKind::ClarificationResponse
            ) {
                self.inner.hook.after_publish(self, m);
            }
        }
        Ok(posted)
    }
}
