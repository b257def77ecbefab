//! A swarm: groups of joined receiver connections plus publisher connections, built once and
//! reused across measurement phases (ladder steps) and reconnects. Every receiver keeps its
//! last seq, so gaps and duplicates are counted over the whole run. Sockets are read by
//! [`Readers`] threads, not by the async runtime, and publishers send from one pacer thread.

mod member;
mod publisher;
mod readers;
mod reading;
mod upgrade;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::stream::{self, FuturesUnordered, StreamExt};
use quid_shared::Id;

pub use member::Member;
pub use publisher::{Load, PublishRun};
pub use readers::Readers;
pub use reading::Role;

use crate::BenchError;
use crate::setup::Account;
use crate::stats::{Counters, Recorder};

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
    readers: Arc<Readers>,
    concurrency: usize,
}

impl Swarm {
    /// Connects `receivers` members of every group (joined from seq 0) and `publishers`
    /// publisher connections per group, `concurrency` connects at a time, read by
    /// `readers` threads, and waits until every receiver has joined.
    pub async fn build(
        nodes: &[SocketAddr],
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
        let readers = Arc::new(Readers::start(readers, &shared)?);
        let mut swarm = Swarm {
            shared,
            receivers: recv,
            publishers: publ,
            readers,
            concurrency: concurrency.max(1),
        };
        connect_all(
            &mut swarm.publishers,
            nodes,
            &swarm.readers,
            swarm.concurrency,
        )
        .await
        .all()?;
        swarm.connect_receivers(nodes).await?;
        swarm.wait_joined(Duration::from_secs(120)).await?;
        Ok(swarm)
    }

    /// (Re)connects every receiver (each to the same node as before); each joins with
    /// `since` = the last seq it saw.
    pub async fn connect_receivers(&mut self, nodes: &[SocketAddr]) -> Result<(), BenchError> {
        self.shared.joined.store(0, Ordering::Relaxed);
        connect_all(&mut self.receivers, nodes, &self.readers, self.concurrency)
            .await
            .all()
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

/// What [`connect_all`] did.
pub struct Connected {
    /// Members that could not connect.
    pub failed: u64,
    /// The first of their errors.
    pub first_error: Option<BenchError>,
    /// Time from dialling to the end of the upgrade, µs, per success.
    pub latency: Recorder,
}

impl Connected {
    /// `Ok` when every member connected, else the first error.
    pub fn all(self) -> Result<(), BenchError> {
        self.first_error.map_or(Ok(()), Err)
    }
}

/// Connects every member, `concurrency` at a time, read by `readers`, member `i` of its
/// kind to node `i mod nodes` (so a group's receivers, and the groups' publishers, are
/// spread evenly). The members are split among one task per runtime worker, so every
/// worker thread shares the handshakes (one task polling them all would make one thread
/// the limit).
pub async fn connect_all(
    members: &mut Vec<Member>,
    nodes: &[SocketAddr],
    readers: &Arc<Readers>,
    concurrency: usize,
) -> Connected {
    if nodes.is_empty() {
        return Connected {
            failed: members.len() as u64,
            first_error: Some(BenchError::Usage("no server node to connect to".into())),
            latency: Recorder::default(),
        };
    }
    let latency = Arc::new(Recorder::default());
    let tasks = tokio::runtime::Handle::current()
        .metrics()
        .num_workers()
        .clamp(1, concurrency.max(1));
    let share = members.len().div_ceil(tasks).max(1);
    let mut all = std::mem::take(members).into_iter();
    let mut handles = Vec::with_capacity(tasks);
    for t in 0..tasks {
        let mut part: Vec<Member> = all.by_ref().take(share).collect();
        let (readers, latency) = (Arc::clone(readers), Arc::clone(&latency));
        let nodes = nodes.to_vec();
        let in_flight = (concurrency / tasks + usize::from(t < concurrency % tasks)).max(1);
        handles.push(tokio::spawn(async move {
            let mut results = Vec::with_capacity(part.len());
            let mut pending = FuturesUnordered::new();
            let mut next = part.iter_mut();
            loop {
                while pending.len() < in_flight {
                    let Some(m) = next.next() else { break };
                    let addr = nodes[m.index % nodes.len()];
                    pending.push(connect_timed(m, addr, &readers, &latency));
                }
                match pending.next().await {
                    Some(result) => results.push(result),
                    None => break,
                }
            }
            drop(pending);
            (part, results)
        }));
    }
    let mut connected = Connected {
        failed: 0,
        first_error: None,
        latency: Recorder::default(),
    };
    for handle in handles {
        let (part, results) = match handle.await {
            Ok(done) => done,
            Err(e) => {
                connected.failed += 1;
                let e = BenchError::Protocol(format!("a connecting task failed: {e}"));
                connected.first_error.get_or_insert(e);
                continue;
            }
        };
        members.extend(part);
        for e in results.into_iter().filter_map(Result::err) {
            connected.failed += 1;
            connected.first_error.get_or_insert(e);
        }
    }
    connected.latency = Arc::try_unwrap(latency).unwrap_or_default();
    connected
}

/// Connects `m`, recording how long it took.
async fn connect_timed(
    m: &mut Member,
    addr: SocketAddr,
    readers: &Readers,
    latency: &Recorder,
) -> Result<(), BenchError> {
    let t = Instant::now();
    m.connect(addr, readers).await?;
    latency.record(m.index, t.elapsed().as_micros() as u64);
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
