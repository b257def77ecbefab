//! One client connection of a swarm and what its reader does with each frame: it checks
//! every message's seq against the last one seen (gaps, duplicates), records delivery
//! latency from the stamp in the content, and notes acks and `joined`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use quid_shared::Id;
use tokio::sync::oneshot;

use super::readers::Readers;
use super::upgrade::Upgrading;
use crate::BenchError;
use crate::clock;
use crate::conn::{self, Link};
use crate::scan::{Scanned, scan};
use crate::stats::Counters;
use crate::swarm::Shared;
use crate::wire;

/// What a connection does with the messages it receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Joined to its group: every message is checked and counted as a delivery.
    Receiver,
    /// Joined to no group, so it receives no deliveries: a publisher (it reads its acks)
    /// or an idle connection.
    Unjoined,
}

/// Where a connection stands in its group, kept across reconnects.
#[derive(Debug)]
pub struct Progress {
    /// Highest seq received (or the `since` it joined with).
    pub last_seq: AtomicI64,
    /// Set while the load generator closes the connection itself (not a drop).
    pub closing: AtomicBool,
}

/// A connection of the swarm.
pub struct Member {
    pub group: Id,
    /// Position of the group in the swarm.
    pub group_index: usize,
    /// Position of the connection among its kind (spreads histogram shards).
    pub index: usize,
    /// Unique among all connections read by the same [`Readers`].
    pub key: usize,
    pub role: Role,
    /// The account token it connects with.
    pub token: String,
    pub progress: Arc<Progress>,
    pub link: Option<Arc<Link>>,
}

impl Member {
    /// A member not yet connected, starting at `since`.
    pub fn new(
        (group, group_index): (Id, usize),
        (index, key): (usize, usize),
        role: Role,
        token: String,
        since: i64,
    ) -> Self {
        Member {
            group,
            group_index,
            index,
            key,
            role,
            token,
            progress: Arc::new(Progress {
                last_seq: AtomicI64::new(since),
                closing: AtomicBool::new(false),
            }),
            link: None,
        }
    }

    /// Connects, and has `readers` finish the upgrade and send `join {group, since:
    /// last_seq}` for a receiver; resolves once the upgrade is done.
    pub async fn connect(&mut self, addr: SocketAddr, readers: &Readers) -> Result<(), BenchError> {
        let link = Arc::new(
            conn::dial(addr).map_err(|e| BenchError::io(format!("connecting to {addr}"), e))?,
        );
        self.progress.closing.store(false, Ordering::Relaxed);
        let request = wire::upgrade_request(&addr.to_string(), crate::target::WS_PATH, &self.token);
        let then = match self.role {
            Role::Receiver => {
                conn::join(self.group, self.progress.last_seq.load(Ordering::Relaxed))
            }
            _ => Vec::new(),
        };
        let (done, upgraded) = oneshot::channel();
        let reading = Reading {
            link: Arc::clone(&link),
            upgrading: Some(Upgrading::new(request, then, done)),
            role: self.role,
            group_index: self.group_index,
            index: self.index,
            started: 0,
            progress: Arc::clone(&self.progress),
            replaying: self.role == Role::Receiver,
            last: self.progress.last_seq.load(Ordering::Relaxed),
            partial: Vec::new(),
        };
        readers.add(self.key, reading)?;
        let outcome = match tokio::time::timeout(conn::CONNECT_TIMEOUT, upgraded).await {
            Ok(Ok(Ok(()))) => Ok(()),
            Ok(Ok(Err(why))) => Err(BenchError::Protocol(format!("{addr}: {why}"))),
            Ok(Err(_)) => Err(BenchError::Protocol("a reader thread has stopped".into())),
            Err(_) => Err(BenchError::Timeout(format!("WebSocket connect to {addr}"))),
        };
        match outcome {
            Ok(()) => {
                self.link = Some(link);
                Ok(())
            }
            Err(e) => {
                self.progress.closing.store(true, Ordering::Relaxed);
                readers.remove(self.key).await;
                Err(e)
            }
        }
    }

    /// Closes the connection (a normal close, not counted as a drop) and waits until its
    /// reader has let go of it.
    pub async fn close(&mut self, readers: &Readers) {
        self.progress.closing.store(true, Ordering::Relaxed);
        if let Some(link) = self.link.take() {
            link.close();
            readers.remove(self.key).await;
        }
    }
}

/// A connection as its reader thread holds it.
pub struct Reading {
    pub link: Arc<Link>,
    /// Until the upgrade is done.
    pub upgrading: Option<Upgrading>,
    role: Role,
    group_index: usize,
    index: usize,
    /// When the join was sent, for the catch-up time.
    pub started: u64,
    progress: Arc<Progress>,
    /// Between `join` and `joined`: messages are replayed ones, not live deliveries.
    replaying: bool,
    last: i64,
    /// Bytes of a frame not complete yet.
    pub partial: Vec<u8>,
}

impl Reading {
    /// Accounts for one text frame from the server.
    pub fn on_text(&mut self, text: &str, shared: &Shared) {
        let c = &shared.counters;
        Counters::bump(&c.frames);
        match scan(text) {
            Scanned::NewMessage { seq, stamp } if self.role == Role::Receiver => {
                let last = self.last;
                if seq == last + 1 {
                    self.last = seq;
                } else if seq > last + 1 {
                    let skipped = u64::try_from(seq - last - 1).unwrap_or(0);
                    c.gaps.fetch_add(skipped, Ordering::Relaxed);
                    self.last = seq;
                } else {
                    Counters::bump(&c.duplicates);
                }
                self.progress.last_seq.store(self.last, Ordering::Relaxed);
                if self.replaying {
                    Counters::bump(&c.replayed);
                } else {
                    Counters::bump(&c.delivered);
                    if let Some(stamp) = stamp {
                        shared
                            .latency
                            .record(self.index, clock::micros_since(stamp));
                    }
                }
            }
            Scanned::NewMessage { .. } => {}
            Scanned::Ack { seq, stamp } => {
                Counters::bump(&c.acked);
                shared.raise_head(self.group_index, seq);
                c.last_ack_stamp
                    .fetch_max(clock::now_stamp(), Ordering::Relaxed);
                if let Some(stamp) = stamp {
                    shared
                        .ack_latency
                        .record(self.index, clock::micros_since(stamp));
                }
            }
            Scanned::Joined { .. } => {
                if self.replaying {
                    self.replaying = false;
                    let took = clock::micros_since(self.started);
                    shared.catch_up.record(self.index, took);
                    Counters::bump(&shared.joined);
                }
            }
            Scanned::Error => {
                Counters::bump(&c.errors);
                if shared.verbose_errors.swap(false, Ordering::Relaxed) {
                    eprintln!("quid-bench: first error frame: {text}");
                }
            }
            Scanned::Other => {}
        }
    }

    /// The connection ended: a drop unless the load generator was closing it.
    pub fn ended(&self, shared: &Shared) {
        if !self.progress.closing.load(Ordering::Relaxed) {
            Counters::bump(&shared.counters.dropped);
        }
    }
}
