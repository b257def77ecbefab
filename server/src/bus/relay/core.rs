//! The relay's state: per followed group, the last seq handed to the hub, the highest
//! seq known to be committed, and the messages that arrived ahead of their turn. Each
//! method takes the lock briefly and never waits; one that finds a gap marks the group
//! as filling and answers `true`: its caller starts the fill ([`super::fill`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::oneshot;

use quid_shared::{Id, Message};

use crate::hub::{Hub, Published};
use crate::store::{Store, StoreError};

/// Waits for a group's head to be read.
pub(super) type Waiter = oneshot::Receiver<Result<(), StoreError>>;

/// What the relay's tasks share.
pub(super) struct Core {
    pub(super) hub: Arc<dyn Hub>,
    pub(super) store: Store,
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

    /// Hands on what continues `last`; `true` when a gap is left and no task reads one
    /// yet (the group is then marked as filling).
    fn needs_fill(&mut self, hub: &dyn Hub) -> bool {
        if self.filling || self.last.is_none() {
            return false;
        }
        self.filling = self.advance(hub).is_some();
        self.filling
    }
}

impl Core {
    pub(super) fn new(hub: Arc<dyn Hub>, store: Store) -> Core {
        Core {
            hub,
            store,
            groups: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Id, Followed>> {
        match self.groups.lock() {
            Ok(groups) => groups,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// See [`Relay::arrive`](super::Relay::arrive); `true`: start a fill.
    pub(super) fn arrive(&self, published: Arc<Published>) -> bool {
        let (group, seq) = (published.message.group, published.message.seq);
        let mut groups = self.lock();
        let Some(followed) = groups.get_mut(&group) else {
            return false;
        };
        followed.known = followed.known.max(seq);
        match followed.last {
            Some(last) if seq <= last => {
                metrics::counter!("quid_bus_duplicates_total").increment(1);
                return false;
            }
            Some(last) if seq == last + 1 && !followed.filling => {
                self.hub.publish(published);
                followed.last = Some(seq);
                return false;
            }
            _ => {}
        }
        followed.ahead.insert(seq, published);
        followed.needs_fill(&*self.hub)
    }

    /// See [`Relay::wants`](super::Relay::wants).
    pub(super) fn wants(&self, group: Id, seq: i64) -> bool {
        self.lock()
            .get(&group)
            .is_some_and(|followed| followed.last.is_none_or(|last| seq > last))
    }

    /// A join's wait for `group` to be followed: `None` when it is; else the wait, and
    /// whether the caller must read the head (the first to ask).
    pub(super) fn follow(&self, group: Id) -> Option<(Waiter, bool)> {
        let mut groups = self.lock();
        let followed = groups.entry(group).or_default();
        if followed.last.is_some() {
            return None;
        }
        let first = followed.waiting.is_empty();
        let (tx, rx) = oneshot::channel();
        followed.waiting.push(tx);
        Some((rx, first))
    }

    /// The group's head was read when it started to be followed; `true`: start a fill.
    pub(super) fn started(&self, group: Id, head: Result<i64, StoreError>) -> bool {
        let mut groups = self.lock();
        let Some(followed) = groups.get_mut(&group) else {
            return false;
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
                return false;
            }
        };
        followed.last = Some(head);
        followed.known = followed.known.max(head);
        for waiter in followed.waiting.drain(..) {
            let _ = waiter.send(Ok(()));
        }
        followed.needs_fill(&*self.hub)
    }

    /// For the fill task: hands on what it can and returns the next range to read;
    /// `None` (the group no longer filling) when there is none.
    pub(super) fn next_gap(&self, group: Id) -> Option<(i64, i64)> {
        let mut groups = self.lock();
        let followed = groups.get_mut(&group)?;
        let gap = followed.advance(&*self.hub);
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

    /// `group` has messages up to `head` (read from the database); `true`: start a fill.
    pub(super) fn caught_up_to(&self, group: Id, head: i64) -> bool {
        let mut groups = self.lock();
        let Some(followed) = groups.get_mut(&group) else {
            return false;
        };
        followed.known = followed.known.max(head);
        followed.needs_fill(&*self.hub)
    }

    /// The groups followed, their head known.
    pub(super) fn followed(&self) -> Vec<Id> {
        self.lock()
            .iter()
            .filter(|(_, followed)| followed.last.is_some())
            .map(|(group, _)| *group)
            .collect()
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
