//! One client connection of a swarm: connecting, joining, reconnecting and closing it (its
//! reader thread's side is in `reading`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use quid_shared::Id;
use tokio::sync::oneshot;

use super::readers::Readers;
use super::reading::{Progress, Reading, Role};
use super::upgrade::Upgrading;
use crate::BenchError;
use crate::conn::{self, Link};
use crate::wire;

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
