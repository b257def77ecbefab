//! One server node under test: either the `quid-server` binary started here on a temp data
//! dir and a free port (so its CPU and RSS are measured for it alone), or a server already
//! running at a URL (with its pid, if given, for the same readings).

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};

use crate::BenchError;
use crate::proc_stats::Proc;

/// How long a started server may take to answer `/health`.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a stopped server may take to exit after SIGTERM.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// The path of the server's WebSocket endpoint.
pub const WS_PATH: &str = "/ws";

/// A server the benchmark talks to.
pub struct Target {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The socket address the WebSocket connections dial.
    pub addr: SocketAddr,
    /// The server process, when known.
    pub proc: Option<Proc>,
    child: Option<Child>,
    data_dir: PathBuf,
    _temp: Option<tempfile::TempDir>,
}

impl Target {
    /// A server already running at `url` (e.g. `http://127.0.0.1:3001`).
    pub fn attach(url: &str, pid: Option<u32>) -> Result<Self, BenchError> {
        let base = url.trim_end_matches('/').to_string();
        let hostport = base
            .strip_prefix("http://")
            .ok_or_else(|| BenchError::Usage(format!("--url must start with http://: {url}")))?;
        let addr: SocketAddr = hostport.parse().map_err(|_| {
            BenchError::Usage(format!("--url must be http://<ip>:<port>, got {url}"))
        })?;
        if !addr.ip().is_loopback() {
            return Err(BenchError::Usage(format!(
                "refusing to load a non-loopback address: {addr}"
            )));
        }
        Ok(Target {
            base,
            addr,
            proc: pid.map(Proc::Pid),
            child: None,
            data_dir: std::env::temp_dir(),
            _temp: None,
        })
    }

    /// Starts `bin` on 127.0.0.1 and a free port with its data in `data_dir` (a fresh temp
    /// dir when `None`), `extra` arguments and, when given, `jwt_secret` (as `JWT_SECRET`,
    /// so an explicit `--jwt-secret` among `extra` wins), and waits until it answers
    /// `/health`.
    pub async fn spawn(
        bin: &Path,
        data_dir: Option<&Path>,
        extra: &[String],
        jwt_secret: Option<&str>,
    ) -> Result<Self, BenchError> {
        let (temp, dir) = match data_dir {
            Some(d) => {
                std::fs::create_dir_all(d)
                    .map_err(|e| BenchError::io(d.display().to_string(), e))?;
                (None, d.to_path_buf())
            }
            None => {
                let t = tempfile::tempdir().map_err(|e| BenchError::io("temp dir", e))?;
                let p = t.path().to_path_buf();
                (Some(t), p)
            }
        };
        let port = free_port()?;
        let log_path = dir.join("server.log");
        let log = std::fs::File::create(&log_path)
            .map_err(|e| BenchError::io(log_path.display().to_string(), e))?;
        let log_err = log
            .try_clone()
            .map_err(|e| BenchError::io(log_path.display().to_string(), e))?;
        let mut command = Command::new(bin);
        if let Some(secret) = jwt_secret {
            command.env("JWT_SECRET", secret);
        }
        let child = command
            .arg("--bind")
            .arg("127.0.0.1")
            .arg("--port")
            .arg(port.to_string())
            .arg("--data-dir")
            .arg(&dir)
            // the load generator registers its accounts from one address
            .arg("--registrations-per-address")
            .arg("0")
            .args(extra)
            .env(
                "RUST_LOG",
                std::env::var("QUID_BENCH_SERVER_LOG").unwrap_or("warn".into()),
            )
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| BenchError::io(format!("starting {}", bin.display()), e))?;
        let pid = child
            .id()
            .ok_or_else(|| BenchError::Server("exited at once".into()))?;
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let target = Target {
            base: format!("http://{addr}"),
            addr,
            proc: Some(Proc::Pid(pid)),
            child: Some(child),
            data_dir: dir,
            _temp: temp,
        };
        target.wait_healthy().await?;
        Ok(target)
    }

    /// The default server binary: `quid-server` next to this executable.
    pub fn default_bin() -> Result<PathBuf, BenchError> {
        let me = std::env::current_exe().map_err(|e| BenchError::io("current exe", e))?;
        Ok(me.with_file_name("quid-server"))
    }

    /// Where the server keeps its data (also where the account cache goes).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// `ws://…/ws`.
    pub fn ws_url(&self) -> String {
        format!("ws://{}{WS_PATH}", self.addr)
    }

    async fn wait_healthy(&self) -> Result<(), BenchError> {
        let http = reqwest::Client::new();
        let deadline = Instant::now() + START_TIMEOUT;
        let url = format!("{}/health", self.base);
        while Instant::now() < deadline {
            if let Ok(r) = http.get(&url).send().await
                && r.status().is_success()
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(BenchError::Timeout(format!(
            "{url} (see {}/server.log)",
            self.data_dir.display()
        )))
    }

    /// Stops a server this run started: SIGTERM, then a kill if it does not exit in time.
    pub async fn shutdown(mut self) -> Result<(), BenchError> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        if let Some(pid) = child.id().and_then(|p| i32::try_from(p).ok()) {
            // SAFETY: sending a signal to our own child process.
            unsafe {
                libc::kill(pid, libc::SIGTERM);
            }
        }
        match tokio::time::timeout(STOP_TIMEOUT, child.wait()).await {
            Ok(Ok(_)) => Ok(()),
            _ => {
                let _ = child.start_kill();
                Err(BenchError::Server(
                    "did not stop within 10 s of SIGTERM; killed".into(),
                ))
            }
        }
    }
}

fn free_port() -> Result<u16, BenchError> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| BenchError::io("picking a port", e))?;
    let port = l
        .local_addr()
        .map_err(|e| BenchError::io("picking a port", e))?
        .port();
    Ok(port)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only loopback http URLs are accepted as targets.
    #[test]
    fn attach_accepts_only_loopback_http() {
        let t = Target::attach("http://127.0.0.1:3001/", Some(7)).unwrap();
        assert_eq!(t.base, "http://127.0.0.1:3001");
        assert_eq!(t.ws_url(), "ws://127.0.0.1:3001/ws");
        assert!(Target::attach("http://10.0.0.1:3001", None).is_err());
        assert!(Target::attach("https://127.0.0.1:3001", None).is_err());
    }
}
