//! WebSocket frames (`GET /ws`): JSON text, one object per frame, tagged by `type`.

use serde::{Deserialize, Serialize};

use crate::{Group, Id, Message, UserRef};

/// Client -> server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ClientFrame {
    /// Subscribe to a group. Replays every visible message with `seq > since` (none when
    /// `since` is absent), then answers `joined`; live messages follow with no gap.
    Join {
        group: Id,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        since: Option<i64>,
    },
    /// Unsubscribe from a group; answered by `left`.
    Leave { group: Id },
    /// Post a message; answered by `ack` once durable. The same `client_id` again returns
    /// the original message. `to` (a member's id or username) makes it private.
    Send {
        group: Id,
        content: String,
        client_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reply_to: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
    },
    /// Change the text of my own message `seq`: everyone who can see it gets an `edit`
    /// message. Errors answer with `ref: "edit"`.
    Edit {
        group: Id,
        seq: i64,
        content: String,
    },
    /// Delete my own message `seq`: everyone who can see it gets a `delete` message.
    Delete { group: Id, seq: i64 },
    /// Add (or with `remove: true` take back) my reaction `emoji` to message `seq`.
    React {
        group: Id,
        seq: i64,
        emoji: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        remove: bool,
    },
    /// I have read `group` up to `seq`: kept on the server, told to my other connections.
    Read { group: Id, seq: i64 },
    /// I am typing in `group` (privately to member `to`, an id or username, if given).
    /// Ephemeral and throttled by the server; never stored.
    Typing {
        group: Id,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
    },
    /// Liveness check; answered by `pong` with the same nonce.
    Ping {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nonce: Option<String>,
    },
}

/// Server -> client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ServerFrame {
    /// A message the user may see, live or replayed.
    NewMessage {
        message: Message,
    },
    /// The message sent with `client_id` is durable.
    Ack {
        client_id: String,
        message: Message,
    },
    /// Replay is complete; `head` is the group's latest seq at that moment.
    Joined {
        group: Id,
        head: i64,
    },
    Left {
        group: Id,
    },
    /// The members of `group` connected now (on any device): sent after `joined`.
    Presence {
        group: Id,
        online: Vec<Id>,
    },
    /// Member `user` of `group` came online (first connection) or went offline (last
    /// connection closed).
    Status {
        group: Id,
        user: Id,
        online: bool,
    },
    /// `user` is typing in `group`; `private`: only to me.
    Typing {
        group: Id,
        user: UserRef,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        private: bool,
    },
    /// I read `group` up to `seq` (on another connection, or this one).
    Read {
        group: Id,
        seq: i64,
    },
    /// I was added to `group` (join it to follow it).
    Added {
        group: Group,
    },
    /// The members of `group` changed: `user` was added or removed by `by`, or left.
    /// Sent live to the group's connected members (and the member concerned); not stored.
    Member {
        group: Id,
        change: MemberChange,
        user: UserRef,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<UserRef>,
    },
    Pong {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nonce: Option<String>,
    },
    /// A frame could not be served. `ref` names the `client_id` or frame type it answers.
    Error {
        code: ErrorCode,
        message: String,
        #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
    },
}

/// How the members of a group changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberChange {
    Added,
    Removed,
    Left,
}

/// Machine-readable error codes, shared by `error` frames and HTTP error bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The frame or body is malformed or breaks a rule (the message says which).
    BadRequest,
    /// No valid credentials.
    Unauthorized,
    /// Authenticated, but not allowed (e.g. not a member of the group).
    Forbidden,
    /// The group, user, message or commitment does not exist.
    NotFound,
    /// The request conflicts with the current state (e.g. username taken).
    Conflict,
    /// The content or frame is too large.
    TooLarge,
    /// Too many requests; slow down.
    RateLimited,
    /// The server failed; nothing was lost, try again.
    Internal,
    /// The server is shutting down or overloaded; try again later.
    Unavailable,
    /// A code this client version does not know.
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The HTTP status that goes with this code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::BadRequest => 400,
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::Conflict => 409,
            ErrorCode::TooLarge => 413,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal | ErrorCode::Unknown => 500,
            ErrorCode::Unavailable => 503,
        }
    }
}

/// WebSocket close codes the server uses, so clients can tell why they were dropped.
pub mod close_code {
    /// Server shutting down.
    pub const GOING_AWAY: u16 = 1001;
    /// A frame that is not text JSON at the protocol level (binary frames).
    pub const UNSUPPORTED: u16 = 1003;
    /// Frame over [`crate::limits::MAX_FRAME_BYTES`].
    pub const TOO_BIG: u16 = 1009;
    /// The server failed.
    pub const INTERNAL: u16 = 1011;
    /// The client did not read fast enough; its outgoing queue overflowed. Reconnect with
    /// `join {since}` to catch up.
    pub const SLOW_READER: u16 = 4008;
    /// The client sent frames faster than its rate limit allows.
    pub const FLOOD: u16 = 4029;
    /// The client stopped answering pings.
    pub const IDLE_TIMEOUT: u16 = 4000;
    /// The token expired, or its session ended (logout, logout everywhere, a password
    /// change, account deletion): log in again.
    pub const UNAUTHORIZED: u16 = 4001;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Frames use the documented `type` tags and field names.
    #[test]
    fn frames_round_trip_with_documented_tags() {
        let f: ClientFrame = serde_json::from_str(
            r#"{"type":"join","group":"6f1c7b8e-8c1e-4b43-9d1a-2a0c0c7f4a11","since":17}"#,
        )
        .unwrap();
        assert!(matches!(
            f,
            ClientFrame::Join {
                since: Some(17),
                ..
            }
        ));
        let e = ServerFrame::Error {
            code: ErrorCode::Forbidden,
            message: "not a member".into(),
            reference: Some("join".into()),
        };
        let s = serde_json::to_string(&e).unwrap();
        assert_eq!(
            s,
            r#"{"type":"error","code":"forbidden","message":"not a member","ref":"join"}"#
        );
        let back: ServerFrame = serde_json::from_str(&s).unwrap();
        assert_eq!(back, e);
        let n: ServerFrame = serde_json::from_str(r#"{"type":"pong"}"#).unwrap();
        assert_eq!(n, ServerFrame::Pong { nonce: None });
    }

    /// Unknown error codes from a newer server do not break an older client.
    #[test]
    fn unknown_error_code_is_tolerated() {
        let f: ServerFrame =
            serde_json::from_str(r#"{"type":"error","code":"brand_new","message":"x"}"#).unwrap();
        assert!(matches!(
            f,
            ServerFrame::Error {
                code: ErrorCode::Unknown,
                ..
            }
        ));
    }
}
