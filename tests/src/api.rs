//! A running server as its clients see it, whether it runs in this process or as a child
//! process: HTTP calls with tokens, accounts, groups, messages, history, metrics, and
//! WebSocket connections.

use std::net::SocketAddr;

use anyhow::{Context, Result, anyhow, bail};
use quid_shared::{AuthResponse, Group, Id, Message, MessageCreated, MessagePage};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::ws::{ClientOptions, WsClient};
use crate::{PASSWORD, TestUser, WAIT};

/// The address of a server and an HTTP client for it.
pub struct Api {
    addr: SocketAddr,
    http: reqwest::Client,
}

impl Api {
    /// Talks to the server at `addr`; every request times out after [`WAIT`].
    pub fn new(addr: SocketAddr) -> Result<Api> {
        Ok(Api {
            addr,
            http: reqwest::Client::builder().timeout(WAIT).build()?,
        })
    }

    /// The server's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:port<path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// An HTTP request with an optional bearer token and JSON body; returns the status
    /// and the JSON body (`null` when empty).
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Result<(StatusCode, Value)> {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status();
        let bytes = response.bytes().await?;
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .with_context(|| format!("not JSON: {}", String::from_utf8_lossy(&bytes)))?
        };
        Ok((status, value))
    }

    /// An HTTP request with extra headers (e.g. `X-Forwarded-For`); returns the status,
    /// the response headers and the JSON body (`null` when empty).
    pub async fn request_with(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> Result<(StatusCode, reqwest::header::HeaderMap, Value)> {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await?;
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .with_context(|| format!("not JSON: {}", String::from_utf8_lossy(&bytes)))?
        };
        Ok((status, headers, value))
    }

    /// Like [`request`](Self::request), but fails unless the status is `expected`, and
    /// parses the body as `T`.
    pub async fn expect<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        expected: StatusCode,
    ) -> Result<T> {
        let (status, value) = self.request(method, path, token, body).await?;
        if status != expected {
            bail!("{path}: expected {expected}, got {status}: {value}");
        }
        serde_json::from_value(value).map_err(|e| anyhow!("{path}: unexpected body: {e}"))
    }

    /// Registers `username` with [`PASSWORD`].
    pub async fn register(&self, username: &str) -> Result<TestUser> {
        self.account("/api/auth/register", username, StatusCode::CREATED)
            .await
    }

    /// Logs `username` in with [`PASSWORD`]: a fresh token.
    pub async fn login(&self, username: &str) -> Result<TestUser> {
        self.account("/api/auth/login", username, StatusCode::OK)
            .await
    }

    async fn account(&self, path: &str, username: &str, status: StatusCode) -> Result<TestUser> {
        let body = json!({"username": username, "password": PASSWORD});
        let auth: AuthResponse = self
            .expect(Method::POST, path, None, Some(body), status)
            .await?;
        Ok(TestUser {
            token: auth.token,
            user: auth.user,
        })
    }

    /// Logs `username` in as a browser does and returns the value of the `token` cookie
    /// the answer sets.
    pub async fn login_cookie(&self, username: &str) -> Result<String> {
        let response = self
            .http
            .post(self.url("/api/auth/login"))
            .json(&json!({"username": username, "password": PASSWORD}))
            .send()
            .await?;
        if response.status() != StatusCode::OK {
            bail!("login of {username}: {}", response.status());
        }
        response
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next()?.trim().strip_prefix("token="))
            .map(str::to_owned)
            .next()
            .ok_or_else(|| anyhow!("login set no token cookie"))
    }

    /// Creates a group owned by `owner` with the given other members.
    pub async fn group(
        &self,
        owner: &TestUser,
        name: &str,
        members: &[&TestUser],
    ) -> Result<Group> {
        let mut group: Group = self
            .expect(
                Method::POST,
                "/api/groups",
                Some(&owner.token),
                Some(json!({"name": name})),
                StatusCode::CREATED,
            )
            .await?;
        for member in members {
            group = self
                .expect(
                    Method::POST,
                    &format!("/api/groups/{}/members", group.id),
                    Some(&owner.token),
                    Some(json!({"username": member.name()})),
                    StatusCode::CREATED,
                )
                .await?;
        }
        Ok(group)
    }

    /// Adds `member` to `group` as `by`.
    pub async fn group_add(&self, by: &TestUser, group: Id, member: &TestUser) -> Result<Group> {
        self.expect(
            Method::POST,
            &format!("/api/groups/{group}/members"),
            Some(&by.token),
            Some(json!({"username": member.name()})),
            StatusCode::CREATED,
        )
        .await
    }

    /// Posts a message over HTTP (`POST /api/messages`).
    pub async fn post(&self, author: &TestUser, group: Id, content: &str) -> Result<Message> {
        let created: MessageCreated = self
            .expect(
                Method::POST,
                "/api/messages",
                Some(&author.token),
                Some(json!({"group_id": group, "content": content})),
                StatusCode::CREATED,
            )
            .await?;
        Ok(created.message)
    }

    /// One page of `group`'s history as `viewer` sees it; `query` is the query string
    /// (`?after=…&limit=…`, or empty).
    pub async fn history_page(
        &self,
        viewer: &TestUser,
        group: Id,
        query: &str,
    ) -> Result<MessagePage> {
        let path = format!("/api/groups/{group}/messages{query}");
        self.expect(
            Method::GET,
            &path,
            Some(&viewer.token),
            None,
            StatusCode::OK,
        )
        .await
    }

    /// All of `group`'s history that `viewer` may see, oldest first, paged forwards.
    pub async fn history(&self, viewer: &TestUser, group: Id) -> Result<Vec<Message>> {
        let mut all: Vec<Message> = Vec::new();
        loop {
            let after = all.last().map_or(0, |m| m.seq);
            let page = self
                .history_page(viewer, group, &format!("?after={after}&limit=500"))
                .await?;
            let more = page.has_more;
            if more && page.messages.is_empty() {
                bail!("an empty history page says there is more after {after}");
            }
            all.extend(page.messages);
            if !more {
                return Ok(all);
            }
        }
    }

    /// Opens an authenticated WebSocket for `user`.
    pub async fn connect(&self, user: &TestUser) -> Result<WsClient> {
        WsClient::connect(self.addr, ClientOptions::bearer(&user.token)).await
    }

    /// Opens a WebSocket with explicit options (token placement, origin, buffers).
    pub async fn connect_with(&self, options: ClientOptions) -> Result<WsClient> {
        WsClient::connect(self.addr, options).await
    }

    /// The value of one Prometheus sample line (`name{labels} value`), 0 when absent.
    pub async fn metric(&self, series: &str) -> Result<f64> {
        let text = self
            .http
            .get(self.url("/metrics"))
            .send()
            .await?
            .text()
            .await?;
        Ok(text
            .lines()
            .filter_map(|line| line.rsplit_once(' '))
            .find(|(name, _)| *name == series)
            .and_then(|(_, value)| value.parse().ok())
            .unwrap_or(0.0))
    }
}
