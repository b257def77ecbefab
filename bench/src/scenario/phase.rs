//! One measured window of publishing on a built swarm: reset the counters, read CPU, publish
//! on schedule, wait until every acked message has reached every receiver (or the drain
//! limit passes), read CPU again, and account for every message; a probe thread watches
//! the machine for stalls meanwhile.

use std::time::{Duration, Instant};

use crate::meter::Meter;
use crate::report::Phase;
use crate::stall::Probe;
use crate::stats::{Counters, LatencySummary};
use crate::swarm::{Load, Swarm, wait_until};

/// Publishes `load` on `swarm` and measures it; `receivers_per_group` receivers should see
/// every acked message; waits at most `drain` after the last send for stragglers.
pub async fn measure(
    swarm: &mut Swarm,
    load: Load,
    receivers_per_group: u64,
    drain: Duration,
    meter: &Meter,
) -> Phase {
    let shared = swarm.shared.clone();
    shared.reset();
    let cpu = meter.mark();
    let probe = Probe::start();
    let run = swarm.start_publishing(load);
    let start = run.start;
    swarm.finish_publishing(run).await;
    let c = &shared.counters;
    let settled = || {
        let acked = Counters::get(&c.acked);
        acked >= Counters::get(&c.sent)
            && Counters::get(&c.delivered) >= acked * receivers_per_group
    };
    wait_until(drain, settled).await;
    let elapsed = Instant::now()
        .saturating_duration_since(start)
        .max(load.duration);
    let used = cpu.used_until_now(meter);
    let machine_stall = probe.finish();

    let sent = Counters::get(&c.sent);
    let acked = Counters::get(&c.acked);
    let delivered = Counters::get(&c.delivered);
    let frames = Counters::get(&c.frames);
    let publishers = swarm.publishers.len() as f64;
    let secs = elapsed.as_secs_f64();
    let wall = used.wall.as_secs_f64();
    let per = |cpu: Option<Duration>, n: u64| {
        cpu.filter(|_| n > 0)
            .map(|d| d.as_secs_f64() * 1e6 / n as f64)
    };
    let pct = |cpu: Option<Duration>| cpu.map(|d| 100.0 * d.as_secs_f64() / wall);
    let server_cpu = used.server.map(|t| t.total());
    let server_kernel = used.server.map(|t| t.system);
    let loadgen_cpu = used.me.map(|t| t.total());
    Phase {
        rate: load.rate,
        offered_msgs_per_s: load.rate * publishers,
        offered_deliveries_per_s: load.rate * publishers * receivers_per_group as f64,
        sent,
        acked,
        delivered,
        lost: (acked * receivers_per_group).saturating_sub(delivered),
        gaps: Counters::get(&c.gaps),
        duplicates: Counters::get(&c.duplicates),
        errors: Counters::get(&c.errors),
        dropped: Counters::get(&c.dropped),
        elapsed_s: secs,
        acked_per_s: acked as f64 / secs,
        deliveries_per_s: delivered as f64 / secs,
        latency: LatencySummary::of(&shared.latency.snapshot()),
        ack_latency: LatencySummary::of(&shared.ack_latency.snapshot()),
        server_cpu_pct: pct(server_cpu),
        server_cpu_us_per_delivery: per(server_cpu, delivered),
        server_kernel_us_per_delivery: per(server_kernel, delivered),
        server_cpu_us_per_message: per(server_cpu, acked),
        loadgen_cpu_pct: pct(loadgen_cpu),
        loadgen_cpu_us_per_frame: per(loadgen_cpu, frames),
        server_rss_mb: meter
            .server_rss_bytes()
            .map(|b| b as f64 / (1024.0 * 1024.0)),
        server_nodes: meter.servers.len(),
        services: used.service_use(delivered, acked),
        machine_stall,
    }
}
