//! A message before it is stored: the one shape every new message has, whether a member
//! sent it (socket `send`, `POST /api/messages`) or the server emits it (commitments,
//! liabilities, clarification questions). The store assigns its `id`, `seq` and time.

use quid_shared::{Id, MessageKind, UserRef};

/// Who a private message is for: a member named by id or username (as clients write
/// it), or a user id (as the server knows it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    Named(String),
    Id(Id),
}

/// A message about to be stored.
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

impl Draft {
    /// A member's public message of kind `user`.
    pub fn user(author: UserRef, group: Id, content: String) -> Draft {
        Draft {
            author: Some(author),
            ..Draft::system(group, MessageKind::User, content)
        }
    }

    /// A public message the server emits itself (no author).
    pub fn system(group: Id, kind: MessageKind, content: String) -> Draft {
        Draft {
            group,
            kind,
            author: None,
            content,
            to: None,
            reply_to: None,
            client_id: None,
            meta: serde_json::Value::Null,
        }
    }
}
