//! Account bodies beyond login: the sessions a user has open, a password change, and
//! account deletion.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::Id;

/// One open session (a login), as `GET /api/me/sessions` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub id: Id,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// The `User-Agent` the login came with, shortened.
    #[serde(default)]
    pub client: Option<String>,
    /// The client address the login came from.
    #[serde(default)]
    pub address: Option<String>,
    /// Whether this is the session of the request that asked.
    #[serde(default)]
    pub current: bool,
}

/// `GET /api/me/sessions`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionList {
    pub sessions: Vec<SessionInfo>,
}

/// `POST /api/auth/logout-all`: how many sessions were ended.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionsEnded {
    pub ended: usize,
}

/// `PUT /api/me/password`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChangePassword {
    pub old_password: String,
    pub new_password: String,
}

/// `DELETE /api/me`: the password again, so a stolen token alone cannot delete.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeleteAccount {
    pub password: String,
}
