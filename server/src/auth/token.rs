//! HS256 tokens: issue with an expiry, verify into the caller's identity.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use quid_shared::{Id, UserRef};

/// The identity a valid token proves, and until when (Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthUser {
    pub id: Id,
    pub username: String,
    /// The session the token belongs to.
    pub session: Id,
    pub expires_at: u64,
}

impl AuthUser {
    /// Whether the token this identity came from has expired by now (with the same
    /// leeway as verification, so a token refused here is refused there too).
    pub fn expired(&self) -> bool {
        jsonwebtoken::get_current_timestamp() > self.expires_at.saturating_add(LEEWAY_SECS)
    }

    /// As the wire's author reference.
    pub fn as_ref(&self) -> UserRef {
        UserRef {
            id: self.id,
            username: self.username.clone(),
        }
    }
}

/// Seconds a token is still accepted after its expiry, for clocks a little apart.
const LEEWAY_SECS: u64 = 5;

/// Why a token was refused. The edge answers 401 for all of them.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("token expired")]
    Expired,
    #[error("invalid token")]
    Invalid,
    #[error("this session has ended; log in again")]
    SessionEnded,
    #[error("cannot sign token: {0}")]
    Sign(String),
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Id,
    name: String,
    /// The session; a token without one (from before sessions) is refused.
    sid: Id,
    iat: u64,
    exp: u64,
}

/// Signing and verification keys with the token lifetime.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl TokenKeys {
    /// Keys for `secret`; tokens live for `ttl`.
    pub fn new(secret: &[u8], ttl: Duration) -> TokenKeys {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECS;
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl,
        }
    }

    /// How long issued tokens stay valid.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// A token for `user`'s session `session`, valid for the configured lifetime; with
    /// its expiry (Unix seconds).
    pub fn issue(&self, user: &UserRef, session: Id) -> Result<(String, u64), TokenError> {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: user.id,
            name: user.username.clone(),
            sid: session,
            iat: now,
            exp: now.saturating_add(self.ttl.as_secs()),
        };
        let expires_at = claims.exp;
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map(|token| (token, expires_at))
            .map_err(|e| TokenError::Sign(e.to_string()))
    }

    /// The identity in `token`, if it is signed by us and not expired.
    pub fn verify(&self, token: &str) -> Result<AuthUser, TokenError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })?;
        Ok(AuthUser {
            id: data.claims.sub,
            username: data.claims.name,
            session: data.claims.sid,
            expires_at: data.claims.exp,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice() -> UserRef {
        UserRef {
            id: Id::new_v4(),
            username: "alice".into(),
        }
    }

    /// An issued token verifies back to the same user.
    #[test]
    fn issue_then_verify() {
        let keys = TokenKeys::new(b"0123456789abcdef0123", Duration::from_secs(60));
        let user = alice();
        let (token, _) = keys.issue(&user, Id::new_v4()).unwrap();
        let back = keys.verify(&token).unwrap();
        assert_eq!((back.id, back.username), (user.id, user.username));
    }

    /// Tokens signed with another secret, tampered or garbage are refused.
    #[test]
    fn foreign_and_garbage_tokens_refused() {
        let ours = TokenKeys::new(b"0123456789abcdef0123", Duration::from_secs(60));
        let theirs = TokenKeys::new(b"another-secret-entirely", Duration::from_secs(60));
        let (token, _) = theirs.issue(&alice(), Id::new_v4()).unwrap();
        assert!(matches!(ours.verify(&token), Err(TokenError::Invalid)));
        assert!(matches!(ours.verify("not.a.jwt"), Err(TokenError::Invalid)));
    }

    /// A token past its expiry is refused as expired.
    #[test]
    fn expired_token_refused() {
        let keys = TokenKeys::new(b"0123456789abcdef0123", Duration::from_secs(60));
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: Id::new_v4(),
            name: "old".into(),
            sid: Id::new_v4(),
            iat: now - 3600,
            exp: now - 600,
        };
        let token =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding).unwrap();
        assert!(matches!(keys.verify(&token), Err(TokenError::Expired)));
    }
}
