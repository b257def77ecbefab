//! Invitations and member roles: a group's admins hand out codes that let anyone who has
//! one join, limited in time and in number of uses.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{Id, UserRef};

/// Default lifetime of an invitation, in seconds (7 days).
pub const INVITE_DEFAULT_SECS: u64 = 7 * 86_400;
/// Longest lifetime of an invitation, in seconds (90 days).
pub const INVITE_MAX_SECS: u64 = 90 * 86_400;
/// Most uses one invitation may allow.
pub const INVITE_MAX_USES: u32 = 10_000;

/// `POST /api/groups/:id/invites`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CreateInvite {
    /// How many people may join with it; absent: any number until it expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_uses: Option<u32>,
    /// Seconds until it expires; absent: [`INVITE_DEFAULT_SECS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
}

/// An invitation. `code` is present only in the answer that created it: the server keeps
/// only its hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invite {
    pub id: String,
    pub group: Id,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub created_by: UserRef,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    pub max_uses: Option<u32>,
    pub uses: u32,
    pub revoked: bool,
}

/// `GET /api/groups/:id/invites`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InviteList {
    pub invites: Vec<Invite>,
}

/// `POST /api/invites/join`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JoinInvite {
    pub code: String,
}

/// A member's role in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// May invite, remove members and name admins. The creator is always one.
    Admin,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }
}

/// `PUT /api/groups/:id/members/:user_id/role`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetRole {
    pub role: Role,
}
