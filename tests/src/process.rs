//! The `quid-server` program as a child process, for what only a separate process can
//! show: a crash (SIGKILL, no shutdown of any kind) and a metrics registry of its own.
//!
//! It listens on port 0 and logs JSON lines; the address is read from its "listening"
//! line, so no port is guessed. The rest of its log is drained in the background (a full
//! pipe would stall it).

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{Context, Result, anyhow, bail};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

use crate::{ALLOWED_ORIGIN, Api, WAIT};

/// The server program built for these tests: the `quid-server` binary's own source,
/// built by cargo as a binary of this package (see `tests/Cargo.toml`). Only integration
/// tests of this package can name it.
#[macro_export]
macro_rules! server_program {
    () => {
        std::path::Path::new(env!("CARGO_BIN_EXE_quid-server-e2e"))
    };
}

/// A running `quid-server` process. Its HTTP and socket helpers are those of [`Api`].
/// Dropping it kills the process.
pub struct ServerProcess {
    child: Child,
    api: Api,
    data_dir: PathBuf,
}

impl ServerProcess {
    /// Starts `program` on 127.0.0.1, a free port and `data_dir`, with the test settings
    /// (cheap password hashing, the allowed test origin) and then `args`; returns once it
    /// listens.
    pub async fn start(program: &Path, data_dir: &Path, args: &[&str]) -> Result<ServerProcess> {
        let mut child = Command::new(program)
            .args(["--bind", "127.0.0.1", "--port", "0", "--log-format", "json"])
            .args(["--argon2-memory-kib", "256", "--argon2-iterations", "1"])
            .args(["--cors-origin", ALLOWED_ORIGIN])
            .arg("--data-dir")
            .arg(data_dir)
            .args(args)
            // what the flags do not set comes from the data directory, not from here
            .env_remove("JWT_SECRET")
            .env_remove("TOKEN_TTL")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start {}", program.display()))?;
        let stdout = child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?;
        let mut lines = BufReader::new(stdout).lines();
        let mut log = Vec::new();
        let found = tokio::time::timeout(WAIT, listening_addr(&mut lines, &mut log)).await;
        let addr = found
            .map_err(|_| anyhow!("the server did not listen within {WAIT:?}"))
            .and_then(|found| found)
            .with_context(|| format!("server log:\n{}", log.join("\n")))?;
        tokio::spawn(drain(lines));
        Ok(ServerProcess {
            child,
            api: Api::new(addr)?,
            data_dir: data_dir.to_owned(),
        })
    }

    /// Kills the process with SIGKILL — no signal handler, no shutdown, no final commit —
    /// and waits until it is gone.
    pub async fn kill(mut self) -> Result<()> {
        self.child.start_kill()?;
        tokio::time::timeout(WAIT, self.child.wait())
            .await
            .context("the killed server did not exit")??;
        Ok(())
    }

    /// The data directory it runs on.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

impl Deref for ServerProcess {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}

/// Reads log lines (kept in `log`) until the one saying where the server listens.
async fn listening_addr(
    lines: &mut Lines<BufReader<ChildStdout>>,
    log: &mut Vec<String>,
) -> Result<std::net::SocketAddr> {
    while let Some(line) = lines.next_line().await? {
        let fields = serde_json::from_str::<serde_json::Value>(&line)
            .ok()
            .map(|v| v["fields"].clone());
        log.push(line);
        let Some(fields) = fields else { continue };
        if fields["message"] == "quid-server listening" {
            let addr = fields["addr"].as_str().unwrap_or_default();
            return addr
                .parse()
                .with_context(|| format!("listening on `{addr}`?"));
        }
    }
    bail!("the server exited before it listened")
}

/// Reads the rest of the log, so the server never blocks on a full pipe.
async fn drain(mut lines: Lines<BufReader<ChildStdout>>) {
    while let Ok(Some(_)) = lines.next_line().await {}
}
