//! `connect`: open N idle authenticated connections (each verifies a JWT), hold them, and
//! report connects/s, connect latency and the server's RSS growth per connection.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::BenchError;
use crate::cli::ConnectArgs;
use crate::scenario::Env;
use crate::stats::{Counters, LatencySummary};
use crate::swarm::{Member, Readers, Role, Shared, close_all, connect_all};

/// What `connect` measured.
#[derive(Debug, Serialize)]
pub struct ConnectResult {
    pub connected: u64,
    pub failed: u64,
    pub connects_per_s: f64,
    pub connect_latency: LatencySummary,
    pub server_rss_before_mb: Option<f64>,
    pub server_rss_after_mb: Option<f64>,
    pub server_rss_per_conn_kb: Option<f64>,
    pub server_cpu_us_per_connect: Option<f64>,
    pub loadgen_cpu_us_per_connect: Option<f64>,
    /// Connections the server closed while they were held.
    pub dropped_while_held: u64,
}

/// Runs the scenario.
pub async fn run(env: &Env, a: &ConnectArgs) -> Result<ConnectResult, BenchError> {
    let accounts = env.accounts(a.accounts.clamp(1, a.conns.max(1))).await?;
    let shared = Arc::new(Shared::for_connections());
    let mut conns: Vec<Member> = (0..a.conns)
        .map(|i| {
            let token = accounts[i % accounts.len()].token.clone();
            Member::new((uuid::Uuid::nil(), 0), (i, i), Role::Unjoined, token, 0)
        })
        .collect();
    let readers = Arc::new(Readers::start(env.readers, &shared)?);
    let meter = &env.meter;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_before = meter.server_rss_bytes();

    let cpu = meter.mark();
    let started = Instant::now();
    let done = connect_all(&mut conns, &env.servers.addrs(), &readers, a.concurrency).await;
    let took = started.elapsed();
    let used = cpu.used_until_now(meter);
    let failed = done.failed;
    let connected = conns.len() as u64 - failed;
    if let Some(e) = &done.first_error {
        eprintln!("quid-bench: {failed} connects failed, the first: {e}");
    }

    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_after = meter.server_rss_bytes();
    tokio::time::sleep(Duration::from_secs_f64(a.hold.max(0.0))).await;
    let dropped = Counters::get(&shared.counters.dropped);
    close_all(&mut conns, &readers, 256).await;

    let mb = |b: u64| b as f64 / (1024.0 * 1024.0);
    let per_connect = |d: Option<Duration>| {
        d.filter(|_| connected > 0)
            .map(|d| d.as_secs_f64() * 1e6 / connected as f64)
    };
    let result = ConnectResult {
        connected,
        failed,
        connects_per_s: connected as f64 / took.as_secs_f64(),
        connect_latency: LatencySummary::of(&done.latency.snapshot()),
        server_rss_before_mb: rss_before.map(mb),
        server_rss_after_mb: rss_after.map(mb),
        server_rss_per_conn_kb: rss_before
            .zip(rss_after)
            .filter(|_| connected > 0)
            .map(|(b, a)| (a as f64 - b as f64) / 1024.0 / connected as f64),
        server_cpu_us_per_connect: per_connect(used.server.map(|t| t.total())),
        loadgen_cpu_us_per_connect: per_connect(used.me.map(|t| t.total())),
        dropped_while_held: dropped,
    };
    println!(
        "connect: {connected} connections in {:.2} s = {:.0}/s; latency p50 {:.2} ms p99 {:.2} ms max {:.2} ms; \
         server RSS {} -> {} MB = {} KB/conn; server CPU {} µs/connect; dropped {dropped}",
        took.as_secs_f64(),
        result.connects_per_s,
        result.connect_latency.p50_ms,
        result.connect_latency.p99_ms,
        result.connect_latency.max_ms,
        fmt(result.server_rss_before_mb, 1),
        fmt(result.server_rss_after_mb, 1),
        fmt(result.server_rss_per_conn_kb, 2),
        fmt(result.server_cpu_us_per_connect, 1),
    );
    Ok(result)
}

fn fmt(v: Option<f64>, digits: usize) -> String {
    v.map_or("-".into(), |v| format!("{v:.digits$}"))
}
