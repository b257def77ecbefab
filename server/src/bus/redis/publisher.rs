//! This node's side of publishing: the effects it produces wait in a bounded queue
//! (pushing never blocks, not even the writer thread) for the task that serializes and
//! `PUBLISH`es them, in order. While Redis is unreachable the task retries the same
//! event with backoff; what does not fit in the queue meanwhile is dropped, and once
//! publishing works again the task asks every node to resynchronise from the database.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use serde_json::value::RawValue;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use quid_shared::Id;

use super::{Link, backoff};
use crate::bus::event::{Envelope, Event};
use crate::hub::{Audience, Published};

/// Events waiting to be published at most; beyond, they are dropped (and a resync
/// asked for).
const QUEUE: usize = 65_536;

/// An effect of this node, to be published.
pub(super) enum Outbound {
    Message(Arc<Published>),
    RemoveUser {
        group: Id,
        user: Id,
    },
    Tell {
        user: Id,
        frame: Box<RawValue>,
    },
    NotifyRoom {
        group: Id,
        audience: Audience,
        frame: Box<RawValue>,
    },
    Resync,
}

impl Outbound {
    fn event(&self) -> Result<Event<'_>, serde_json::Error> {
        Ok(match self {
            Outbound::Message(published) => Event::message(published)?,
            Outbound::RemoveUser { group, user } => Event::RemoveUser {
                group: *group,
                user: *user,
            },
            Outbound::Tell { user, frame } => Event::Tell { user: *user, frame },
            Outbound::NotifyRoom {
                group,
                audience,
                frame,
            } => Event::NotifyRoom {
                group: *group,
                audience: *audience,
                frame,
            },
            Outbound::Resync => Event::Resync,
        })
    }
}

/// Where this node's effects wait to be published.
pub(super) struct Queue {
    sender: mpsc::Sender<Outbound>,
    /// Set when an event was dropped: the other nodes must resynchronise.
    lost: Arc<AtomicBool>,
}

/// The receiving end of a [`Queue`], for [`run`].
pub(super) struct Pending {
    receiver: mpsc::Receiver<Outbound>,
    lost: Arc<AtomicBool>,
}

pub(super) fn queue() -> (Queue, Pending) {
    let (sender, receiver) = mpsc::channel(QUEUE);
    let lost = Arc::new(AtomicBool::new(false));
    let pending = Pending {
        receiver,
        lost: Arc::clone(&lost),
    };
    (Queue { sender, lost }, pending)
}

impl Queue {
    /// Queues `outbound` without waiting; drops it when the queue is full.
    pub(super) fn push(&self, outbound: Outbound) {
        match self.sender.try_send(outbound) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => {
                metrics::counter!("quid_bus_dropped_total").increment(1);
                if !self.lost.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        "bus: the publish queue is full; events are dropped until Redis takes them again"
                    );
                }
            }
            // shutting down
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }
}

/// Publishes queued events, in order, until shutdown.
pub(super) async fn run(
    link: Arc<Link>,
    node: Id,
    mut pending: Pending,
    shutdown: CancellationToken,
) {
    let mut conn = None;
    loop {
        let outbound = tokio::select! {
            _ = shutdown.cancelled() => return,
            next = pending.receiver.recv() => match next {
                Some(outbound) => outbound,
                None => return,
            },
        };
        let Some(retried) = send(&link, node, &mut conn, &outbound, &shutdown).await else {
            return;
        };
        if retried || pending.lost.swap(false, Ordering::Relaxed) {
            // what was lost meanwhile is read from the database by every node
            if send(&link, node, &mut conn, &Outbound::Resync, &shutdown)
                .await
                .is_none()
            {
                return;
            }
        }
    }
}

/// Publishes one event, retrying with backoff until it is taken; `Some(true)` when it
/// had to retry, `None` at shutdown.
async fn send(
    link: &Link,
    node: Id,
    conn: &mut Option<ConnectionManager>,
    outbound: &Outbound,
    shutdown: &CancellationToken,
) -> Option<bool> {
    let event = match outbound.event() {
        Ok(event) => event,
        Err(e) => {
            tracing::error!(error = %e, "bus: cannot serialize an event");
            return Some(false);
        }
    };
    let kind = event.kind();
    let payload = match (Envelope {
        origin: node,
        event,
    })
    .encode()
    {
        Ok(payload) => payload,
        Err(e) => {
            tracing::error!(error = %e, kind, "bus: cannot serialize an event");
            return Some(false);
        }
    };
    let mut failures = 0;
    loop {
        match publish(link, conn, &payload).await {
            Ok(()) => {
                metrics::counter!("quid_bus_published_total", "kind" => kind).increment(1);
                if failures > 0 {
                    tracing::info!(url = %link.url, "bus: publishing again");
                }
                return Some(failures > 0);
            }
            Err(e) => {
                failures += 1;
                metrics::counter!("quid_bus_publish_errors_total").increment(1);
                if failures == 1 {
                    tracing::warn!(url = %link.url, error = %e, "bus: cannot publish; retrying (local delivery goes on)");
                }
                tokio::select! {
                    _ = shutdown.cancelled() => return None,
                    _ = tokio::time::sleep(backoff(failures)) => {}
                }
            }
        }
    }
}

async fn publish(
    link: &Link,
    conn: &mut Option<ConnectionManager>,
    payload: &[u8],
) -> redis::RedisResult<()> {
    let conn = match conn {
        Some(conn) => conn,
        None => {
            let config = ConnectionManagerConfig::new()
                .set_connection_timeout(Some(Duration::from_secs(2)))
                .set_response_timeout(Some(Duration::from_secs(2)))
                .set_number_of_retries(2);
            let made = link
                .client
                .get_connection_manager_with_config(config)
                .await?;
            conn.insert(made)
        }
    };
    redis::cmd("PUBLISH")
        .arg(&link.channel)
        .arg(payload)
        .query_async::<i64>(conn)
        .await
        .map(drop)
}
