//! Between the bus and this node's hub: per followed group, the last seq handed to the
//! hub, so each group's messages reach it in seq order, each once, whatever order (or
//! loss) the bus delivers them in. The node's own commits pass through here too: its
//! message can arrive after a later one of another node that a gap fill already
//! delivered.
//!
//! Nothing here waits: a gap is read from the database by a task of its own ([`fill`]),
//! and the group's arrivals are held meanwhile. Safe to call from the writer thread.
//!
//! [`fill`]: super::fill

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::runtime::Handle;
use tokio::sync::oneshot;

use quid_shared::{Id, Message};

use super::Following;
use crate::hub::{Hub, Published};
use crate::store::{Store, StoreError, messages};

/// The relay of one node; cheap to clone.
#[derive(Clone)]
pub struct Relay {
    shared: Arc<Shared>,
}

struct Shared {
    hub: Arc<dyn Hub>,
    store: Store,
    runtime: Handle,
    groups: Mutex<HashMap<Id, Followed>>,
}

/// One group this node follows.
#[derive(Default)]
struct Followed {
    /// The last seq handed to the hub; `None` while the group's head is being read.
    last: Option<i64>,
    /// The highest seq known to be committed.
    known: i64,
    /// Messages beyond `last + 1`, waiting for the ones before them.
    ahead: BTreeMap<i64, Arc<Published>>,
    /// A task is reading a gap from the database.
    filling: bool,
    /// Joins waiting for the head to be read.
    waiting: Vec<oneshot::Sender<Result<(), StoreError>>>,
}

impl Followed {
    /// Hands the hub every held message that continues `last`, dropping what it had
    /// already; returns the range `(after, upto]` still missing, if any.
    fn advance(&mut self, hub: &dyn Hub) -> Option<(i64, i64)> {
        let mut last = self.last?;
        while let Some(entry) = self.ahead.first_entry() {
            let seq = *entry.key();
            if seq > last + 1 {
                break;
            }
            let published = entry.remove();
            if seq == last + 1 {
                hub.publish(published);
                last = seq;
            } else {
                metrics::counter!("quid_bus_duplicates_total").increment(1);
            }
        }
        self.last = Some(last);
        let upto = self
            .ahead
            .keys()
            .next()
            .map_or(self.known, |first| first - 1);
        (upto > last).then_some((last, upto))
    }
}

impl Relay {
    /// A relay in front of `hub`, reading missed messages from `store`, running its
    /// tasks on `runtime`.
    pub fn new(hub: Arc<dyn Hub>, store: Store, runtime: Handle) -> Relay {
        Relay {
            shared: Arc::new(Shared {
                hub,
                store,
                runtime,
                groups: Mutex::new(HashMap::new()),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Id, Followed>> {
        match self.shared.groups.lock() {
            Ok(groups) => groups,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    pub(super) fn store(&self) -> &Store {
        &self.shared.store
    }

    pub(super) fn hub(&self) -> &dyn Hub {
        &*self.shared.hub
    }

    /// A message committed on some node, this one included. Handed to the hub now if
    /// it is the group's next; dropped if the hub had it; held (and the gap before it
    /// read) if it is ahead. Ignored for a group this node does not follow: no
    /// connection here wants it.
    pub fn arrive(&self, published: Arc<Published>) {
        let (group, seq) = (published.message.group, published.message.seq);
        let mut groups = self.lock();
        let Some(followed) = groups.get_mut(&group) else {
            return;
        };
        followed.known = followed.known.max(seq);
        match followed.last {
            Some(last) if seq <= last => {
                metrics::counter!("quid_bus_duplicates_total").increment(1);
                return;
            }
            Some(last) if seq == last + 1 && !followed.filling => {
                self.shared.hub.publish(published);
                followed.last = Some(seq);
                return;
            }
            _ => {}
        }
        followed.ahead.insert(seq, published);
        self.fill_if_needed(group, followed);
    }

    /// Whether a message of `group` with this seq could be handed on: the group is
    /// followed and the seq not delivered yet (so the bus task reads only those).
    pub fn wants(&self, group: Id, seq: i64) -> bool {
        self.lock()
            .get(&group)
            .is_some_and(|followed| followed.last.is_none_or(|last| seq > last))
    }

    /// Starts following `group` (see [`Bus::follow`](super::Bus::follow)): its head is
    /// read, and every message after it is handed to the hub. `None` when followed.
    pub fn follow(&self, group: Id) -> Option<Following> {
        let mut groups = self.lock();
        let followed = groups.entry(group).or_default();
        if followed.last.is_some() {
            return None;
        }
        let start = followed.waiting.is_empty();
        let (tx, rx) = oneshot::channel();
        followed.waiting.push(tx);
        if start {
            let relay = self.clone();
            self.shared.runtime.spawn(async move {
                let store = relay.shared.store.clone();
                let head = store.read(move |conn| messages::head(conn, group)).await;
                relay.started(group, head);
            });
        }
        Some(Box::pin(async move {
            rx.await.unwrap_or(Err(StoreError::Closed))
        }))
    }

    /// The group's head was read when it started to be followed.
    fn started(&self, group: Id, head: Result<i64, StoreError>) {
        let mut groups = self.lock();
        let Some(followed) = groups.get_mut(&group) else {
            return;
        };
        let head = match head {
            Ok(head) => head,
            Err(e) => {
                // not followed after all: the next join tries again
                let waiting = std::mem::take(&mut followed.waiting);
                groups.remove(&group);
                drop(groups);
                tracing::error!(%group, error = %e, "cannot read a group's head to follow it");
                for waiter in waiting {
                    let _ = waiter.send(Err(same(&e)));
                }
                return;
            }
        };
        followed.last = Some(head);
        followed.known = followed.known.max(head);
        for waiter in followed.waiting.drain(..) {
            let _ = waiter.send(Ok(()));
        }
        self.fill_if_needed(group, followed);
    }

    /// Hands on what continues `last`; if a gap is left and no task reads one yet,
    /// starts one.
    fn fill_if_needed(&self, group: Id, followed: &mut Followed) {
        if followed.filling || followed.last.is_none() {
            return;
        }
        if followed.advance(&*self.shared.hub).is_some() {
            followed.filling = true;
            self.shared
                .runtime
                .spawn(super::fill::fill(self.clone(), group));
        }
    }

    /// For the fill task: hands on what it can and returns the next range to read;
    /// `None` (and the task ends) when there is none.
    pub(super) fn next_gap(&self, group: Id) -> Option<(i64, i64)> {
        let mut groups = self.lock();
        let followed = groups.get_mut(&group)?;
        let gap = followed.advance(&*self.shared.hub);
        if gap.is_none() {
            followed.filling = false;
        }
        gap
    }

    /// Messages read from the database for a gap, in seq order.
    pub(super) fn filled(&self, group: Id, found: Vec<Message>) {
        let published: Vec<Arc<Published>> = found
            .into_iter()
            .filter_map(|message| match Published::new(message) {
                Ok(published) => Some(published),
                Err(e) => {
                    tracing::error!(%group, error = %e, "cannot serialize a message read back");
                    None
                }
            })
            .collect();
        metrics::counter!("quid_bus_gap_messages_total").increment(published.len() as u64);
        let mut groups = self.lock();
        let Some(followed) = groups.get_mut(&group) else {
            return;
        };
        for published in published {
            let seq = published.message.seq;
            if followed.last.is_some_and(|last| seq > last) {
                followed.known = followed.known.max(seq);
                followed.ahead.entry(seq).or_insert(published);
            }
        }
    }

    /// The database does not have seqs up to `upto` after all: they are given up on.
    pub(super) fn skip(&self, group: Id, upto: i64) {
        let mut groups = self.lock();
        let Some(followed) = groups.get_mut(&group) else {
            return;
        };
        if let Some(last) = followed.last.filter(|last| *last < upto) {
            tracing::warn!(%group, after = last, upto, "messages announced but not found; skipped");
            metrics::counter!("quid_bus_seq_holes_total").increment((upto - last) as u64);
            followed.last = Some(upto);
        }
    }

    /// `group` has messages up to `head` (read from the database): the ones not handed
    /// on yet are read.
    pub(super) fn caught_up_to(&self, group: Id, head: i64) {
        let mut groups = self.lock();
        let Some(followed) = groups.get_mut(&group) else {
            return;
        };
        followed.known = followed.known.max(head);
        self.fill_if_needed(group, followed);
    }

    /// The groups followed, their head known.
    pub(super) fn followed(&self) -> Vec<Id> {
        self.lock()
            .iter()
            .filter(|(_, followed)| followed.last.is_some())
            .map(|(group, _)| *group)
            .collect()
    }

    /// Reads again, from the database, everything this node follows: after the bus was
    /// down, or when another node says it lost events.
    pub fn resync(&self) {
        let relay = self.clone();
        self.shared.runtime.spawn(super::resync::resync(relay));
    }

    /// The last seq handed to the hub for `group`, if it is followed.
    #[cfg(test)]
    pub(super) fn last(&self, group: Id) -> Option<i64> {
        self.lock().get(&group).and_then(|followed| followed.last)
    }
}

/// A store error for each waiter (the error itself is not `Clone`).
fn same(e: &StoreError) -> StoreError {
    match e {
        StoreError::Closed => StoreError::Closed,
        other => StoreError::Io(std::io::Error::other(other.to_string())),
    }
}

#[cfg(test)]
#[path = "relay_tests.rs"]
mod tests;
