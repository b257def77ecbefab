//! End-to-end helpers: the real server in-process on 127.0.0.1 with a temp data dir, and
//! the real `quid` binary run with its own config directory per user (nothing touches the
//! real home). Every wait has a timeout.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

/// Longest any single step may take before the test fails.
pub const STEP: Duration = Duration::from_secs(20);

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A running server and the data directory it keeps. Unlike the workspace harness's
/// `TestServer`, it can stop and come back on the same address, as a restarted server does
/// for clients that reconnect to a fixed URL.
pub struct Server {
    pub data: TempDir,
    pub addr: SocketAddr,
    running: Option<quid_server::RunningServer>,
}

impl Server {
    /// Starts a server on a free port.
    pub async fn start() -> Result<Self, Box<dyn std::error::Error>> {
        let data = tempfile::tempdir()?;
        let running = launch(data.path(), 0).await?;
        let addr = running.addr();
        Ok(Server {
            data,
            addr,
            running: Some(running),
        })
    }

    /// The base URL clients use.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the server gracefully (clients see "going away").
    pub async fn stop(&mut self) -> TestResult {
        if let Some(running) = self.running.take() {
            tokio::time::timeout(STEP, running.shutdown()).await??;
        }
        Ok(())
    }

    /// Starts it again on the same address and data directory.
    pub async fn restart(&mut self) -> TestResult {
        self.stop().await?;
        let mut last_error = None;
        for _ in 0..50 {
            match launch(self.data.path(), self.addr.port()).await {
                Ok(running) => {
                    self.running = Some(running);
                    return Ok(());
                }
                Err(e) => {
                    last_error = Some(e);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        Err(format!("cannot restart the server: {last_error:?}").into())
    }
}

async fn launch(
    data: &Path,
    port: u16,
) -> Result<quid_server::RunningServer, Box<dyn std::error::Error>> {
    // The workspace's test configuration (loopback, cheap hashing), on a chosen port so a
    // restart comes back where the clients are reconnecting to.
    let mut config = quid_tests::test_config(data);
    config.port = port;
    Ok(quid_server::start(config).await?)
}

/// One user of the CLI: a config directory of their own.
pub struct User {
    pub name: String,
    pub server: String,
    pub home: TempDir,
    /// Given as `QUID_CA_CERT`: the authority of a TLS server's certificate.
    pub ca_cert: Option<PathBuf>,
}

impl User {
    /// A user of `server` who has not registered yet.
    pub fn new(server: &str, name: &str) -> Result<Self, Box<dyn std::error::Error>> {
        Ok(User {
            name: name.to_owned(),
            server: server.to_owned(),
            home: tempfile::tempdir()?,
            ca_cert: None,
        })
    }

    /// Registers through `quid register` (password on stdin) and keeps the token.
    pub async fn register(server: &str, name: &str) -> Result<Self, Box<dyn std::error::Error>> {
        let user = User::new(server, name)?;
        let out = user
            .run_with_stdin(
                &["register", name, "--password-stdin"],
                "correct horse battery\n",
            )
            .await?;
        if !out.status.success() {
            return Err(format!("register {name} failed: {}", stderr(&out)).into());
        }
        Ok(user)
    }

    pub fn config_dir(&self) -> PathBuf {
        self.home.path().join("config")
    }

    /// `quid ARGS` for this user, with nothing inherited that could point elsewhere.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_quid"));
        command
            .args(args)
            .env_remove("QUID_TOKEN")
            .env_remove("QUID_PASSWORD")
            .env("QUID_SERVER", &self.server)
            .env("QUID_CONFIG_DIR", self.config_dir())
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        match &self.ca_cert {
            Some(ca) => command.env("QUID_CA_CERT", ca),
            None => command.env_remove("QUID_CA_CERT"),
        };
        command
    }

    /// Runs `quid ARGS` to completion.
    pub async fn run(&self, args: &[&str]) -> Result<Output, Box<dyn std::error::Error>> {
        finish(self.command(args)).await
    }

    /// Runs `quid ARGS` with `input` on stdin.
    pub async fn run_with_stdin(
        &self,
        args: &[&str],
        input: &str,
    ) -> Result<Output, Box<dyn std::error::Error>> {
        let mut child = self.command(args).stdin(Stdio::piped()).spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(input.as_bytes()).await?;
        }
        Ok(tokio::time::timeout(STEP, child.wait_with_output()).await??)
    }

    /// Runs `quid ARGS` and fails the test unless it succeeds.
    pub async fn ok(&self, args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
        let out = self.run(args).await?;
        if !out.status.success() {
            return Err(format!("quid {args:?} failed: {}", stderr(&out)).into());
        }
        Ok(String::from_utf8(out.stdout)?)
    }

    /// Starts `quid tail --json` on `group` from `since`.
    pub fn tail(&self, group: &str, since: i64) -> Result<Tail, Box<dyn std::error::Error>> {
        let since = since.to_string();
        let mut child = self
            .command(&["tail", "--group", group, "--since", &since, "--json"])
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        Ok(Tail {
            child,
            lines: BufReader::new(stdout).lines(),
        })
    }
}

/// A running `quid tail --json`.
pub struct Tail {
    pub child: Child,
    lines: Lines<BufReader<ChildStdout>>,
}

impl Tail {
    /// The next message it prints.
    pub async fn next(&mut self) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
        let line = tokio::time::timeout(STEP, self.lines.next_line())
            .await
            .map_err(|_| "tail printed nothing in time")??
            .ok_or("tail ended")?;
        Ok(serde_json::from_str(&line)?)
    }

    /// Messages until one has `content`, inclusive.
    pub async fn until(
        &mut self,
        content: &str,
    ) -> Result<Vec<serde_json::Value>, Box<dyn std::error::Error>> {
        let mut seen = Vec::new();
        loop {
            let message = self.next().await?;
            let done = message["content"] == content;
            seen.push(message);
            if done {
                return Ok(seen);
            }
        }
    }
}

/// Runs a prepared command to completion, within [`STEP`].
pub async fn finish(mut command: Command) -> Result<Output, Box<dyn std::error::Error>> {
    Ok(tokio::time::timeout(STEP, command.output()).await??)
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// alice creates `team` and adds the others.
pub async fn team(alice: &User, others: &[&User]) -> TestResult {
    alice.ok(&["groups", "create", "team"]).await?;
    for other in others {
        alice
            .ok(&["groups", "add-member", "team", &other.name])
            .await?;
    }
    Ok(())
}

/// Waits for the first event `want` accepts, failing after [`STEP`].
pub async fn wait_for<T>(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<quid_client::ws::WsEvent>,
    seen: &mut Vec<quid_client::ws::WsEvent>,
    mut want: impl FnMut(&quid_client::ws::WsEvent) -> Option<T>,
) -> Result<T, Box<dyn std::error::Error>> {
    let deadline = tokio::time::Instant::now() + STEP;
    loop {
        let event = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .map_err(|_| format!("timed out; events so far: {seen:?}"))?
            .ok_or("connection manager stopped")?;
        let found = want(&event);
        seen.push(event);
        if let Some(found) = found {
            return Ok(found);
        }
    }
}

/// Registers `name` through the API: a client holding its token, and its user id.
pub async fn account(
    server: &str,
    name: &str,
) -> Result<(quid_client::api::ApiClient, quid_shared::Id), Box<dyn std::error::Error>> {
    use quid_client::api::ApiClient;
    let auth = ApiClient::new(server, None)?
        .register(&quid_shared::Credentials {
            username: name.into(),
            password: "correct horse battery".into(),
        })
        .await?;
    Ok((ApiClient::new(server, Some(auth.token))?, auth.user.id))
}

/// A group `name` made by `creator`, with `member` added.
pub async fn group_with(
    creator: &quid_client::api::ApiClient,
    name: &str,
    member: &str,
) -> Result<quid_shared::Id, Box<dyn std::error::Error>> {
    let group = creator
        .create_group(&quid_shared::CreateGroup {
            name: name.into(),
            description: None,
        })
        .await?
        .id;
    creator.add_member(group, member).await?;
    Ok(group)
}
