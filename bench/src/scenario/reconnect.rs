//! `reconnect`: N joined clients drop, miss K messages while publishing goes on, and rejoin
//! with `join {since}`; reports how long until every client has caught up, and verifies
//! that each received every message exactly once (gaps and duplicates must be 0).

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::BenchError;
use crate::cli::ReconnectArgs;
use crate::scenario::Env;
use crate::stats::{Counters, LatencySummary};
use crate::swarm::{Load, Swarm, wait_until};

/// Seconds of live traffic before the clients drop.
const WARM: f64 = 1.0;
/// Seconds of live traffic after all have caught up.
const TAIL: f64 = 1.0;

/// What `reconnect` measured.
#[derive(Debug, Serialize)]
pub struct ReconnectResult {
    pub clients: usize,
    /// Messages each client missed (fewest, most).
    pub missed_min: i64,
    pub missed_max: i64,
    /// From the first reconnect until every client had its replay and `joined`.
    pub all_caught_up_s: f64,
    /// Per client: from its connect to its `joined`.
    pub catch_up: LatencySummary,
    pub replayed: u64,
    pub gaps: u64,
    pub duplicates: u64,
    /// Messages some client never received by the end.
    pub lost: u64,
    pub errors: u64,
    pub dropped: u64,
}

/// Runs the scenario.
pub async fn run(env: &Env, a: &ReconnectArgs) -> Result<ReconnectResult, BenchError> {
    if a.members == 0 || a.groups == 0 || a.rate <= 0.0 {
        return Err(BenchError::Usage(
            "--groups, --members and --rate must be positive".into(),
        ));
    }
    let accounts = env.accounts(a.members).await?;
    let groups = env.groups(a.groups, |_| accounts.clone()).await?;
    let publishers = a.publishers.max(1);
    let mut swarm = Swarm::build(
        &env.servers.addrs(),
        &groups,
        (a.members, publishers),
        (a.concurrency, env.readers),
    )
    .await?;
    eprintln!("quid-bench: {} clients joined", swarm.receivers.len());
    let shared = swarm.shared.clone();
    shared.reset();
    let away = a.missed as f64 / a.rate;
    let total = WARM + away + a.timeout + TAIL;
    let run = swarm.start_publishing(Load {
        rate: a.rate / publishers as f64,
        duration: Duration::from_secs_f64(total),
        payload: a.payload.max(crate::scan::STAMP_PREFIX.len() + 24),
    });

    tokio::time::sleep(Duration::from_secs_f64(WARM)).await;
    swarm.close_receivers().await;
    let heads = || -> Vec<i64> {
        shared
            .heads
            .iter()
            .map(|h| h.load(Ordering::Relaxed))
            .collect()
    };
    let at_drop = heads();
    let missed = a.missed as i64;
    let enough = wait_until(Duration::from_secs_f64(away * 3.0 + 5.0), || {
        heads()
            .iter()
            .zip(&at_drop)
            .all(|(now, then)| now - then >= missed)
    })
    .await;
    if !enough {
        let c = &shared.counters;
        return Err(BenchError::Timeout(format!(
            "the publishers to send the missed messages (heads {:?} -> {:?}; sent {}, acked {}, \
             errors {}, dropped {})",
            at_drop,
            heads(),
            Counters::get(&c.sent),
            Counters::get(&c.acked),
            Counters::get(&c.errors),
            Counters::get(&c.dropped)
        )));
    }
    let at_rejoin = heads();
    let gaps: Vec<i64> = swarm
        .receivers
        .iter()
        .map(|m| at_rejoin[m.group_index] - m.progress.last_seq.load(Ordering::Relaxed))
        .collect();

    shared.catch_up.reset();
    let started = Instant::now();
    let connected = swarm.connect_receivers(&env.servers.addrs()).await;
    let joined = match connected {
        Ok(()) => swarm.wait_joined(Duration::from_secs_f64(a.timeout)).await,
        Err(e) => Err(e),
    };
    let all_caught_up = started.elapsed();
    if let Err(e) = &joined {
        eprintln!("quid-bench: catching up failed: {e}");
    }

    // Stop publishing once the tail has run, then wait for the last live messages.
    tokio::time::sleep(Duration::from_secs_f64(TAIL)).await;
    swarm.abort_publishing(run).await;
    let settled = || {
        swarm.receivers.iter().all(|m| {
            m.progress.last_seq.load(Ordering::Relaxed)
                >= shared.heads[m.group_index].load(Ordering::Relaxed)
        })
    };
    wait_until(Duration::from_secs(10), settled).await;
    let lost: i64 = swarm
        .receivers
        .iter()
        .map(|m| {
            shared.heads[m.group_index].load(Ordering::Relaxed)
                - m.progress.last_seq.load(Ordering::Relaxed)
        })
        .filter(|d| *d > 0)
        .sum();
    let c = &shared.counters;
    let result = ReconnectResult {
        clients: swarm.receivers.len(),
        missed_min: gaps.iter().copied().min().unwrap_or(0),
        missed_max: gaps.iter().copied().max().unwrap_or(0),
        all_caught_up_s: all_caught_up.as_secs_f64(),
        catch_up: LatencySummary::of(&shared.catch_up.snapshot()),
        replayed: Counters::get(&c.replayed),
        gaps: Counters::get(&c.gaps),
        duplicates: Counters::get(&c.duplicates),
        lost: u64::try_from(lost).unwrap_or(0),
        errors: Counters::get(&c.errors),
        dropped: Counters::get(&c.dropped),
    };
    swarm.close().await;
    joined?;
    println!(
        "reconnect: {} clients missed {}..{} messages each; all caught up in {:.3} s \
         (per client p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms); replayed {}; gaps {}, \
         duplicates {}, lost {}, errors {}, dropped {}",
        result.clients,
        result.missed_min,
        result.missed_max,
        result.all_caught_up_s,
        result.catch_up.p50_ms,
        result.catch_up.p99_ms,
        result.catch_up.max_ms,
        result.replayed,
        result.gaps,
        result.duplicates,
        result.lost,
        result.errors,
        result.dropped
    );
    Ok(result)
}
