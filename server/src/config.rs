//! The server's configuration: command-line flags with environment fallbacks, and the
//! JWT secret that is generated once into the data directory when none is given.

use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Parser, ValueEnum};

pub use crate::secret::Secret;

/// Name of the file under the data directory that holds the generated JWT secret.
pub const JWT_SECRET_FILE: &str = "jwt-secret";

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

fn parse_secret(s: &str) -> Result<Secret, String> {
    if s.len() < 16 {
        return Err("the JWT secret must be at least 16 bytes long".into());
    }
    Ok(Secret::new(s))
}

/// A bus URL: Redis (`redis://[user:password@]host[:port][/db]`).
fn parse_bus(s: &str) -> Result<Secret, String> {
    let s = s.trim();
    if !(s.starts_with("redis://") || s.starts_with("redis+unix://") || s.starts_with("unix://")) {
        return Err("the bus is a Redis URL: redis://[user:password@]host[:port][/db]".into());
    }
    Ok(Secret::new(s))
}

fn parse_key(s: &str) -> Result<Secret, String> {
    Ok(Secret::new(s.trim()))
}

/// Parses a duration written as a number with an optional unit: `45s`, `30m`, `12h`, `7d`,
/// `250ms`, or plain seconds (`3600`).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (examples: 45s, 30m, 12h, 7d, 250ms)"))?;
    let d = match unit.trim() {
        "" | "s" => Duration::from_secs(n),
        "ms" => Duration::from_millis(n),
        "m" => Duration::from_secs(n.saturating_mul(60)),
        "h" => Duration::from_secs(n.saturating_mul(3600)),
        "d" => Duration::from_secs(n.saturating_mul(86_400)),
        other => {
            return Err(format!(
                "unknown duration unit `{other}` (use ms, s, m, h or d)"
            ));
        }
    };
    Ok(d)
}

/// Everything the server can be told at start. Every flag has a default that works on a
/// fresh machine; see `docs/operations.md`.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "quid-server",
    version,
    about = "Quid's chat server: accounts, groups, WebSocket push, SQLite persistence"
)]
pub struct Config {
    /// TCP port to listen on.
    #[arg(long, env = "PORT", default_value_t = 3001)]
    pub port: u16,

    /// Address to bind.
    #[arg(long, env = "BIND", default_value = "0.0.0.0")]
    pub bind: IpAddr,

    /// Connections the kernel queues for the server before it accepts them (capped by
    /// `net.core.somaxconn`). A reconnect storm beyond it loses SYNs, and each lost one
    /// costs its client a one-second retransmit.
    #[arg(long, default_value_t = 4096)]
    pub listen_backlog: u32,

    /// Directory for the SQLite database and the generated JWT secret.
    #[arg(long, env = "QUID_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// A PostgreSQL database instead of SQLite in the data directory
    /// (`postgres://user@host:5432/quid`); several nodes may share it (see
    /// docs/scale-out.md). Nodes that share it must share `--jwt-secret` too.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, value_parser = parse_database_url)]
    pub database: Option<Secret>,

    /// Origins allowed for CORS and for WebSocket upgrades that carry an `Origin` header
    /// (comma-separated, e.g. `https://chat.example.org`). Empty: no cross-origin access.
    #[arg(long, env = "CORS_ORIGIN", value_delimiter = ',')]
    pub cors_origin: Vec<String>,

    /// Secret for signing tokens (HS256, at least 16 bytes). Without it a random secret is
    /// generated once into `<data-dir>/jwt-secret` (mode 0600) and reused.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true, value_parser = parse_secret)]
    pub jwt_secret: Option<Secret>,

    /// How long a login token stays valid (e.g. 7d, 12h).
    #[arg(long, env = "TOKEN_TTL", default_value = "7d", value_parser = parse_duration)]
    pub token_ttl: Duration,

    /// How long a clarification question waits for its answer (e.g. 30m, 2h); after that
    /// it is dropped and nothing is recorded. 0 closes every question at once.
    #[arg(long, env = "QUESTION_TTL", default_value = "30m", value_parser = parse_duration)]
    pub question_ttl: Duration,

    /// Log line format (the level comes from `RUST_LOG`, default `info`).
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Frames queued for one WebSocket before it counts as a slow reader and is closed
    /// with code 4008.
    #[arg(long, default_value_t = 1024)]
    pub outgoing_queue: usize,

    /// Interval between pings; a connection that has not answered one by the next is
    /// closed with code 4000.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub ping_interval: Duration,

    /// Frames per second one connection may send (sustained).
    #[arg(long, default_value_t = 200)]
    pub rate_limit: u32,

    /// Frames one connection may send in a burst above the sustained rate.
    #[arg(long, default_value_t = 400)]
    pub rate_burst: u32,

    /// Open WebSocket connections at most; beyond it upgrades are refused with 503.
    #[arg(long, default_value_t = 50_000)]
    pub max_connections: usize,

    /// Sends one connection may have awaiting their ack; beyond it the server stops reading
    /// that connection until acks go out.
    #[arg(long, default_value_t = 256)]
    pub max_in_flight: usize,

    /// How long the server tries to deliver a close frame before dropping the socket.
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    pub close_timeout: Duration,

    /// Most write commands committed in one SQLite transaction (group commit). A batch
    /// is what queued while the last one was written, so this bounds it only under
    /// overload, where a larger batch dirties each index page once for more messages.
    #[arg(long, default_value_t = 16384)]
    pub writer_batch: usize,

    /// Read-only SQLite connections serving history, replay and lookups.
    #[arg(long, default_value_t = 4)]
    pub readers: usize,

    /// Page cache of the SQLite writer connection, in KiB.
    #[arg(long, default_value_t = 64 * 1024)]
    pub writer_cache_kib: usize,

    /// Fan-out threads writing published messages to sockets (0: one per core).
    #[arg(long, default_value_t = 0)]
    pub fanout_threads: usize,

    /// Memory, in KiB, for the most recent messages kept to answer `join` with `since`
    /// without reading the database (0 turns it off).
    #[arg(long, default_value_t = 64 * 1024)]
    pub replay_cache_kib: usize,

    /// Argon2id memory cost in KiB for new password hashes.
    #[arg(long, default_value_t = 19 * 1024)]
    pub argon2_memory_kib: u32,

    /// Argon2id iterations for new password hashes.
    #[arg(long, default_value_t = 2)]
    pub argon2_iterations: u32,

    /// The optional language-model reader: an OpenAI-compatible chat-completions URL
    /// (Ollama: `http://127.0.0.1:11434/v1`). Messages the rules cannot read completely
    /// are also read by the model, and its reading is checked like the rules' own. Unset:
    /// the rule-based reader alone.
    #[arg(long, env = "QUID_LLM_URL")]
    pub llm_url: Option<String>,

    /// The model the reader asks (e.g. `llama3.1:8b`, `gpt-4o-mini`); needed with `--llm-url`.
    #[arg(long, env = "QUID_LLM_MODEL")]
    pub llm_model: Option<String>,

    /// A key sent to the model's server as a bearer token (never logged).
    #[arg(long, env = "QUID_LLM_KEY", hide_env_values = true, value_parser = parse_key)]
    pub llm_key: Option<Secret>,

    /// How long the model may take to read one message before the rules' result stands.
    #[arg(long, env = "QUID_LLM_TIMEOUT", default_value = "20s", value_parser = parse_duration)]
    pub llm_timeout: Duration,

    /// Addresses of reverse proxies in front of the server (comma-separated). Only a
    /// request from one of them has its client address taken from `X-Forwarded-For`;
    /// without this flag that header is ignored.
    #[arg(long, env = "TRUSTED_PROXY", value_delimiter = ',')]
    pub trusted_proxy: Vec<IpAddr>,

    /// The longest wait the login and registration throttle imposes (e.g. 5m).
    #[arg(long, default_value = "5m", value_parser = parse_duration)]
    pub throttle_max_delay: Duration,

    /// Failed logins one account may have back to back before each attempt must wait.
    #[arg(long, default_value_t = 5)]
    pub login_free_failures: u32,

    /// Failed logins one client address may have (over all accounts) before each
    /// attempt must wait.
    #[arg(long, default_value_t = 20)]
    pub address_free_failures: u32,

    /// Accounts one client address may register back to back (within an hour) before
    /// each registration must wait; 0: no limit.
    #[arg(long, default_value_t = 10)]
    pub registrations_per_address: u32,

    /// PEM certificate chain: serve HTTPS and WSS (with `--tls-key`).
    #[arg(long, env = "TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key of `--tls-cert`.
    #[arg(long, env = "TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Runs this server as one node of several: the Redis server (pub/sub) through which
    /// the nodes tell each other of new messages, ended memberships and live frames,
    /// e.g. `redis://:password@cache:6379`. The nodes must share one database. Unset:
    /// a single node, nothing leaves the process.
    #[arg(long, env = "REDIS_URL", hide_env_values = true, value_parser = parse_bus)]
    pub bus: Option<Secret>,

    /// The pub/sub channel the nodes meet on (one per cluster sharing a Redis).
    #[arg(long, env = "QUID_BUS_CHANNEL", default_value = crate::bus::redis::DEFAULT_CHANNEL)]
    pub bus_channel: String,

    /// Set up the demo household (users anna, bella, celia, cat and their commitments);
    /// its password is printed at start. For local use only.
    #[arg(long)]
    pub demo: bool,

    /// Instead of serving: a one-off task.
    #[command(subcommand)]
    pub command: Option<Task>,
}

/// One-off tasks of `quid-server`.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Task {
    /// Copies a single-node SQLite store (its data directory) into an empty PostgreSQL
    /// database, then checks that every table has as many rows on both sides. Stop the
    /// server on the data directory first.
    Migrate {
        /// The data directory of the SQLite store.
        #[arg(long, value_name = "DATA_DIR")]
        from: PathBuf,
        /// The PostgreSQL database (postgres://user@host:5432/database).
        #[arg(long, value_name = "URL", value_parser = parse_database_url)]
        to: Secret,
    },
}

impl Config {
    /// Every flag at its default (or its environment fallback), with the given data directory.
    pub fn with_data_dir(data_dir: impl Into<PathBuf>) -> Self {
        let mut config = Config::parse_from(["quid-server"]);
        config.data_dir = data_dir.into();
        config
    }

    /// The throttle's numbers from the flags.
    pub fn throttle_policy(&self) -> crate::auth::throttle::Policy {
        let mut policy = crate::auth::throttle::Policy::standard(self.throttle_max_delay);
        policy.account.free = self.login_free_failures.max(1);
        policy.address.free = self.address_free_failures.max(1);
        policy.registration.free = match self.registrations_per_address {
            0 => u32::MAX,
            n => n,
        };
        policy
    }

    /// Whether the server speaks TLS (HTTPS, WSS).
    pub fn tls(&self) -> bool {
        self.tls_cert.is_some() && self.tls_key.is_some()
    }

    /// Path of the SQLite database file.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("quid.db")
    }

    /// The database this server uses: `--database`, or SQLite in the data directory.
    pub fn database(&self) -> crate::store::Database {
        match &self.database {
            Some(url) => crate::store::Database::Postgres(url.expose_str().to_owned()),
            None => crate::store::Database::Sqlite(self.database_path()),
        }
    }

    /// Where the data lives, for logs and errors: a database URL without its password.
    pub fn database_label(&self) -> String {
        match &self.database {
            Some(url) => crate::secret::without_credentials(url.expose_str()),
            None => self.database_path().display().to_string(),
        }
    }

    /// The configured JWT secret, or the one stored in the data directory (created with
    /// mode 0600 on first use).
    pub fn resolve_jwt_secret(&self) -> std::io::Result<Secret> {
        match &self.jwt_secret {
            Some(secret) => Ok(secret.clone()),
            None => load_or_create_secret(&self.data_dir.join(JWT_SECRET_FILE)),
        }
    }
}

/// A PostgreSQL URL (`postgres://` or `postgresql://`).
fn parse_database_url(s: &str) -> Result<Secret, String> {
    if s.starts_with("postgres://") || s.starts_with("postgresql://") {
        Ok(Secret::new(s))
    } else {
        Err(format!(
            "{:?} is not a PostgreSQL URL (postgres://user@host:5432/database); \
             leave --database out to use SQLite in the data directory",
            crate::secret::without_credentials(s)
        ))
    }
}

fn load_or_create_secret(path: &Path) -> std::io::Result<Secret> {
    match std::fs::read_to_string(path) {
        Ok(s) if s.trim().len() >= 16 => return Ok(Secret::new(s.trim())),
        Ok(_) => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} is shorter than 16 bytes", path.display()),
            ));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let bytes: [u8; 32] = rand::random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(hex.as_bytes())?;
    file.sync_all()?;
    Ok(Secret::new(hex))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Durations accept the documented units and explain bad input.
    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(7 * 86_400)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert!(parse_duration("7w").is_err());
        assert!(parse_duration("soon").is_err());
    }

    /// A generated secret is stored with mode 0600 and the same one is read back.
    #[test]
    fn generated_secret_is_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::with_data_dir(dir.path());
        let first = config.resolve_jwt_secret().unwrap();
        let second = config.resolve_jwt_secret().unwrap();
        assert_eq!(first.expose(), second.expose());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(JWT_SECRET_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(format!("{first:?}"), "Secret([redacted])");
    }
}
