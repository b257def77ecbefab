//! The one path every message takes — socket `send`, `POST /api/messages` and the
//! messages the server emits itself: validate, check membership, persist through the
//! writer (durable), publish to the hub in commit order, then return the message.
//!
//! After a new user message is published, the pipeline calls the [`MessageHook`]
//! (commitment detection plugs in there; see [`hook`]).

pub mod hook;
mod persist;
mod validate;

use std::sync::Arc;

use quid_shared::{ErrorCode, Id, Message, MessageKind, UserRef};

use crate::hub::{Hub, Published};
use crate::store::{Store, StoreError};

pub use hook::{MessageHook, NoDetection};
pub use validate::{validate_client_id, validate_content};

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
            PipelineError::Conflict(_) => ErrorCode::Conflict,
            PipelineError::Store(StoreError::Closed) => ErrorCode::Unavailable,
            PipelineError::Store(_) => ErrorCode::Internal,
        }
    }
}

/// Who a private message is for: a member named by id or username (as clients write
/// it), or a user id (as the server knows it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    Named(String),
    Id(Id),
}

/// A message before it is stored.
#[derive(Debug, Clone)]
pub struct Draft {
    pub group: Id,
    pub kind: MessageKind,
    /// `None` for messages the server emits.
    pub author: Option<UserRef>,
    pub content: String,
    /// Makes the message private to this member.
    pub to: Option<Recipient>,
    pub reply_to: Option<i64>,
    /// The author's idempotency key.
    pub client_id: Option<String>,
    pub meta: serde_json::Value,
}

/// A user's message, as `send` and `POST /api/messages` carry it.
#[derive(Debug, Clone)]
pub struct UserPost {
    pub author: UserRef,
    pub group: Id,
    pub content: String,
    pub client_id: Option<String>,
    pub reply_to: Option<i64>,
    /// A member's id or username: makes the message private to them.
    pub to: Option<String>,
}

/// A message the server emits (author `None`): commitments, liabilities, clarification
/// requests.
#[derive(Debug, Clone)]
pub struct SystemPost {
    pub group: Id,
    pub kind: MessageKind,
    pub content: String,
    /// Makes the message private to this member.
    pub private_to: Option<Id>,
    pub reply_to: Option<i64>,
    pub meta: serde_json::Value,
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
    hub: Arc<dyn Hub>,
    hook: Arc<dyn MessageHook>,
}

impl Pipeline {
    /// A pipeline persisting to `store`, publishing to `hub`, calling `hook` after each
    /// new user message.
    pub fn new(store: Store, hub: Arc<dyn Hub>, hook: Arc<dyn MessageHook>) -> Pipeline {
        Pipeline {
            inner: Arc::new(Inner { store, hub, hook }),
        }
    }

    /// The store behind the pipeline (for reads that go with a message, e.g. by hooks).
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// A member's message: stored as kind `user`, published, then handed to the hook.
    /// An answer to a question the server asked (see [`MessageHook::is_answer`]) is stored
    /// as a `clarification_response` private to its author.
    pub async fn post(&self, post: UserPost) -> Result<Posted, PipelineError> {
        let (kind, to) = if self.inner.hook.is_answer(self, &post).await {
            let author = Recipient::Id(post.author.id);
            (MessageKind::ClarificationResponse, Some(author))
        } else {
            (MessageKind::User, post.to.map(Recipient::Named))
        };
        let draft = Draft {
            group: post.group,
            kind,
            author: Some(post.author),
            content: post.content,
            to,
            reply_to: post.reply_to,
            client_id: post.client_id,
            meta: serde_json::Value::Null,
        };
        self.submit(draft).await
    }

    /// A message from the server itself (no author), e.g. `commitment` or `liability`.
    pub async fn emit(&self, post: SystemPost) -> Result<Message, PipelineError> {
        let draft = Draft {
            group: post.group,
            kind: post.kind,
            author: None,
            content: post.content,
            to: post.private_to.map(Recipient::Id),
            reply_to: post.reply_to,
            client_id: None,
            meta: post.meta,
        };
        Ok(self.submit(draft).await?.message)
    }

    /// The general form behind [`post`](Self::post) and [`emit`](Self::emit): any kind,
    /// with or without an author. The hook runs for new messages of kind `user`.
    pub async fn submit(&self, draft: Draft) -> Result<Posted, PipelineError> {
        validate::validate_draft(&draft)?;
        let hub = Arc::clone(&self.inner.hub);
        let posted = self
            .inner
            .store
            .write_one(move |ctx| persist::persist(ctx, draft, hub))
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
