//! The most recently published messages of every group, already serialized, kept within
//! a byte budget: a reconnecting client's missed messages are usually among them, so a
//! `join` with `since` is answered from memory, with the frames every other recipient
//! got, instead of reading and serializing them again.
//!
//! A group's ring holds every message published since its `after` seq, in order (the
//! writer publishes each group's messages in seq order, each exactly once). Eviction is
//! global and oldest-first, so each ring stays a contiguous run of the newest messages.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use quid_shared::Id;

use super::Published;

/// Missed messages found in memory.
#[derive(Debug)]
pub struct Missed {
    /// The group's newest published seq.
    pub head: i64,
    /// Messages after `since` visible to the viewer, in seq order.
    pub messages: Vec<Arc<Published>>,
}

pub(super) struct Recent {
    budget: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    rings: HashMap<Id, Ring>,
    /// Every kept message, oldest first, as (group, seq).
    order: VecDeque<(Id, i64)>,
    bytes: usize,
}

struct Ring {
    /// Every message of the group with a greater seq is in `messages`.
    after: i64,
    messages: VecDeque<Arc<Published>>,
}

/// Memory a kept message stands for: its frame, its message, and bookkeeping.
fn weight(published: &Published) -> usize {
    2 * published.frame.len() + 256
}

impl Recent {
    pub(super) fn new(budget_bytes: usize) -> Recent {
        Recent {
            budget: budget_bytes,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        match self.inner.lock() {
            Ok(inner) => inner,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Keeps a just-published message, evicting the oldest kept ones beyond the budget.
    pub(super) fn record(&self, published: &Arc<Published>) {
        if self.budget == 0 {
            return;
        }
        let mut inner = self.lock();
        let Inner {
            rings,
            order,
            bytes,
        } = &mut *inner;
        let message = &published.message;
        let ring = rings.entry(message.group).or_insert_with(|| Ring {
            after: message.seq - 1,
            messages: VecDeque::new(),
        });
        let last = ring.messages.back().map_or(ring.after, |m| m.message.seq);
        if message.seq != last + 1 {
            // not contiguous (a message was never published): start over from this one
            *bytes -= ring.messages.iter().map(|m| weight(m)).sum::<usize>();
            ring.messages.clear();
            ring.after = message.seq - 1;
        }
        ring.messages.push_back(Arc::clone(published));
        order.push_back((message.group, message.seq));
        *bytes += weight(published);
        while *bytes > self.budget {
            let Some((group, seq)) = order.pop_front() else {
                break;
            };
            let Some(ring) = rings.get_mut(&group) else {
                continue;
            };
            // skip entries of a ring that started over
            if ring.messages.front().is_some_and(|m| m.message.seq == seq) {
                if let Some(evicted) = ring.messages.pop_front() {
                    *bytes -= weight(&evicted);
                    ring.after = seq;
                }
            }
            if ring.messages.is_empty() {
                rings.remove(&group);
            }
        }
    }

    /// The messages of `group` after `since` that `viewer` may see, if all of them are
    /// still kept.
    pub(super) fn missed(&self, group: Id, viewer: Id, since: i64) -> Option<Missed> {
        let inner = self.lock();
        let ring = inner.rings.get(&group)?;
        if since < ring.after {
            return None;
        }
        let head = ring.messages.back().map_or(ring.after, |m| m.message.seq);
        // contiguous: the message with seq `after + 1 + i` is at index `i`
        let first = usize::try_from(since - ring.after).unwrap_or(usize::MAX);
        let messages = ring
            .messages
            .range(first.min(ring.messages.len())..)
            .filter(|m| m.message.visible_to(viewer))
            .cloned()
            .collect();
        Some(Missed { head, messages })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn published(group: Id, seq: i64, target: Option<Id>) -> Arc<Published> {
        Published::sample(group, seq, Id::nil(), target, "hello")
    }

    fn seqs(missed: &Missed) -> Vec<i64> {
        missed.messages.iter().map(|m| m.message.seq).collect()
    }

    /// Missed messages come from memory only when every one of them is kept, and
    /// private ones only for their author and target.
    #[test]
    fn covers_only_what_it_kept() {
        let recent = Recent::new(1 << 20);
        let (group, viewer, other) = (Id::new_v4(), Id::new_v4(), Id::new_v4());
        for seq in 5..=8 {
            let target = (seq == 7).then_some(other);
            recent.record(&published(group, seq, target));
        }
        assert!(recent.missed(group, viewer, 3).is_none());
        let missed = recent.missed(group, viewer, 4).unwrap();
        assert_eq!((missed.head, seqs(&missed)), (8, vec![5, 6, 8]));
        assert_eq!(seqs(&recent.missed(group, other, 6).unwrap()), [7, 8]);
        assert!(recent.missed(group, viewer, 8).unwrap().messages.is_empty());
        assert!(recent.missed(Id::new_v4(), viewer, 0).is_none());
    }

    /// Over budget, the oldest messages of any group go first and coverage shrinks.
    #[test]
    fn evicts_oldest_first_across_groups() {
        let one = weight(&published(Id::nil(), 1, None));
        let recent = Recent::new(3 * one);
        let (a, b, viewer) = (Id::new_v4(), Id::new_v4(), Id::new_v4());
        recent.record(&published(a, 1, None));
        recent.record(&published(b, 1, None));
        recent.record(&published(a, 2, None));
        recent.record(&published(b, 2, None));
        assert!(recent.missed(a, viewer, 0).is_none());
        assert_eq!(seqs(&recent.missed(a, viewer, 1).unwrap()), [2]);
        assert_eq!(seqs(&recent.missed(b, viewer, 0).unwrap()), [1, 2]);
    }

    /// A gap in published seqs restarts the group's coverage after it.
    #[test]
    fn a_gap_restarts_coverage() {
        let recent = Recent::new(1 << 20);
        let (group, viewer) = (Id::new_v4(), Id::new_v4());
        recent.record(&published(group, 1, None));
        recent.record(&published(group, 3, None));
        assert!(recent.missed(group, viewer, 1).is_none());
        assert_eq!(seqs(&recent.missed(group, viewer, 2).unwrap()), [3]);
    }
}
