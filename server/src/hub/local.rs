//! The in-process hub: rooms in sharded maps, each shard behind its own `RwLock`, so
//! publishers of different groups never contend and publishers of one group only share
//! a read lock. Delivery is a `try_send` of an `Arc` per recipient.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use tokio::sync::mpsc::error::TrySendError;

use super::{ConnId, Hub, Published, Subscriber};
use quid_shared::Id;

const SHARDS: usize = 64;

type Rooms = HashMap<Id, Vec<Subscriber>>;

/// Rooms of this process.
pub struct LocalHub {
    shards: Box<[RwLock<Rooms>]>,
    memberships: metrics::Gauge,
    slow_readers: metrics::Counter,
}

impl Default for LocalHub {
    fn default() -> Self {
        LocalHub {
            shards: (0..SHARDS).map(|_| RwLock::new(Rooms::new())).collect(),
            memberships: metrics::gauge!("quid_room_memberships"),
            slow_readers: metrics::counter!("quid_connection_drops_total", "reason" => "slow_reader"),
        }
    }
}

impl LocalHub {
    fn shard(&self, group: Id) -> &RwLock<Rooms> {
        // v4/v7 uuids end in random bits
        &self.shards[usize::from(group.as_bytes()[15]) % SHARDS]
    }

    fn write_room(&self, group: Id, f: impl FnOnce(&mut Vec<Subscriber>)) {
        let mut rooms = match self.shard(group).write() {
            Ok(rooms) => rooms,
            Err(poisoned) => poisoned.into_inner(),
        };
        let room = rooms.entry(group).or_default();
        let before = room.len();
        f(room);
        let after = room.len();
        if room.is_empty() {
            rooms.remove(&group);
        }
        self.memberships.increment(after as f64 - before as f64);
    }
}

impl Hub for LocalHub {
    fn subscribe(&self, group: Id, subscriber: Subscriber) {
        self.write_room(group, |room| {
            if !room.iter().any(|s| s.conn == subscriber.conn) {
                room.push(subscriber);
            }
        });
    }

    fn unsubscribe(&self, group: Id, conn: ConnId) {
        self.write_room(group, |room| room.retain(|s| s.conn != conn));
    }

    fn remove_user(&self, group: Id, user: Id) {
        self.write_room(group, |room| room.retain(|s| s.user != user));
    }

    fn publish(&self, published: Arc<Published>) -> usize {
        let rooms = match self.shard(published.message.group).read() {
            Ok(rooms) => rooms,
            Err(poisoned) => poisoned.into_inner(),
        };
        let Some(room) = rooms.get(&published.message.group) else {
            return 0;
        };
        let mut delivered = 0;
        for subscriber in room {
            if !published.message.visible_to(subscriber.user) {
                continue;
            }
            match subscriber.queue.try_send(Arc::clone(&published)) {
                Ok(()) => delivered += 1,
                Err(TrySendError::Full(_)) => {
                    if !subscriber.slow.is_cancelled() {
                        subscriber.slow.cancel();
                        self.slow_readers.increment(1);
                    }
                }
                Err(TrySendError::Closed(_)) => {}
            }
        }
        delivered
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quid_shared::{Message, MessageKind, UserRef};
    use tokio::sync::mpsc;
    use tokio_util::sync::CancellationToken;

    fn subscriber(
        conn: ConnId,
        user: Id,
        cap: usize,
    ) -> (Subscriber, mpsc::Receiver<Arc<Published>>) {
        let (queue, rx) = mpsc::channel(cap);
        let s = Subscriber {
            conn,
            user,
            queue,
            slow: CancellationToken::new(),
        };
        (s, rx)
    }

    fn message(group: Id, seq: i64, author: Id, target: Option<Id>) -> Arc<Published> {
        Published::new(Message {
            id: seq,
            group,
            seq,
            kind: MessageKind::User,
            author: Some(UserRef {
                id: author,
                username: "a".into(),
            }),
            content: "hi".into(),
            private: target.is_some(),
            target,
            reply_to: None,
            client_id: None,
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            meta: serde_json::json!({}),
        })
        .unwrap()
    }

    /// Public frames reach every subscriber; private ones only author and target.
    #[test]
    fn private_frames_reach_author_and_target_only() {
        let hub = LocalHub::default();
        let group = Id::new_v4();
        let (a, b, c) = (Id::new_v4(), Id::new_v4(), Id::new_v4());
        let (sa, mut ra) = subscriber(1, a, 8);
        let (sb, mut rb) = subscriber(2, b, 8);
        let (sc, mut rc) = subscriber(3, c, 8);
        for s in [sa, sb, sc] {
            hub.subscribe(group, s);
        }
        assert_eq!(hub.publish(message(group, 1, a, None)), 3);
        assert_eq!(hub.publish(message(group, 2, a, Some(b))), 2);
        assert_eq!(ra.try_recv().unwrap().message.seq, 1);
        assert_eq!(ra.try_recv().unwrap().message.seq, 2);
        assert_eq!(rb.try_recv().unwrap().message.seq, 1);
        assert_eq!(rb.try_recv().unwrap().message.seq, 2);
        assert_eq!(rc.try_recv().unwrap().message.seq, 1);
        assert!(rc.try_recv().is_err());
    }

    /// A full queue marks that subscriber slow without affecting the others.
    #[test]
    fn full_queue_marks_only_that_subscriber_slow() {
        let hub = LocalHub::default();
        let group = Id::new_v4();
        let (slow, _slow_rx) = subscriber(1, Id::new_v4(), 1);
        let (fast, mut fast_rx) = subscriber(2, Id::new_v4(), 8);
        let slow_flag = slow.slow.clone();
        hub.subscribe(group, slow);
        hub.subscribe(group, fast);
        let author = Id::new_v4();
        hub.publish(message(group, 1, author, None));
        hub.publish(message(group, 2, author, None));
        assert!(slow_flag.is_cancelled());
        assert_eq!(fast_rx.try_recv().unwrap().message.seq, 1);
        assert_eq!(fast_rx.try_recv().unwrap().message.seq, 2);
    }

    /// Unsubscribed and removed users receive nothing more.
    #[test]
    fn unsubscribe_and_remove_user() {
        let hub = LocalHub::default();
        let group = Id::new_v4();
        let user = Id::new_v4();
        let (s1, mut r1) = subscriber(1, user, 8);
        let (s2, mut r2) = subscriber(2, user, 8);
        hub.subscribe(group, s1);
        hub.subscribe(group, s2);
        hub.unsubscribe(group, 1);
        assert_eq!(hub.publish(message(group, 1, user, None)), 1);
        hub.remove_user(group, user);
        assert_eq!(hub.publish(message(group, 2, user, None)), 0);
        assert!(r1.try_recv().is_err());
        assert_eq!(r2.try_recv().unwrap().message.seq, 1);
        assert!(r2.try_recv().is_err());
    }
}
