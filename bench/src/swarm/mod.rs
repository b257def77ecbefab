//! A swarm: groups of joined receiver connections plus publisher connections, built once and
//! reused across measurement phases (ladder steps) and reconnects. Every receiver keeps its
//! last seq, so gaps and duplicates are counted over the whole run. Sockets are read by
//! [`Readers`] threads, not by the async runtime, and publishers send from one pacer thread.

mod member;
mod publisher;
mod readers;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt, TryStreamExt};
use quid_shared::Id;

pub use member::{Member, Role};
pub use publisher::{Load, PublishRun};
pub use readers::Readers;

use crate::BenchError;
use crate::setup::Account;
use crate::stats::{Counters, Recorder};
use crate::target::Target;

/// State every connection task of a swarm shares.
pub struct Shared {
    pub counters: Counters,
    /// Delivery latency: scheduled send time to receipt, live messages only.
    pub latency: Recorder,
    /// Ack latency: scheduled send time to the ack.
    pub ack_latency: Recorder,
    /// Time from connecting to `joined` (replay complete).
    pub catch_up: Recorder,
    /// Receivers that got `joined` since the last reset.
    pub joined: AtomicU64,
    /// Highest acked seq per group.
    pub heads: Vec<AtomicI64>,
    /// Print the first error frame once, to make a misconfiguration obvious.
    pub verbose_errors: AtomicBool,
}

impl Shared {
    /// State for connections that join no group (the `connect` scenario).
    pub fn for_connections() -> Self {
        Shared::new(0)
    }

    fn new(groups: usize) -> Self {
        Shared {
            counters: Counters::default(),
            latency: Recorder::default(),
            ack_latency: Recorder::default(),
            catch_up: Recorder::default(),
            joined: AtomicU64::new(0),
            heads: (0..groups).map(|_| AtomicI64::new(0)).collect(),
            verbose_errors: AtomicBool::new(true),
        }
    }

    /// Notes an acked seq of group `g`.
    pub fn raise_head(&self, g: usize, seq: i64) {
        if let Some(h) = self.heads.get(g) {
            h.fetch_max(seq, Ordering::Relaxed);
        }
    }

    /// Clears counters and histograms before a measurement phase.
    pub fn reset(&self) {
        self.counters.reset();
        self.latency.reset();
        self.ack_latency.reset();
        self.catch_up.reset();
        self.joined.store(0, Ordering::Relaxed);
    }
}

/// A group of the swarm: its id and the accounts in it (the first ones publish).
#[derive(Debug, Clone)]
pub struct GroupSpec {
    pub id: Id,
    pub members: Vec<Account>,
}

/// Connections of a benchmark run.
pub struct Swarm {
    pub shared: Arc<Shared>,
    pub receivers: Vec<Member>,
    pub publishers: Vec<Member>,
    readers: Readers,
    concurrency: usize,
}

impl Swarm {
    /// Connects `receivers` members of every group (joined from seq 0) and `publishers`
    /// publisher connections per group, `concurrency` connects at a time, read by
    /// `readers` threads, and waits until every receiver has joined.
    pub async fn build(
        target: &Target,
        groups: &[GroupSpec],
        (receivers, publishers): (usize, usize),
        (concurrency, readers): (usize, usize),
    ) -> Result<Self, BenchError> {
        let shared = Arc::new(Shared::new(groups.len()));
        let mut recv = Vec::new();
        let mut publ = Vec::new();
        let per_kind = groups.len() * receivers;
        for (g, spec) in groups.iter().enumerate() {
            let token = |j: usize| spec.members[j % spec.members.len()].token.clone();
            for j in 0..receivers {
                let idx = recv.len();
                let member = Member::new((spec.id, g), (idx, idx), Role::Receiver, token(j), 0);
                recv.push(member);
            }
            for p in 0..publishers {
                let idx = publ.len();
                let key = (idx, per_kind + idx);
                publ.push(Member::new((spec.id, g), key, Role::Unjoined, token(p), 0));
            }
        }
        let readers = Readers::start(readers, &shared)?;
        let mut swarm = Swarm {
            shared,
            receivers: recv,
            publishers: publ,
            readers,
            concurrency: concurrency.max(1),
        };
        connect_all(
            &mut swarm.publishers,
            target,
            &swarm.readers,
            swarm.concurrency,
        )
        .await?;
        swarm.connect_receivers(target).await?;
        swarm.wait_joined(Duration::from_secs(120)).await?;
        Ok(swarm)
    }

    /// (Re)connects every receiver; each joins with `since` = the last seq it saw.
    pub async fn connect_receivers(&mut self, target: &Target) -> Result<(), BenchError> {
        self.shared.joined.store(0, Ordering::Relaxed);
        connect_all(&mut self.receivers, target, &self.readers, self.concurrency).await
    }

    /// Waits until every receiver has had `joined` since the last reset.
    pub async fn wait_joined(&self, limit: Duration) -> Result<(), BenchError> {
        let want = self.receivers.len() as u64;
        let done = wait_until(limit, || Counters::get(&self.shared.joined) >= want).await;
        if done {
            Ok(())
        } else {
            Err(BenchError::Timeout(format!(
                "{want} joins ({} done)",
                Counters::get(&self.shared.joined)
            )))
        }
    }

    /// Closes every receiver connection (normally, not counted as drops).
    pub async fn close_receivers(&mut self) {
        close_all(&mut self.receivers, &self.readers, self.concurrency).await;
    }

    /// Closes everything.
    pub async fn close(mut self) {
        close_all(&mut self.receivers, &self.readers, self.concurrency).await;
        close_all(&mut self.publishers, &self.readers, self.concurrency).await;
    }
}

/// Connects every member, `concurrency` at a time, read by `readers`.
pub async fn connect_all(
    members: &mut [Member],
    target: &Target,
    readers: &Readers,
    concurrency: usize,
) -> Result<(), BenchError> {
    stream::iter(members.iter_mut())
        .map(|m| m.connect(target, readers))
        .buffer_unordered(concurrency)
        .try_collect::<Vec<()>>()
        .await?;
    Ok(())
}

/// Closes every member, `concurrency` at a time.
pub async fn close_all(members: &mut [Member], readers: &Readers, concurrency: usize) {
    stream::iter(members.iter_mut())
        .map(|m| m.close(readers))
        .buffer_unordered(concurrency)
        .collect::<Vec<()>>()
        .await;
}

/// Polls `done` every millisecond until it holds or `limit` passes; whether it held.
pub async fn wait_until(limit: Duration, done: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if done() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}
