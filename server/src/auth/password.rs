//! argon2id hashing and verification, run on the blocking pool so a login never stalls
//! the async threads. Unknown users are verified against a dummy hash so that they take
//! as long as a wrong password.

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};

use super::AuthError;

/// Hashes new passwords with the configured cost; verifies any stored argon2 hash.
pub struct PasswordHasher {
    params: Params,
    dummy_hash: String,
}

impl PasswordHasher {
    /// A hasher with the given memory (KiB) and iteration cost.
    pub fn new(memory_kib: u32, iterations: u32) -> Result<PasswordHasher, AuthError> {
        let params = Params::new(memory_kib, iterations, 1, None)
            .map_err(|e| AuthError::Hashing(format!("argon2 parameters: {e}")))?;
        let dummy_hash = hash_with(&params, "not the password of anyone")?;
        Ok(PasswordHasher { params, dummy_hash })
    }

    /// Hashes `password` into a PHC string (`$argon2id$...`).
    pub async fn hash(&self, password: String) -> Result<String, AuthError> {
        let params = self.params.clone();
        metrics::counter!("quid_password_hashes_total").increment(1);
        tokio::task::spawn_blocking(move || hash_with(&params, &password))
            .await
            .map_err(|e| AuthError::Hashing(e.to_string()))?
    }

    /// Checks `password` against `stored` (or, when the user is unknown, against the dummy
    /// hash, always failing) — the same work and the same answer either way.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<(), AuthError> {
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| self.dummy_hash.clone());
        metrics::counter!("quid_password_hashes_total").increment(1);
        let matches = tokio::task::spawn_blocking(move || {
            Argon2::default()
                .verify_password(password.as_bytes(), hash.as_str())
                .is_ok()
        })
        .await
        .map_err(|e| AuthError::Hashing(e.to_string()))?;
        if matches && known {
            Ok(())
        } else {
            Err(AuthError::InvalidCredentials)
        }
    }
}

fn hash_with(params: &Params, password: &str) -> Result<String, AuthError> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hashing(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hash verifies its own password only; unknown users never verify.
    #[tokio::test]
    async fn hash_and_verify() {
        let hasher = PasswordHasher::new(1024, 1).unwrap();
        let hash = hasher.hash("correct horse".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            hasher
                .verify("correct horse".into(), Some(hash.clone()))
                .await
                .is_ok()
        );
        assert!(
            hasher
                .verify("wrong horse".into(), Some(hash))
                .await
                .is_err()
        );
        assert!(
            hasher
                .verify("not the password of anyone".into(), None)
                .await
                .is_err()
        );
    }
}
