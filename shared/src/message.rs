//! The message object: what every `new-message` and `ack` frame and every history endpoint
//! carries.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::Id;

/// Who wrote a message, or who a commitment or liability belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UserRef {
    pub id: Id,
    pub username: String,
}

/// What a message is. User text is `user`; the rest are emitted by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// Text a member wrote.
    User,
    /// A commitment was recognised, created or revoked (public).
    Commitment,
    /// Liabilities changed (public); `meta.changes` lists them.
    Liability,
    /// The server asks the author to make a commitment exact (private to the author).
    ClarificationRequest,
    /// The author's answer to a clarification request (private to the author).
    ClarificationResponse,
}

impl MessageKind {
    /// The name used on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::User => "user",
            MessageKind::Commitment => "commitment",
            MessageKind::Liability => "liability",
            MessageKind::ClarificationRequest => "clarification_request",
            MessageKind::ClarificationResponse => "clarification_response",
        }
    }

    /// Parses the wire / database name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "user" => MessageKind::User,
            "commitment" => MessageKind::Commitment,
            "liability" => MessageKind::Liability,
            "clarification_request" => MessageKind::ClarificationRequest,
            "clarification_response" => MessageKind::ClarificationResponse,
            _ => return None,
        })
    }
}

/// One message of a group, as stored and delivered.
///
/// `seq` increases by one per message within a group; `join {since}` refers to it.
/// A `private` message is visible only to its `target` and its `author`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Global id, unique across groups.
    pub id: i64,
    pub group: Id,
    pub seq: i64,
    pub kind: MessageKind,
    /// `None` for messages the server emits.
    pub author: Option<UserRef>,
    pub content: String,
    pub private: bool,
    /// The user a private message is for.
    pub target: Option<Id>,
    /// The id of the message this one answers.
    pub reply_to: Option<i64>,
    pub client_id: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Kind-specific data: `commitment_id` for commitments, `changes` for liabilities, …
    #[serde(default)]
    pub meta: serde_json::Value,
}

impl Message {
    /// The one visibility rule: a public message is visible to every member of its group,
    /// a private one only to its target and its author. Membership is checked by the caller.
    pub fn visible_to(&self, user: Id) -> bool {
        !self.private
            || self.target == Some(user)
            || self.author.as_ref().is_some_and(|a| a.id == user)
    }
}
