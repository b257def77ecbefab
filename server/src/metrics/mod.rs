//! Prometheus metrics: the recorder (installed once per process) and the handles the hot
//! paths keep, so recording is an atomic add, never a lookup or a formatted string.
//! Every metric is documented in `docs/operations.md`.

mod fixed;

pub use fixed::Deliveries;

use std::sync::OnceLock;

use metrics::{Counter, Gauge};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

static RECORDER: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

const LATENCY_BUCKETS: &[f64] = &[
    0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
    1.0, 2.5,
];
/// A language model answers in seconds, not milliseconds.
const LLM_BUCKETS: &[f64] = &[0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0];
const BATCH_BUCKETS: &[f64] = &[
    1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0, 4096.0, 16384.0,
];

/// Installs the Prometheus recorder the first time it is called; returns the handle
/// that renders a scrape (`None` if another recorder was installed by the embedding
/// program, in which case metrics go there).
pub fn install() -> Option<PrometheusHandle> {
    RECORDER
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
                .and_then(|b| {
                    b.set_buckets_for_metric(Matcher::Suffix("_batch_size".into()), BATCH_BUCKETS)
                })
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full("quid_llm_request_seconds".into()),
                        LLM_BUCKETS,
                    )
                });
            match builder.and_then(|b| b.install_recorder()) {
                Ok(handle) => {
                    describe();
                    Some(handle)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "metrics recorder not installed; /metrics is empty");
                    None
                }
            }
        })
        .clone()
}

/// The `# HELP` lines of every series.
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_gauge!("quid_connections_active", "Open WebSocket connections.");
    describe_gauge!(
        "quid_room_memberships",
        "Connections subscribed to a group, summed over groups."
    );
    describe_counter!(
        "quid_messages_persisted_total",
        "Messages committed to SQLite, by kind."
    );
    describe_gauge!(
        "quid_bus_connected",
        "1 while this node is subscribed to the bus (Redis), else 0; absent on one node."
    );
    describe_counter!(
        "quid_bus_published_total",
        "Events this node published on the bus, by kind."
    );
    describe_counter!(
        "quid_bus_received_total",
        "Events of other nodes received from the bus, by kind."
    );
    describe_counter!(
        "quid_bus_publish_errors_total",
        "Failed attempts to publish an event (each is retried)."
    );
    describe_counter!(
        "quid_bus_connect_errors_total",
        "Failed attempts to subscribe to the bus."
    );
    describe_counter!(
        "quid_bus_reconnects_total",
        "Subscriptions to the bus made again after one was lost."
    );
    describe_counter!(
        "quid_bus_dropped_total",
        "Events dropped because the publish queue was full (a resync is asked for)."
    );
    describe_counter!(
        "quid_bus_decode_errors_total",
        "Events received from the bus that could not be read."
    );
    describe_counter!(
        "quid_bus_duplicates_total",
        "Messages the relay dropped because the hub had them (echoes, duplicates)."
    );
    describe_counter!(
        "quid_bus_gap_fills_total",
        "Gap fills started: messages missing before one that arrived, read from the database."
    );
    describe_counter!(
        "quid_bus_gap_messages_total",
        "Messages read from the database by gap fills."
    );
    describe_counter!(
        "quid_bus_fill_errors_total",
        "Failed database reads of gap fills and resyncs (retried)."
    );
    describe_counter!(
        "quid_bus_seq_holes_total",
        "Seqs announced on the bus but never found in the database, given up on."
    );
    describe_counter!(
        "quid_bus_resyncs_total",
        "Resynchronisations of every followed group from the database."
    );
    describe_counter!(
        "quid_bus_stale_members_removed_total",
        "Connections taken out of a room by a resync because their user is no longer a member."
    );
    describe_counter!(
        "quid_frames_received_total",
        "Text frames received from clients."
    );
    describe_counter!(
        "quid_joins_total",
        "Successful joins, by where the missed messages came from (memory, database, none asked)."
    );
    describe_counter!(
        "quid_connection_drops_total",
        "Upgrades refused and connections closed by the server, by reason."
    );
    describe_counter!(
        "quid_login_attempts_total",
        "Logins and other password checks, by outcome (ok, failed, throttled_account, throttled_address)."
    );
    describe_counter!(
        "quid_registrations_total",
        "Registrations, by outcome (created, refused, throttled)."
    );
    describe_counter!(
        "quid_password_hashes_total",
        "argon2id hashes computed (registration, login, password checks)."
    );
    describe_counter!(
        "quid_sessions_ended_total",
        "Sessions ended, by reason (logout, logout_all, revoked, password, deleted)."
    );
    describe_counter!(
        "quid_llm_requests_total",
        "Requests to the language-model reader, by outcome (ok, timeout, unreachable, http_error, malformed)."
    );
    describe_histogram!(
        "quid_llm_request_seconds",
        "Time the language-model reader took to answer (or fail)."
    );
    describe_histogram!(
        "quid_store_commit_seconds",
        "Time to run and commit one write batch."
    );
    describe_histogram!(
        "quid_store_batch_size",
        "Write commands per committed batch."
    );
}

/// Frames delivered and the time from publish to socket write; recorded on the hot path,
/// so they are ours, not the exporter's (see [`Deliveries`]).
pub static DELIVERIES: Deliveries = Deliveries::new(
    (
        "quid_frames_delivered_total",
        "Live new-message frames written to sockets.",
    ),
    (
        "quid_delivery_latency_seconds",
        "From publish (right after commit) to the socket write, oldest frame of each write.",
    ),
);

/// The text of a scrape: the exporter's series, then the delivery metrics.
pub fn render(exporter: Option<&PrometheusHandle>) -> String {
    let mut out = exporter.map(PrometheusHandle::render).unwrap_or_default();
    DELIVERIES.render(&mut out);
    out
}

/// Why a connection was refused or dropped (the `reason` label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    SlowReader,
    Oversized,
    Auth,
    Origin,
    Flood,
    Idle,
    Protocol,
    Capacity,
}

impl DropReason {
    fn label(self) -> &'static str {
        match self {
            DropReason::SlowReader => "slow_reader",
            DropReason::Oversized => "oversized",
            DropReason::Auth => "auth",
            DropReason::Origin => "origin",
            DropReason::Flood => "flood",
            DropReason::Idle => "idle",
            DropReason::Protocol => "protocol",
            DropReason::Capacity => "capacity",
        }
    }
}

/// Handles for the per-connection hot paths.
#[derive(Clone)]
pub struct ConnMetrics {
    pub active: Gauge,
    pub frames_received: Counter,
    pub slow_readers: Counter,
}

impl ConnMetrics {
    /// Registers (or finds) the handles; call after [`install`].
    pub fn new() -> ConnMetrics {
        ConnMetrics {
            active: metrics::gauge!("quid_connections_active"),
            frames_received: metrics::counter!("quid_frames_received_total"),
            slow_readers: metrics::counter!("quid_connection_drops_total", "reason" => "slow_reader"),
        }
    }
}

impl Default for ConnMetrics {
    fn default() -> Self {
        ConnMetrics::new()
    }
}

/// Counts a refused or dropped connection. (Slow readers are counted by their outbox.)
pub fn count_drop(reason: DropReason) {
    metrics::counter!("quid_connection_drops_total", "reason" => reason.label()).increment(1);
}

/// Counts a login or other password check by outcome (`ok`, `failed`,
/// `throttled_account`, `throttled_address`).
pub fn count_login(outcome: &'static str) {
    metrics::counter!("quid_login_attempts_total", "outcome" => outcome).increment(1);
}

/// Counts a registration by outcome (`created`, `refused`, `throttled`).
pub fn count_registration(outcome: &'static str) {
    metrics::counter!("quid_registrations_total", "outcome" => outcome).increment(1);
}

/// Counts ended sessions by reason.
pub fn count_sessions_ended(reason: &'static str, n: usize) {
    metrics::counter!("quid_sessions_ended_total", "reason" => reason).increment(n as u64);
}
