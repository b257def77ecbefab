//! Real `quid-server` processes for tests that need more than one server, a server that
//! dies (SIGKILL: no shutdown of any kind), or a metrics registry of its own: started from
//! the server's own `main` (built into this package as `quid-node`), with their log read
//! continuously (so a full pipe never stalls them) and their address taken from the
//! "listening" line. A running one offers the HTTP and socket helpers of [`Api`].

use std::net::SocketAddr;
use std::ops::Deref;
use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, anyhow, bail};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::watch;

use crate::{Api, WAIT};

/// The server program built for these tests (`quid-node`). Only integration tests of this
/// package can name it.
#[macro_export]
macro_rules! node_program {
    () => {
        std::path::Path::new(env!("CARGO_BIN_EXE_quid-node"))
    };
}

/// A running server process; dropping it kills the process.
pub struct NodeProcess {
    child: Child,
    api: Api,
    log: Arc<Mutex<Vec<String>>>,
}

/// How a process that was expected to fail ended.
#[derive(Debug)]
pub struct Exited {
    pub status: ExitStatus,
    /// Everything it printed, stdout and stderr.
    pub output: String,
}

/// What a started process did first: listen, or exit.
enum Start {
    Listening(SocketAddr),
    Exited(Exited),
}

/// The common arguments of a test node: loopback, any free port, cheap password hashing.
pub fn node_args(data_dir: &Path) -> Vec<String> {
    [
        "--bind",
        "127.0.0.1",
        "--port",
        "0",
        "--argon2-memory-kib",
        "256",
        "--argon2-iterations",
        "1",
        "--registrations-per-address",
        "0",
        "--data-dir",
    ]
    .into_iter()
    .map(str::to_owned)
    .chain([data_dir.display().to_string()])
    .collect()
}

impl NodeProcess {
    /// Starts `bin` with `args` and waits until it listens.
    pub async fn spawn(bin: &Path, args: &[String]) -> Result<NodeProcess> {
        match start(bin, args).await? {
            (Start::Listening(addr), child, log) => Ok(NodeProcess {
                child,
                api: Api::new(addr)?,
                log,
            }),
            (Start::Exited(exited), ..) => bail!(
                "the server exited ({}) instead of listening:\n{}",
                exited.status,
                exited.output
            ),
        }
    }

    /// Starts `bin` with `args`, expecting it to exit without ever listening.
    pub async fn expect_exit(bin: &Path, args: &[String]) -> Result<Exited> {
        match start(bin, args).await? {
            (Start::Exited(exited), ..) => Ok(exited),
            (Start::Listening(addr), mut child, _) => {
                let _ = child.kill().await;
                bail!("the server started on {addr}, though it should have refused to")
            }
        }
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id().unwrap_or(0)
    }

    /// What it has printed so far.
    pub fn log(&self) -> String {
        self.log.lock().map(|l| l.join("\n")).unwrap_or_default()
    }

    /// `kill -9`, and waits until it is gone.
    pub async fn kill(mut self) -> Result<()> {
        self.child.kill().await.context("cannot kill the server")
    }

    /// SIGTERM (a graceful stop), and waits until it has exited.
    pub async fn terminate(mut self) -> Result<ExitStatus> {
        if let Some(pid) = self.child.id() {
            // SAFETY: a signal to our own child, which has not been reaped yet.
            unsafe { libc::kill(pid as i32, libc::SIGTERM) };
        }
        tokio::time::timeout(WAIT * 2, self.child.wait())
            .await
            .context("the server did not stop after SIGTERM")?
            .context("cannot wait for the server")
    }
}

impl Deref for NodeProcess {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}

async fn start(bin: &Path, args: &[String]) -> Result<(Start, Child, Arc<Mutex<Vec<String>>>)> {
    let mut child = Command::new(bin)
        .args(args)
        .env("RUST_LOG", "info")
        .env("LOG_FORMAT", "text")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("cannot start {}", bin.display()))?;
    let log = Arc::new(Mutex::new(Vec::new()));
    let (listening, mut address) = watch::channel(None);
    let listening = Arc::new(listening);
    let mut readers = Vec::new();
    for pipe in [
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn AsyncRead + Send + Unpin>),
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn AsyncRead + Send + Unpin>),
    ]
    .into_iter()
    .flatten()
    {
        readers.push(tokio::spawn(read_log(
            pipe,
            Arc::clone(&log),
            Arc::clone(&listening),
        )));
    }
    let first = tokio::time::timeout(WAIT * 2, async {
        tokio::select! {
            addr = address.wait_for(Option::is_some) => {
                let addr = addr.map_err(|_| anyhow!("the log ended"))?;
                Ok::<_, anyhow::Error>(Start::Listening(addr.unwrap_or(([0, 0, 0, 0], 0).into())))
            }
            status = child.wait() => {
                let status = status.context("cannot wait for the server")?;
                // the readers end with the pipes: then every line is in
                for reader in readers.drain(..) {
                    let _ = reader.await;
                }
                let output = log.lock().map(|l| l.join("\n")).unwrap_or_default();
                Ok(Start::Exited(Exited { status, output }))
            }
        }
    })
    .await
    .context("the server neither listened nor exited in time")??;
    Ok((first, child, log))
}

/// Keeps every line, and announces the address of the "listening" line.
async fn read_log(
    pipe: Box<dyn AsyncRead + Send + Unpin>,
    log: Arc<Mutex<Vec<String>>>,
    listening: Arc<watch::Sender<Option<SocketAddr>>>,
) {
    let mut lines = BufReader::new(pipe).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if line.contains("quid-server listening") {
            let addr = line
                .split_whitespace()
                .find_map(|word| word.strip_prefix("addr="))
                .and_then(|a| a.parse().ok());
            if let Some(addr) = addr {
                listening.send_replace(Some(addr));
            }
        }
        if let Ok(mut log) = log.lock() {
            log.push(line);
        }
    }
}
