//! `ingest`: many publishers, each alone in its own group, so nothing fans out: how many
//! messages per second the server makes durable and acknowledges, and the ack latency.

use std::time::Duration;

use serde::Serialize;

use crate::BenchError;
use crate::cli::IngestArgs;
use crate::report::{Phase, services_line};
use crate::scenario::{Env, phase};
use crate::swarm::{Load, Swarm};

/// What `ingest` measured (the phase, plus the two numbers it is about).
#[derive(Debug, Serialize)]
pub struct IngestResult {
    pub acked_per_s: f64,
    pub unacked: u64,
    pub phase: Phase,
}

/// Runs the scenario.
pub async fn run(env: &Env, a: &IngestArgs) -> Result<IngestResult, BenchError> {
    if a.publishers == 0 {
        return Err(BenchError::Usage("--publishers must be at least 1".into()));
    }
    let accounts = env.accounts(a.accounts.clamp(1, a.publishers)).await?;
    let groups = env
        .groups(a.publishers, |g| vec![accounts[g % accounts.len()].clone()])
        .await?;
    let mut swarm = Swarm::build(&env.servers.addrs(), &groups, (0, 1), (64, env.readers)).await?;
    let load = Load {
        rate: a.rate,
        duration: Duration::from_secs_f64(a.duration.max(0.1)),
        payload: a.payload.max(crate::scan::STAMP_PREFIX.len() + 24),
    };
    let drain = Duration::from_secs_f64(a.drain.max(0.0));
    let p = phase::measure(&mut swarm, load, 0, drain, &env.meter).await;
    swarm.close().await;
    println!(
        "ingest: offered {:.0} msg/s, acked {} of {} = {:.0} msg/s; ack latency p50 {:.2} ms \
         p99 {:.2} ms p99.9 {:.2} ms max {:.2} ms; errors {}; server CPU {} µs/msg ({}%)",
        p.offered_msgs_per_s,
        p.acked,
        p.sent,
        p.acked_per_s,
        p.ack_latency.p50_ms,
        p.ack_latency.p99_ms,
        p.ack_latency.p999_ms,
        p.ack_latency.max_ms,
        p.errors + p.dropped,
        p.server_cpu_us_per_message
            .map_or("-".into(), |v| format!("{v:.2}")),
        p.server_cpu_pct.map_or("-".into(), |v| format!("{v:.0}")),
    );
    if let Some(line) = services_line(&p) {
        print!("{line}");
    }
    Ok(IngestResult {
        acked_per_s: p.acked_per_s,
        unacked: p.sent.saturating_sub(p.acked),
        phase: p,
    })
}
