//! Quid's server as a library, so the binary stays thin and tests run the real thing.
//!
//! Start it with [`serve`] on a bound listener, or with [`start`] which binds from the
//! configuration and returns a [`RunningServer`] handle (used by the tests and the load
//! generator).
//!
//! # Layout
//!
//! - [`config`] — command-line flags with environment fallbacks; the generated JWT secret.
//! - [`datadir`] — the data directory's lock: one process per data dir.
//! - [`state`] — the shared state built once at start; where the message hook is installed.
//! - [`server`] — the accept loop: hyper per connection, `/ws` to [`ws`], the rest to [`http`].
//! - [`http`] — the JSON API as warp filters; every error as `{"error": {"code", "message"}}`.
//! - [`web`] — the browser client: the files of `web/`, embedded, served at `/`.
//! - [`ws`] — WebSocket upgrade, the per-connection session loop (join/replay, send, acks)
//!   and each connection's outbox, through which every byte it is sent is written.
//! - [`pipeline`] — the one path every message takes: validate, persist, publish, hook;
//!   edits, deletions and reactions take it too, as changes of a stored message.
//! - [`ledger`] — commitments and liabilities per group: detection (the hook), changes,
//!   announcements, what-if and why, the `--demo` household.
//! - [`llm`] — the optional language-model reader (`--llm-url`), checked by the rules'
//!   validator.
//! - [`hub`] — rooms, fan-out lanes writing frames serialized once, the newest
//!   messages of every group kept for replay, and who is connected (presence; frames
//!   about people written to a room or to a user's connections).
//! - [`bus`] — how several nodes reach each other's connections: nothing leaves the
//!   process on one node; over Redis pub/sub, a relay per node orders each group's
//!   messages by seq and reads what the bus lost from the database.
//! - [`store`] — one set of queries over two engines: SQLite in WAL in the data directory
//!   (the default) or a PostgreSQL database several nodes share (`--database`), each
//!   with its own schema, sequencer and search; one group-committing writer, readers.
//! - [`task`] — one-off subcommands (`migrate`: a SQLite store into PostgreSQL).
//! - [`auth`] — argon2id passwords, HS256 tokens, where a request carries its token,
//!   sessions across the nodes of a shared database.
//! - [`commitments`] — the pure commitment domain: model, parser, liability solver.
//! - [`tls`] — HTTPS and WSS: rustls at the edge of each connection, plaintext inside.
//! - [`metrics`] — the Prometheus recorder, the handles the hot paths use, and the
//!   delivery-latency histogram kept in fixed atomic buckets.

pub mod auth;
pub mod bus;
pub mod commitments;
pub mod config;
pub mod datadir;
pub mod http;
pub mod hub;
pub mod ledger;
pub mod llm;
pub mod metrics;
pub mod pipeline;
pub mod secret;
mod server;
pub mod state;
pub mod store;
pub mod task;
pub mod tls;
pub mod web;
pub mod ws;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use config::Config;
pub use secret::Secret;

/// How long shutdown waits for connections to close before giving up on them.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs the server on `listener` until `shutdown` is cancelled, then stops accepting,
/// closes every socket with "going away" (1001), commits what the writer holds, and
/// returns.
pub async fn serve(
    config: Config,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let tls = tls::from_config(&config)?;
    // off the async threads: opening a database may block (PostgreSQL's client runs
    // a runtime of its own)
    let state = tokio::task::spawn_blocking(move || state::build(config, shutdown))
        .await
        .context("server setup panicked")??;
    prepare(&state).await?;
    run(state, listener, tls).await
}

async fn run(
    state: Arc<state::AppState>,
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
) -> anyhow::Result<()> {
    let upkeep = spawn_metrics_upkeep(&state, state.shutdown.clone());
    tracing::info!(
        addr = %listener.local_addr().context("listener has no address")?,
        data_dir = %state.config.data_dir.display(),
        tls = tls.is_some(),
        "quid-server listening"
    );
    server::accept_loop(state.clone(), listener, tls).await;
    tracing::info!("shutting down: closing connections");
    state.tasks.close();
    if tokio::time::timeout(DRAIN_TIMEOUT, state.tasks.wait())
        .await
        .is_err()
    {
        tracing::warn!("some connections did not close in time");
    }
    state.store.shutdown().await;
    state.data_dir_lock.release();
    if let Some(upkeep) = upkeep {
        upkeep.abort();
    }
    tracing::info!("shutdown complete");
    Ok(())
}

/// Before serving: the open sessions and the open clarification questions are read, and with `--demo` what is
/// missing of the demo household is created.
async fn prepare(state: &state::AppState) -> anyhow::Result<()> {
    let open = state
        .store
        .read(store::sessions::open)
        .await
        .context("cannot read the open sessions")?;
    for (session, user, expires_at) in open {
        state.auth.sessions.open(session, user, expires_at);
    }
    auth::shared::follow_ended(
        Arc::clone(&state.auth.sessions),
        state.store.clone(),
        state.shutdown.clone(),
    );
    state
        .ledger
        .load_open_questions()
        .await
        .context("cannot read the open questions")?;
    if state.config.demo {
        let data_dir = &state.config.data_dir;
        ledger::demo::set_up(&state.ledger, &state.pipeline, &state.auth.hasher, data_dir)
            .await
            .context("cannot set up the demo")?;
    }
    Ok(())
}

/// Histograms keep samples until a scrape or an upkeep drains them; drain periodically.
fn spawn_metrics_upkeep(
    state: &state::AppState,
    shutdown: CancellationToken,
) -> Option<JoinHandle<()>> {
    let handle = state.prometheus.clone()?;
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = tick.tick() => handle.run_upkeep(),
            }
        }
    }))
}

/// A server started by [`start`].
pub struct RunningServer {
    addr: SocketAddr,
    shutdown: CancellationToken,
    task: JoinHandle<anyhow::Result<()>>,
}

impl RunningServer {
    /// The address it listens on (with the real port when configured with port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Shuts down gracefully and waits until the writer has committed everything.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        self.task.await.context("server task panicked")?
    }
}

/// The listening socket on `config.bind:config.port`, with `config.listen_backlog`
/// (address reuse on, as `TcpListener::bind` sets it).
pub fn listen(config: &Config) -> std::io::Result<TcpListener> {
    let addr = SocketAddr::new(config.bind, config.port);
    let socket = match addr {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(config.listen_backlog.max(1))
}

/// Binds `config.bind:config.port`, opens the data directory and runs the server in the
/// background. Errors (bind, data directory, database) are returned here.
pub async fn start(config: Config) -> anyhow::Result<RunningServer> {
    let tls = tls::from_config(&config)?;
    let listener =
        listen(&config).with_context(|| format!("cannot bind {}:{}", config.bind, config.port))?;
    let addr = listener.local_addr()?;
    let shutdown = CancellationToken::new();
    let token = shutdown.clone();
    let state = tokio::task::spawn_blocking(move || state::build(config, token))
        .await
        .context("server setup panicked")??;
    prepare(&state).await?;
    let task = tokio::spawn(run(state, listener, tls));
    Ok(RunningServer {
        addr,
        shutdown,
        task,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A storm of connections is queued by the kernel while the server has not accepted
    /// them yet: with the old fixed backlog of 128, the connects beyond it lost their SYN,
    /// and with nobody accepting they would never get through. Every one completes here
    /// (the deadline only keeps a broken build from hanging the test).
    #[tokio::test]
    async fn the_backlog_queues_a_connection_storm() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::with_data_dir(dir.path());
        config.bind = [127, 0, 0, 1].into();
        config.port = 0;
        let listener = listen(&config).unwrap();
        let addr = listener.local_addr().unwrap();
        // the kernel caps every backlog at net.core.somaxconn
        let cap = std::fs::read_to_string("/proc/sys/net/core/somaxconn")
            .ok()
            .and_then(|s| s.trim().parse::<usize>().ok())
            .unwrap_or(usize::MAX);
        let storm = 600.min(cap);
        // nobody accepts: only the queue can complete these handshakes
        let connects = (0..storm).map(|_| tokio::net::TcpStream::connect(addr));
        let done = tokio::time::timeout(
            Duration::from_secs(60),
            futures_util::future::join_all(connects),
        )
        .await
        .expect("connects beyond the backlog never complete");
        let open = done.iter().filter(|c| c.is_ok()).count();
        assert_eq!(open, storm);
    }
}
