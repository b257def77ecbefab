//! The shared state of one running server, built once from the configuration: store,
//! hub, pipeline (with its message hook), auth keys, metrics, and the shutdown signal.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use anyhow::Context;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::auth::Auth;
use crate::bus::{Bus, LocalBus, RedisBus};
use crate::config::Config;
use crate::datadir::DataDirLock;
use crate::hub::{ConnId, Hub, LocalHub, Presence};
use crate::ledger::Ledger;
use crate::ledger::detect::DetectionHook;
use crate::metrics::ConnMetrics;
use crate::pipeline::Pipeline;
use crate::store::{Store, StoreOptions};

/// Everything a request or a connection needs, behind one `Arc`.
pub struct AppState {
    pub config: Config,
    /// This process's hold on the data directory, given up at shutdown.
    pub data_dir_lock: DataDirLock,
    pub store: Store,
    /// This node's rooms: subscriptions and replay.
    pub hub: Arc<dyn Hub>,
    /// Who is connected to this node now, and their connections.
    pub presence: Arc<Presence>,
    /// Every effect that must reach the connections of every node (new messages, ended
    /// memberships, frames for a user or a room) goes through it.
    pub bus: Arc<dyn Bus>,
    pub pipeline: Pipeline,
    /// Commitments and liabilities of every group.
    pub ledger: Arc<Ledger>,
    pub auth: Auth,
    pub prometheus: Option<PrometheusHandle>,
    pub conn_metrics: Arc<ConnMetrics>,
    /// The clock of every connection's rate limiter: made once, because making one
    /// calibrates it (a tenth of a connection's setup cost).
    pub rate_clock: governor::clock::DefaultClock,
    /// Cancelled when the server shuts down.
    pub shutdown: CancellationToken,
    /// Every connection task, so shutdown can wait for them.
    pub tasks: TaskTracker,
    next_conn: AtomicU64,
    /// Open WebSocket connections, counted against `--max-connections`.
    open_connections: Arc<AtomicUsize>,
}

/// One of the `--max-connections` places, held by an upgrade and then its session;
/// given back when dropped.
pub struct ConnectionSlot(Arc<AtomicUsize>);

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl AppState {
    /// A process-unique id for a new WebSocket connection.
    pub fn next_conn_id(&self) -> ConnId {
        self.next_conn.fetch_add(1, Ordering::Relaxed)
    }

    /// A place for one more WebSocket connection, unless all are taken.
    pub fn connection_slot(&self) -> Option<ConnectionSlot> {
        let open = &self.open_connections;
        let before = open.fetch_add(1, Ordering::Relaxed);
        let slot = ConnectionSlot(Arc::clone(open));
        (before < self.config.max_connections).then_some(slot)
    }

    /// The caller a token proves, if it is ours, unexpired and its session open (opened
    /// on this node or, on a shared database, on any); with the signal its session ends on.
    pub async fn authenticate(
        &self,
        token: &str,
    ) -> Result<(crate::auth::AuthUser, CancellationToken), crate::auth::TokenError> {
        crate::auth::shared::check(&self.auth, &self.store, token).await
    }

    /// Whether a request may act with the user's cookie: it comes from our own page, from
    /// an origin in `CORS_ORIGIN`, or not from a page in a browser at all.
    pub fn origin_allowed(&self, headers: &http::HeaderMap) -> bool {
        crate::auth::origin::from_allowed_origin(headers, &self.config.cors_origin)
    }
}

/// Opens the data directory and builds the state.
pub fn build(config: Config, shutdown: CancellationToken) -> anyhow::Result<Arc<AppState>> {
    let prometheus = crate::metrics::install();
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("cannot create data directory {}", config.data_dir.display()))?;
    let data_dir_lock = DataDirLock::acquire(&config.data_dir)?;
    let secret = config
        .resolve_jwt_secret()
        .context("cannot read or create the JWT secret")?;
    let auth = Auth::new(
        secret.expose(),
        config.token_ttl,
        config.argon2_memory_kib,
        config.argon2_iterations,
        config.throttle_policy(),
    )?;
    let store = Store::connect(
        &config.database(),
        StoreOptions {
            max_batch: config.writer_batch,
            readers: config.readers,
            writer_cache_kib: config.writer_cache_kib,
            with_bus: config.bus.is_some(),
        },
    )
    .with_context(|| format!("cannot open {}", config.database_label()))?;
    let lanes = match config.fanout_threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let hub: Arc<dyn Hub> = Arc::new(
        LocalHub::new(lanes, config.replay_cache_kib << 10)
            .context("cannot start the fan-out threads")?,
    );
    let presence = Arc::new(Presence::default());
    let bus: Arc<dyn Bus> = match &config.bus {
        None => Arc::new(LocalBus::new(Arc::clone(&hub), Arc::clone(&presence))),
        Some(url) => {
            tracing::info!(
                url = %crate::bus::redis::url::redacted(url.expose_str()),
                channel = %config.bus_channel,
                "one node of several: the bus is Redis"
            );
            RedisBus::start(
                url.expose_str(),
                &config.bus_channel,
                Arc::clone(&hub),
                Arc::clone(&presence),
                store.clone(),
                shutdown.clone(),
            )?
        }
    };
    // Commitment detection is the hook called after each new user message.
    let ledger = Arc::new(Ledger::new(store.clone(), config.question_ttl));
    let model = crate::llm::ModelConfig::new(
        config.llm_url.as_deref(),
        config.llm_model.clone(),
        config.llm_key.clone(),
        config.llm_timeout,
    )?
    .map(crate::llm::ModelReader::new)
    .transpose()?
    .map(Arc::new);
    let hook = Arc::new(DetectionHook::new(Arc::clone(&ledger), model));
    let pipeline = Pipeline::new(store.clone(), Arc::clone(&bus), hook);
    Ok(Arc::new(AppState {
        config,
        data_dir_lock,
        store,
        hub,
        presence,
        bus,
        pipeline,
        ledger,
        auth,
        prometheus,
        conn_metrics: Arc::new(ConnMetrics::new()),
        rate_clock: Default::default(),
        shutdown,
        tasks: TaskTracker::new(),
        next_conn: AtomicU64::new(1),
        open_connections: Arc::new(AtomicUsize::new(0)),
    }))
}
