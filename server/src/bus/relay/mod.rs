//! Between the bus and this node's hub: for every group this node follows, each message
//! is handed to the hub once and in seq order, whatever order (or loss) the bus brings
//! them in. The node's own commits pass through here too: its message can arrive after
//! a later one of another node that a gap fill already delivered.
//!
//! The next seq is delivered at once; an older one is dropped (an echo, a duplicate); a
//! newer one is held while the missing range is read from the database by a task of its
//! own ([`fill`]). Nothing here waits, so it is safe to call from the writer thread.
//! After the bus was down, [`resync`] reads every followed group's head again.

mod core;
mod fill;
mod resync;

use std::sync::Arc;

use tokio::runtime::Handle;

use quid_shared::Id;

use super::Following;
use crate::hub::{Hub, Published};
use crate::store::{Store, StoreError, messages};
use core::Core;

/// The relay of one node; cheap to clone.
#[derive(Clone)]
pub struct Relay {
    core: Arc<Core>,
    runtime: Handle,
}

impl Relay {
    /// A relay in front of `hub`, reading missed messages from `store`, running its
    /// tasks on `runtime`.
    pub fn new(hub: Arc<dyn Hub>, store: Store, runtime: Handle) -> Relay {
        Relay {
            core: Arc::new(Core::new(hub, store)),
            runtime,
        }
    }

    /// A message committed on some node, this one included. Handed to the hub now if
    /// it is the group's next; dropped if the hub had it; held (and the gap before it
    /// read) if it is ahead. Ignored for a group this node does not follow: no
    /// connection here wants it.
    pub fn arrive(&self, published: Arc<Published>) {
        let group = published.message.group;
        if self.core.arrive(published) {
            self.fill(group);
        }
    }

    /// Whether a message of `group` with this seq could be handed on: the group is
    /// followed and the seq not delivered yet (so the bus task reads only those).
    pub fn wants(&self, group: Id, seq: i64) -> bool {
        self.core.wants(group, seq)
    }

    /// Starts following `group` (see [`Bus::follow`](super::Bus::follow)): its head is
    /// read, and every message after it is handed to the hub. `None` when followed.
    pub fn follow(&self, group: Id) -> Option<Following> {
        let (waiter, first) = self.core.follow(group)?;
        if first {
            let relay = self.clone();
            self.runtime.spawn(async move {
                let head = relay
                    .core
                    .store
                    .read(move |conn| messages::head(conn, group))
                    .await;
                if relay.core.started(group, head) {
                    relay.fill(group);
                }
            });
        }
        Some(Box::pin(async move {
            waiter.await.unwrap_or(Err(StoreError::Closed))
        }))
    }

    /// Reads again, from the database, everything this node follows: after the bus was
    /// down, or when another node says it lost events.
    pub fn resync(&self) {
        let (core, runtime) = (Arc::clone(&self.core), self.runtime.clone());
        self.runtime.spawn(resync::resync(core, runtime));
    }

    fn fill(&self, group: Id) {
        self.runtime
            .spawn(fill::fill(Arc::clone(&self.core), group));
    }

    /// The last seq handed to the hub for `group`, if it is followed.
    #[cfg(test)]
    fn last(&self, group: Id) -> Option<i64> {
        self.core.last(group)
    }
}

#[cfg(test)]
mod tests;
