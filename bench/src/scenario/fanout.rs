//! `fanout`: G groups × M joined members, P publishers per group at R msg/s each: deliveries
//! per second, end-to-end latency, loss, and server CPU per delivery.

use std::time::Duration;

use crate::BenchError;
use crate::cli::FanoutArgs;
use crate::report::{Phase, phase_table};
use crate::scenario::{Env, phase};
use crate::swarm::{Load, Swarm};

/// Accounts and connections for a fanout-shaped run: the same `members` accounts in every
/// group; publishers are extra connections of each group's first accounts.
pub async fn build(env: &Env, a: &FanoutArgs) -> Result<Swarm, BenchError> {
    if a.members == 0 || a.groups == 0 {
        return Err(BenchError::Usage(
            "--groups and --members must be at least 1".into(),
        ));
    }
    let accounts = env.accounts(a.members.max(a.publishers)).await?;
    let groups = env.groups(a.groups, |_| accounts.clone()).await?;
    eprintln!(
        "quid-bench: {} groups × {} members joined, {} publishers each",
        a.groups, a.members, a.publishers
    );
    Swarm::build(
        &env.servers.addrs(),
        &groups,
        (a.members, a.publishers),
        (a.concurrency, env.readers),
    )
    .await
}

/// The load one fanout window publishes at `rate` per publisher.
pub fn load(a: &FanoutArgs, rate: f64) -> Load {
    Load {
        rate,
        duration: Duration::from_secs_f64(a.duration.max(0.1)),
        payload: a.payload.max(crate::scan::STAMP_PREFIX.len() + 24),
    }
}

/// Runs the scenario.
pub async fn run(env: &Env, a: &FanoutArgs) -> Result<Phase, BenchError> {
    let mut swarm = build(env, a).await?;
    let result = phase::measure(
        &mut swarm,
        load(a, a.rate),
        a.members as u64,
        Duration::from_secs_f64(a.drain.max(0.0)),
        &env.meter,
    )
    .await;
    swarm.close().await;
    print!("{}", phase_table(std::slice::from_ref(&result)));
    Ok(result)
}
