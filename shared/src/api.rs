//! HTTP request and response bodies (JSON), and the error body every failure carries:
//! `{"error": {"code", "message"}}`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{ErrorCode, Id, Message, UserRef};

/// `POST /api/auth/register` and `POST /api/auth/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// An account as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: Id,
    pub username: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl User {
    pub fn as_ref(&self) -> UserRef {
        UserRef {
            id: self.id,
            username: self.username.clone(),
        }
    }
}

/// Answer to register (201) and login (200). The token is also set as the `token` cookie.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthResponse {
    pub token: String,
    pub user: User,
}

/// `POST /api/groups`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateGroup {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A group with its members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub id: Id,
    pub name: String,
    pub description: Option<String>,
    pub created_by: Id,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The group's latest message seq (0 when empty).
    pub head: i64,
    pub members: Vec<UserRef>,
    /// What the group is about now; set by any member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// For the caller: the seq read up to (kept on the server, across devices).
    #[serde(default)]
    pub read: i64,
    /// For the caller: visible messages after `read` that others wrote (changes of
    /// earlier messages not counted).
    #[serde(default)]
    pub unread: i64,
    /// The members who may invite, remove members and name admins (the creator among
    /// them while a member).
    #[serde(default)]
    pub admins: Vec<Id>,
}

/// `GET /api/groups`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GroupList {
    pub groups: Vec<Group>,
}

/// `POST /api/groups/:id/members`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AddMember {
    pub username: String,
}

/// `GET /api/groups/:id/messages?after=&before=&limit=`: messages in ascending `seq`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MessagePage {
    pub messages: Vec<Message>,
    /// Whether more messages exist beyond this page in the direction paged.
    pub has_more: bool,
}

/// `PUT /api/groups/:id/messages/:seq`: the new text of my message.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EditMessage {
    pub content: String,
}

/// `PUT /api/groups/:id/read`: read up to `seq`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReadUpTo {
    pub seq: i64,
}

/// `PUT /api/groups/:id/topic`: the new topic (empty or absent clears it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetTopic {
    #[serde(default)]
    pub topic: Option<String>,
}

/// `GET /api/groups/:id/messages/:seq/edits`: the author's earlier versions, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EditHistory {
    pub versions: Vec<Version>,
}

/// One earlier text of an edited message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Version {
    pub content: String,
    /// When this text was replaced.
    #[serde(with = "time::serde::rfc3339")]
    pub replaced_at: OffsetDateTime,
}

/// `GET /api/groups/:id/search?q=&limit=`: matching messages visible to the caller,
/// newest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchResults {
    pub messages: Vec<Message>,
}

/// `POST /api/messages`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PostMessage {
    pub group_id: Id,
    pub content: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<i64>,
    /// A member's user id or username: makes the message private to them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// Answer to `POST /api/messages` (201).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MessageCreated {
    pub message: Message,
}

/// The body of every HTTP error.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// See [`ErrorBody`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    pub message: String,
}

/// `GET /health`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
}

/// A clarification question the server asked and the member has not answered yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenQuestion {
    /// The question as asked.
    pub text: String,
    /// The `clarification_request` message that asked it: a reply to it is an answer.
    pub message: Option<i64>,
    #[serde(with = "time::serde::rfc3339")]
    pub asked_at: time::OffsetDateTime,
    /// After this the question is dropped and nothing is recorded.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: time::OffsetDateTime,
}

/// `GET /api/groups/:id/question`: the caller's open question in the group, if any.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QuestionReply {
    pub question: Option<OpenQuestion>,
}
