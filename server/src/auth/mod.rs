//! Who is calling: argon2id password hashing (off the async threads), HS256 tokens with
//! expiry that belong to a revocable session, the token's place in a request, the rules
//! for usernames and passwords, whether a browser request comes from an origin that may
//! use the cookie, and the throttle in front of every password check.
//!
//! Layout: `password` (argon2id), `token` (JWT), [`sessions`] (the open sessions, in
//! memory), [`shared`] (sessions across the nodes of a shared database), [`throttle`] (login and registration limits), [`client_addr`] (the address a
//! request is counted under), [`origin`] (cross-site checks), `rules` (names, passwords).

pub mod client_addr;
pub mod origin;
mod password;
mod rules;
pub mod sessions;
pub mod shared;
pub mod throttle;
mod token;

use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;

pub use password::PasswordHasher;
pub use rules::{PASSWORD_MAX_BYTES, validate_password, validate_username};
pub use sessions::Sessions;
pub use throttle::Throttle;
pub use token::{AuthUser, TokenError, TokenKeys};

use tokio_util::sync::CancellationToken;

/// Errors of the account operations, mapped to HTTP answers at the edge.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Wrong password or unknown user: deliberately the same answer.
    #[error("invalid username or password")]
    InvalidCredentials,
    /// Hashing failed or its worker was lost.
    #[error("password hashing failed: {0}")]
    Hashing(String),
}

/// Password hashing, token keys, open sessions and the throttle, shared by the HTTP
/// routes and the WebSocket upgrade.
#[derive(Clone)]
pub struct Auth {
    pub hasher: Arc<PasswordHasher>,
    pub tokens: Arc<TokenKeys>,
    pub sessions: Arc<Sessions>,
    pub throttle: Arc<Throttle>,
}

impl Auth {
    /// Builds the hasher (with a dummy hash for unknown users), the token keys, an empty
    /// set of open sessions and the throttle.
    pub fn new(
        secret: &[u8],
        token_ttl: Duration,
        argon2_memory_kib: u32,
        argon2_iterations: u32,
        policy: throttle::Policy,
    ) -> Result<Auth, AuthError> {
        Ok(Auth {
            hasher: Arc::new(PasswordHasher::new(argon2_memory_kib, argon2_iterations)?),
            tokens: Arc::new(TokenKeys::new(secret, token_ttl)),
            sessions: Arc::new(Sessions::default()),
            throttle: Arc::new(Throttle::new(policy)),
        })
    }

    /// The caller a token proves, if it is ours, unexpired and its session open; with
    /// the signal its session ends on.
    pub fn check(&self, token: &str) -> Result<(AuthUser, CancellationToken), TokenError> {
        let user = self.tokens.verify(token)?;
        let ended = self
            .sessions
            .check(user.session, user.id)
            .ok_or(TokenError::SessionEnded)?;
        Ok((user, ended))
    }
}

/// Finds the token of a request: `Authorization: Bearer <jwt>`, else the `token`
/// cookie, else the `token` query parameter.
pub fn token_from_request<'a>(headers: &'a HeaderMap, query: Option<&'a str>) -> Option<&'a str> {
    bearer(headers)
        .or_else(|| cookie(headers, "token"))
        .or_else(|| query.and_then(|q| query_param(q, "token")))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    /// The bearer header wins over the cookie, the cookie over the query string.
    #[test]
    fn token_sources_in_order() {
        let mut headers = HeaderMap::new();
        assert_eq!(token_from_request(&headers, Some("a=1&token=q")), Some("q"));
        headers.insert(
            http::header::COOKIE,
            HeaderValue::from_static("theme=dark; token=c"),
        );
        assert_eq!(token_from_request(&headers, Some("token=q")), Some("c"));
        headers.insert(
            http::header::AUTHORIZATION,
            HeaderValue::from_static("Bearer b"),
        );
        assert_eq!(token_from_request(&headers, Some("token=q")), Some("b"));
    }

    /// Empty or malformed sources count as absent.
    #[test]
    fn empty_tokens_are_absent() {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::AUTHORIZATION,
            HeaderValue::from_static("Basic abc"),
        );
        headers.insert(http::header::COOKIE, HeaderValue::from_static("token="));
        assert_eq!(token_from_request(&headers, Some("token=")), None);
    }
}
