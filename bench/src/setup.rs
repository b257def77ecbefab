//! Accounts and groups through Quid's HTTP API. Registering thousands of users is slow by
//! design (argon2), so it runs concurrently, before any measurement starts, and the tokens
//! can be cached in a file and reused by later runs against the same server data.

use std::path::Path;

use futures_util::stream::{self, StreamExt, TryStreamExt};
use quid_shared::{AddMember, AuthResponse, CreateGroup, Credentials, Group, Id};
use serde::{Deserialize, Serialize};

use crate::BenchError;

/// Every benchmark account has this password.
const PASSWORD: &str = "quid-bench-password";
/// Requests in flight while registering accounts or adding members.
const CONCURRENCY: usize = 16;

/// A benchmark account and its token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Account {
    pub id: Id,
    pub username: String,
    pub token: String,
}

/// The HTTP API of the server under test.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    /// An API client for `base` (`http://127.0.0.1:<port>`).
    pub fn new(base: &str) -> Self {
        Api {
            http: reqwest::Client::new(),
            base: base.to_string(),
        }
    }

    /// Accounts `qb0 … qb{n-1}`: taken from `cache` when it holds working tokens, else
    /// registered (or logged in, if they exist already); the cache is then rewritten.
    pub async fn accounts(
        &self,
        n: usize,
        cache: Option<&Path>,
    ) -> Result<Vec<Account>, BenchError> {
        let mut have = match cache {
            Some(path) => self.load_cache(path).await,
            None => Vec::new(),
        };
        if have.len() >= n {
            have.truncate(n);
            return Ok(have);
        }
        let start = have.len();
        let fresh: Vec<Account> = stream::iter(start..n)
            .map(|i| self.account(format!("qb{i}")))
            .buffered(CONCURRENCY)
            .try_collect()
            .await?;
        have.extend(fresh);
        if let Some(path) = cache {
            let json =
                serde_json::to_vec(&have).map_err(|e| BenchError::Protocol(e.to_string()))?;
            std::fs::write(path, json)
                .map_err(|e| BenchError::io(path.display().to_string(), e))?;
        }
        Ok(have)
    }

    async fn load_cache(&self, path: &Path) -> Vec<Account> {
        let Ok(bytes) = std::fs::read(path) else {
            return Vec::new();
        };
        let Ok(accounts) = serde_json::from_slice::<Vec<Account>>(&bytes) else {
            return Vec::new();
        };
        let still_valid = match accounts.first() {
            Some(a) => self
                .http
                .get(format!("{}/api/me", self.base))
                .bearer_auth(&a.token)
                .send()
                .await
                .is_ok_and(|r| r.status().is_success()),
            None => false,
        };
        if still_valid { accounts } else { Vec::new() }
    }

    /// Registers `username`, or logs in if it is taken.
    async fn account(&self, username: String) -> Result<Account, BenchError> {
        let creds = Credentials {
            username: username.clone(),
            password: PASSWORD.into(),
        };
        let r = self.post("/api/auth/register", None, &creds).await?;
        let auth: AuthResponse = if r.status().as_u16() == 409 {
            let r = self.post("/api/auth/login", None, &creds).await?;
            json(r, "login").await?
        } else {
            json(r, "register").await?
        };
        Ok(Account {
            id: auth.user.id,
            username,
            token: auth.token,
        })
    }

    /// Creates a group owned by `members[0]` and adds the other members.
    pub async fn group(&self, name: &str, members: &[Account]) -> Result<Id, BenchError> {
        let owner = members
            .first()
            .ok_or_else(|| BenchError::Usage("a group needs at least one member".into()))?;
        let body = CreateGroup {
            name: name.into(),
            description: None,
        };
        let r = self.post("/api/groups", Some(&owner.token), &body).await?;
        let group: Group = json(r, "create group").await?;
        let path = format!("/api/groups/{}/members", group.id);
        stream::iter(&members[1..])
            .map(|m| {
                let path = &path;
                async move {
                    let body = AddMember {
                        username: m.username.clone(),
                    };
                    let r = self.post(path, Some(&owner.token), &body).await?;
                    ok(r, "add member").await
                }
            })
            .buffer_unordered(CONCURRENCY)
            .try_collect::<Vec<()>>()
            .await?;
        Ok(group.id)
    }

    async fn post<B: Serialize>(
        &self,
        path: &str,
        token: Option<&str>,
        body: &B,
    ) -> Result<reqwest::Response, BenchError> {
        let mut req = self.http.post(format!("{}{path}", self.base)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.map_err(|source| BenchError::Http {
            what: path.into(),
            source,
        })
    }
}

async fn ok(r: reqwest::Response, what: &str) -> Result<(), BenchError> {
    if r.status().is_success() {
        Ok(())
    } else {
        Err(refused(r, what).await)
    }
}

/// The error for a refused request, carrying the server's error body.
async fn refused(r: reqwest::Response, what: &str) -> BenchError {
    BenchError::Refused {
        what: what.into(),
        status: r.status().as_u16(),
        body: r.text().await.unwrap_or_default(),
    }
}

async fn json<T: serde::de::DeserializeOwned>(
    r: reqwest::Response,
    what: &str,
) -> Result<T, BenchError> {
    if !r.status().is_success() {
        return Err(refused(r, what).await);
    }
    r.json().await.map_err(|source| BenchError::Http {
        what: what.into(),
        source,
    })
}
