//! One client connection of a swarm and the task that reads it: it checks every message's
//! seq against the last one seen (gaps, duplicates), records delivery latency from the
//! stamp in the content, and notes acks and `joined`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use quid_shared::Id;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

use crate::BenchError;
use crate::clock;
use crate::conn::{self, Ws};
use crate::scan::{Scanned, scan};
use crate::stats::Counters;
use crate::swarm::Shared;
use crate::target::Target;

/// How long closing one connection may take before its reader is aborted.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

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
    /// Position of the connection in the swarm (spreads histogram shards).
    pub index: usize,
    pub role: Role,
    /// The account token it connects with.
    pub token: String,
    pub progress: Arc<Progress>,
    pub sink: Option<SplitSink<Ws, Message>>,
    reader: Option<JoinHandle<()>>,
}

impl Member {
    /// A member not yet connected, starting at `since`.
    pub fn new(
        (group, group_index): (Id, usize),
        index: usize,
        role: Role,
        token: String,
        since: i64,
    ) -> Self {
        Member {
            group,
            group_index,
            index,
            role,
            token,
            progress: Arc::new(Progress {
                last_seq: AtomicI64::new(since),
                closing: AtomicBool::new(false),
            }),
            sink: None,
            reader: None,
        }
    }

    /// Connects, starts the reader and, for a receiver, sends `join {group, since: last_seq}`.
    pub async fn connect(
        &mut self,
        target: &Target,
        shared: &Arc<Shared>,
    ) -> Result<(), BenchError> {
        let ws = conn::connect(target.addr, &target.ws_url(), &self.token).await?;
        let (mut sink, stream) = ws.split();
        self.progress.closing.store(false, Ordering::Relaxed);
        let started = clock::now_stamp();
        if self.role == Role::Receiver {
            let since = self.progress.last_seq.load(Ordering::Relaxed);
            sink.send(conn::join(self.group, since)).await?;
        }
        self.reader = Some(tokio::spawn(read_loop(
            stream,
            self.role,
            (self.group_index, self.index),
            started,
            self.progress.clone(),
            shared.clone(),
        )));
        self.sink = Some(sink);
        Ok(())
    }

    /// Closes the connection (a normal close) and waits for its reader to end.
    pub async fn close(&mut self) {
        self.progress.closing.store(true, Ordering::Relaxed);
        if let Some(mut sink) = self.sink.take() {
            let _ = tokio::time::timeout(CLOSE_TIMEOUT, sink.close()).await;
        }
        if let Some(reader) = self.reader.take() {
            let abort = reader.abort_handle();
            if tokio::time::timeout(CLOSE_TIMEOUT, reader).await.is_err() {
                abort.abort();
            }
        }
    }
}

async fn read_loop(
    mut stream: SplitStream<Ws>,
    role: Role,
    (group_index, index): (usize, usize),
    started: u64,
    progress: Arc<Progress>,
    shared: Arc<Shared>,
) {
    let c = &shared.counters;
    let mut last = progress.last_seq.load(Ordering::Relaxed);
    let mut replaying = role == Role::Receiver;
    while let Some(frame) = stream.next().await {
        let text = match frame {
            Ok(Message::Text(t)) => t,
            Ok(Message::Close(_)) | Err(_) => break,
            Ok(_) => continue,
        };
        Counters::bump(&c.frames);
        match scan(&text) {
            Scanned::NewMessage { seq, stamp } if role == Role::Receiver => {
                if seq == last + 1 {
                    last = seq;
                } else if seq > last + 1 {
                    c.gaps.fetch_add(
                        u64::try_from(seq - last - 1).unwrap_or(0),
                        Ordering::Relaxed,
                    );
                    last = seq;
                } else {
                    Counters::bump(&c.duplicates);
                }
                progress.last_seq.store(last, Ordering::Relaxed);
                if replaying {
                    Counters::bump(&c.replayed);
                } else {
                    Counters::bump(&c.delivered);
                    if let Some(stamp) = stamp {
                        shared.latency.record(index, clock::micros_since(stamp));
                    }
                }
            }
            Scanned::NewMessage { .. } => {}
            Scanned::Ack { seq, stamp } => {
                Counters::bump(&c.acked);
                shared.raise_head(group_index, seq);
                c.last_ack_stamp
                    .fetch_max(clock::now_stamp(), Ordering::Relaxed);
                if let Some(stamp) = stamp {
                    shared.ack_latency.record(index, clock::micros_since(stamp));
                }
            }
            Scanned::Joined { .. } => {
                if replaying {
                    replaying = false;
                    shared.catch_up.record(index, clock::micros_since(started));
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
    if !progress.closing.load(Ordering::Relaxed) {
        Counters::bump(&c.dropped);
    }
}
