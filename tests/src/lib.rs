//! Harness for the end-to-end tests: start the real server in-process on 127.0.0.1:0 with
//! a temporary data directory, create accounts and groups over HTTP, and talk to it over
//! real WebSocket connections. Every wait has a timeout, so a broken server fails a test
//! instead of hanging it.

pub mod process;
mod ws;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use quid_server::{Config, RunningServer};
use quid_shared::{AuthResponse, Group, Id, Message, MessageCreated, User};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;

pub use process::{NodeProcess, node_args};
pub use ws::{ClientOptions, Event, WsClient};

/// How long any single wait on the network may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(10);

/// A password every test account uses.
pub const PASSWORD: &str = "correct horse battery";

/// The real server, running in this process on a temporary data directory.
pub struct TestServer {
    server: Option<RunningServer>,
    config: Config,
    dir: Arc<TempDir>,
    http: reqwest::Client,
}

/// An account created through the API, with its token.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub token: String,
    pub user: User,
}

impl TestUser {
    pub fn id(&self) -> Id {
        self.user.id
    }

    pub fn name(&self) -> &str {
        &self.user.username
    }
}

/// The configuration tests start from: loopback, port 0, cheap password hashing.
pub fn test_config(data_dir: &std::path::Path) -> Config {
    let mut config = Config::with_data_dir(data_dir);
    config.bind = [127, 0, 0, 1].into();
    config.port = 0;
    config.argon2_memory_kib = 256;
    config.argon2_iterations = 1;
    config.cors_origin = vec!["http://allowed.example".into()];
    config
}

impl TestServer {
    /// Starts a server with the test configuration.
    pub async fn start() -> Result<TestServer> {
        TestServer::start_with(|_| {}).await
    }

    /// Starts a server with the test configuration as changed by `adjust`.
    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Result<TestServer> {
        let dir = Arc::new(tempfile::tempdir()?);
        let mut config = test_config(dir.path());
        adjust(&mut config);
        let server = quid_server::start(config.clone()).await?;
        Ok(TestServer {
            server: Some(server),
            config,
            dir,
            http: reqwest::Client::builder().timeout(WAIT).build()?,
        })
    }

    /// Stops the server gracefully and starts a new one on the same data directory (and
    /// configuration; the port changes).
    pub async fn restart(mut self) -> Result<TestServer> {
        if let Some(server) = self.server.take() {
            server.shutdown().await?;
        }
        let server = quid_server::start(self.config.clone()).await?;
        self.server = Some(server);
        Ok(self)
    }

    /// Stops the server gracefully.
    pub async fn shutdown(mut self) -> Result<()> {
        match self.server.take() {
            Some(server) => tokio::time::timeout(WAIT * 2, server.shutdown())
                .await
                .context("shutdown timed out")?,
            None => Ok(()),
        }
    }

    /// The server's address.
    pub fn addr(&self) -> SocketAddr {
        self.server
            .as_ref()
            .map(RunningServer::addr)
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// The data directory (kept alive as long as this server).
    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// `http://127.0.0.1:port<path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr(), path)
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
        let body = json!({"username": username, "password": PASSWORD});
        let auth: AuthResponse = self
            .expect(
                Method::POST,
                "/api/auth/register",
                None,
                Some(body),
                StatusCode::CREATED,
            )
            .await?;
        Ok(TestUser {
            token: auth.token,
            user: auth.user,
        })
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

    /// Opens an authenticated WebSocket for `user`.
    pub async fn connect(&self, user: &TestUser) -> Result<WsClient> {
        WsClient::connect(self.addr(), ClientOptions::bearer(&user.token)).await
    }

    /// Opens a WebSocket with explicit options (token placement, origin, buffers).
    pub async fn connect_with(&self, options: ClientOptions) -> Result<WsClient> {
        WsClient::connect(self.addr(), options).await
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
