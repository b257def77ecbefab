//! Harness for the end-to-end tests: start the real server in-process on 127.0.0.1:0 with
//! a temporary data directory (or the real program as a child process, to kill it), create
//! accounts and groups over HTTP, and talk to it over real WebSocket connections. Every
//! wait has a deadline, so a broken server fails a test instead of hanging it.
//!
//! # Layout
//!
//! - [`api`] — a running server as its clients see it: HTTP calls, accounts, history,
//!   metrics, sockets.
//! - [`process`] — the `quid-server` program as a child process (started, killed with
//!   SIGKILL, or expected to refuse to start).
//! - [`ws`] — the WebSocket test client.
//! - [`cluster`] — several server processes on one PostgreSQL schema and one Redis channel.
//! - [`pg`] — a fresh PostgreSQL schema per server, for the scale-out tests and for the
//!   whole suite on PostgreSQL (`QUID_TEST_ENGINE=postgres`).
//! - [`model`] — a stand-in for a language model's server, answering from recorded replies.
//! - [`tls`] — a private certificate authority and a server certificate, made in the test.

pub mod api;
pub mod cluster;
pub mod model;
pub mod pg;
pub mod process;
pub mod tls;
mod ws;

use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use quid_server::{Config, RunningServer};
use quid_shared::{Id, User};
use tempfile::TempDir;

pub use api::Api;
pub use process::{NodeProcess, node_args};
pub use ws::{ClientOptions, Event, WsClient};

/// How long any single wait on the network may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(10);

/// A password every test account uses.
pub const PASSWORD: &str = "correct horse battery";

/// The origin the test configuration allows (and the only one).
pub const ALLOWED_ORIGIN: &str = "http://allowed.example";

/// The real server, running in this process on a temporary data directory. Its HTTP and
/// socket helpers are those of [`Api`].
pub struct TestServer {
    server: Option<RunningServer>,
    config: Config,
    dir: Arc<TempDir>,
    api: Api,
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

/// The configuration tests start from: loopback, port 0, cheap password hashing, no
/// limit on registrations per address.
pub fn test_config(data_dir: &std::path::Path) -> Config {
    let mut config = Config::with_data_dir(data_dir);
    config.bind = [127, 0, 0, 1].into();
    config.port = 0;
    config.argon2_memory_kib = 256;
    config.argon2_iterations = 1;
    config.cors_origin = vec![ALLOWED_ORIGIN.into()];
    // tests register many accounts from one address; the throttle's own tests set it
    config.registrations_per_address = 0;
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
        if pg::suite_on_postgres() {
            let url = pg::fresh_schema_async()
                .await?
                .context("QUID_TEST_ENGINE=postgres, but PostgreSQL is not reachable")?;
            config.database = Some(quid_server::Secret::new(url));
        }
        adjust(&mut config);
        let server = quid_server::start(config.clone()).await?;
        let api = Api::new(server.addr())?;
        Ok(TestServer {
            server: Some(server),
            config,
            dir,
            api,
        })
    }

    /// Stops the server gracefully and starts a new one on the same data directory (and
    /// configuration; the port changes).
    pub async fn restart(self) -> Result<TestServer> {
        self.restart_with(|_| {}).await
    }

    /// Stops the server gracefully and starts a new one on the same data directory, with
    /// the configuration as changed by `adjust` (the port changes).
    pub async fn restart_with(mut self, adjust: impl FnOnce(&mut Config)) -> Result<TestServer> {
        if let Some(server) = self.server.take() {
            server.shutdown().await?;
        }
        adjust(&mut self.config);
        let server = quid_server::start(self.config.clone()).await?;
        self.api = Api::new(server.addr())?;
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

    /// The data directory (kept alive as long as this server).
    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }
}

impl Deref for TestServer {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}
