//! Per-group delivery cursors: what makes "nothing twice, nothing missed" hold across
//! reconnects. Pure bookkeeping, no I/O.
//!
//! For each joined group we keep the highest `seq` delivered in stream order (`last`), and
//! the seqs of our own messages that an `ack` delivered ahead of the stream (`ahead`).
//! A message is new when its seq is above `last` and not in `ahead`. On reconnect we join
//! with `since = last`, so the server replays exactly what we did not see.

use std::collections::{BTreeSet, HashMap};

use quid_shared::{Id, Message};

/// Delivery state of one group.
#[derive(Debug, Clone, Default, PartialEq)]
struct Cursor {
    last: Option<i64>,
    ahead: BTreeSet<i64>,
}

/// The cursors of every group we are subscribed to.
#[derive(Debug, Clone, Default)]
pub struct Cursors {
    groups: HashMap<Id, Cursor>,
}

impl Cursors {
    /// Subscribes to `group`, starting after `since` (or at the live edge when `None`).
    /// A cursor that is already further along is kept.
    pub fn subscribe(&mut self, group: Id, since: Option<i64>) {
        let cursor = self.groups.entry(group).or_default();
        cursor.last = match (cursor.last, since) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }

    /// Forgets `group`.
    pub fn unsubscribe(&mut self, group: Id) {
        self.groups.remove(&group);
    }

    /// Whether we are subscribed to `group`.
    pub fn contains(&self, group: Id) -> bool {
        self.groups.contains_key(&group)
    }

    /// The `since` to join `group` with: `None` when not subscribed, `Some(None)` for the
    /// live edge.
    pub fn since(&self, group: Id) -> Option<Option<i64>> {
        self.groups.get(&group).map(|c| c.last)
    }

    /// Every subscribed group with the `since` to join it with.
    pub fn joins(&self) -> Vec<(Id, Option<i64>)> {
        let mut joins: Vec<_> = self.groups.iter().map(|(g, c)| (*g, c.last)).collect();
        joins.sort_by_key(|(g, _)| *g);
        joins
    }

    /// A `new-message` arrived: returns whether it is new (and advances the cursor).
    pub fn accept_stream(&mut self, message: &Message) -> bool {
        let Some(cursor) = self.groups.get_mut(&message.group) else {
            return false;
        };
        let fresh = cursor.last.is_none_or(|last| message.seq > last)
            && !cursor.ahead.contains(&message.seq);
        if cursor.last.is_none_or(|last| message.seq > last) {
            cursor.last = Some(message.seq);
        }
        let last = message.seq;
        cursor.ahead.retain(|seq| *seq > last);
        fresh
    }

    /// An `ack` delivered our own message: returns whether it is new. The cursor does not
    /// move, since messages before it may still be on their way.
    pub fn accept_ack(&mut self, message: &Message) -> bool {
        let Some(cursor) = self.groups.get_mut(&message.group) else {
            return true;
        };
        if cursor.last.is_some_and(|last| message.seq <= last) {
            return false;
        }
        cursor.ahead.insert(message.seq)
    }

    /// `joined {group, head}`: the replay is complete and everything up to `head` that we
    /// may see has been delivered.
    pub fn joined(&mut self, group: Id, head: i64) {
        if let Some(cursor) = self.groups.get_mut(&group) {
            if cursor.last.is_none_or(|last| head > last) {
                cursor.last = Some(head);
            }
            cursor.ahead.retain(|seq| *seq > head);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quid_shared::MessageKind;
    use time::OffsetDateTime;

    fn msg(group: Id, seq: i64) -> Message {
        Message {
            id: seq,
            group,
            seq,
            kind: MessageKind::User,
            author: None,
            content: String::new(),
            private: false,
            target: None,
            reply_to: None,
            client_id: None,
            created_at: OffsetDateTime::UNIX_EPOCH,
            meta: serde_json::Value::Null,
        }
    }

    /// A replay overlapping what was already seen delivers only the unseen messages.
    #[test]
    fn replay_after_reconnect_skips_seen_messages() {
        let g = Id::nil();
        let mut c = Cursors::default();
        c.subscribe(g, Some(3));
        assert!(!c.accept_stream(&msg(g, 3)));
        assert!(c.accept_stream(&msg(g, 4)));
        assert_eq!(c.joins(), vec![(g, Some(4))]);
        assert!(!c.accept_stream(&msg(g, 4)));
        assert!(c.accept_stream(&msg(g, 6)));
    }

    /// An ack ahead of the stream is delivered once, and does not hide earlier messages.
    #[test]
    fn ack_ahead_of_stream_is_not_repeated_and_hides_nothing() {
        let g = Id::nil();
        let mut c = Cursors::default();
        c.subscribe(g, Some(1));
        assert!(c.accept_ack(&msg(g, 3)));
        assert!(!c.accept_ack(&msg(g, 3)));
        assert_eq!(c.joins(), vec![(g, Some(1))]);
        assert!(c.accept_stream(&msg(g, 2)));
        assert!(!c.accept_stream(&msg(g, 3)));
        assert!(c.accept_stream(&msg(g, 4)));
    }

    /// `joined` moves a live-only subscription to the head so a reconnect misses nothing.
    #[test]
    fn joined_sets_the_resume_point() {
        let g = Id::nil();
        let mut c = Cursors::default();
        c.subscribe(g, None);
        c.joined(g, 9);
        assert_eq!(c.joins(), vec![(g, Some(9))]);
        c.subscribe(g, Some(2));
        assert_eq!(c.joins(), vec![(g, Some(9))]);
    }
}
