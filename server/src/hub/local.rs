//! The in-process hub: rooms in sharded maps, each shard behind its own `RwLock`, and
//! fan-out lanes. Publishing hands the message to the lanes that serve a member of its
//! room and returns at once; each lane is a thread that writes to its own share of every
//! room's connections (`conn % lanes`), so one connection's frames always go through one
//! lane, in publish order, while the lanes of a big room write in parallel. It also
//! keeps the most recent messages for replay ([`Recent`]).

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, RwLock, RwLockReadGuard};

use super::recent::Recent;
use super::{Audience, ConnId, Hub, Missed, Published, Subscriber};
use quid_shared::Id;

const SHARDS: usize = 64;

/// Most published messages a lane takes at once.
const BATCH: usize = 64;

type Room = Vec<Subscriber>;

/// Rooms of this process.
pub struct LocalHub {
    rooms: Arc<Rooms>,
    lanes: Vec<Sender<Arc<Published>>>,
    recent: Recent,
}

struct Rooms {
    shards: Box<[RwLock<HashMap<Id, Room>>]>,
    memberships: metrics::Gauge,
}

impl LocalHub {
    /// A hub with `lanes` fan-out threads (at least one) that keeps recent messages for
    /// replay up to `replay_budget` bytes.
    pub fn new(lanes: usize, replay_budget: usize) -> std::io::Result<LocalHub> {
        let rooms = Arc::new(Rooms {
            shards: (0..SHARDS).map(|_| RwLock::new(HashMap::new())).collect(),
            memberships: metrics::gauge!("quid_room_memberships"),
        });
        let count = lanes.max(1);
        let lanes = (0..count)
            .map(|lane| {
                let (sender, receiver) = channel();
                let rooms = Arc::clone(&rooms);
                std::thread::Builder::new()
                    .name(format!("quid-fanout-{lane}"))
                    .spawn(move || rooms.serve_lane(receiver, lane, count))
                    .map(|_| sender)
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        Ok(LocalHub {
            rooms,
            lanes,
            recent: Recent::new(replay_budget),
        })
    }

    fn lane_of(&self, conn: ConnId) -> usize {
        (conn % self.lanes.len() as u64) as usize
    }
}

impl Rooms {
    fn shard(&self, group: Id) -> &RwLock<HashMap<Id, Room>> {
        // v4/v7 uuids end in random bits
        &self.shards[usize::from(group.as_bytes()[15]) % SHARDS]
    }

    fn read(&self, group: Id) -> RwLockReadGuard<'_, HashMap<Id, Room>> {
        match self.shard(group).read() {
            Ok(rooms) => rooms,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn write_room(&self, group: Id, f: impl FnOnce(&mut Room)) {
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

    /// One lane's thread: delivers each published message to the lane's share of its
    /// room, until the hub is dropped. Messages that queued up meanwhile are taken
    /// together, so a connection gets all of its group's waiting messages in one write.
    fn serve_lane(&self, published: Receiver<Arc<Published>>, lane: usize, lanes: usize) {
        let mut batch: Vec<Arc<Published>> = Vec::with_capacity(BATCH);
        let mut visible: Vec<Arc<Published>> = Vec::new();
        while let Ok(first) = published.recv() {
            batch.push(first);
            batch.extend(published.try_iter().take(BATCH - 1));
            // stable: each group's messages stay in seq order
            batch.sort_by_key(|p| p.message.group);
            for run in batch.chunk_by(|a, b| a.message.group == b.message.group) {
                let group = run[0].message.group;
                let any_private = run.iter().any(|p| p.message.private);
                let rooms = self.read(group);
                let Some(room) = rooms.get(&group) else {
                    continue;
                };
                for subscriber in room {
                    if (subscriber.conn % lanes as u64) as usize != lane {
                        continue;
                    }
                    if !any_private {
                        subscriber.sink.offer(run);
                        continue;
                    }
                    visible.clear();
                    let user = subscriber.user;
                    visible.extend(run.iter().filter(|p| p.message.visible_to(user)).cloned());
                    subscriber.sink.offer(&visible);
                }
            }
            batch.clear();
            visible.clear();
        }
    }
}

impl Hub for LocalHub {
    fn subscribe(&self, group: Id, subscriber: Subscriber) {
        self.rooms.write_room(group, |room| {
            if !room.iter().any(|s| s.conn == subscriber.conn) {
                room.push(subscriber);
            }
        });
    }

    fn unsubscribe(&self, group: Id, conn: ConnId) {
        self.rooms
            .write_room(group, |room| room.retain(|s| s.conn != conn));
    }

    fn remove_user(&self, group: Id, user: Id) {
        let mut removed = Vec::new();
        self.rooms.write_room(group, |room| {
            room.retain(|s| {
                let keep = s.user != user;
                if !keep {
                    removed.push(Arc::clone(&s.sink));
                }
                keep
            });
        });
        for sink in removed {
            sink.removed(group);
        }
    }

    fn publish(&self, published: Arc<Published>) -> usize {
        self.recent.record(&published);
        let message = &published.message;
        let mut wanted = vec![false; self.lanes.len()];
        let mut recipients = 0;
        {
            let rooms = self.rooms.read(message.group);
            let Some(room) = rooms.get(&message.group) else {
                return 0;
            };
            for subscriber in room {
                if message.visible_to(subscriber.user) {
                    wanted[self.lane_of(subscriber.conn)] = true;
                    recipients += 1;
                }
            }
        }
        for (lane, wanted) in self.lanes.iter().zip(wanted) {
            if wanted {
                // a lane only stops when the hub is dropped
                let _ = lane.send(Arc::clone(&published));
            }
        }
        recipients
    }

    fn missed(&self, group: Id, viewer: Id, since: i64) -> Option<Missed> {
        self.recent.missed(group, viewer, since)
    }

    fn notify_room(&self, group: Id, frame: &[u8], audience: Audience) {
        let sinks: Vec<Arc<dyn super::Sink>> = {
            let rooms = self.rooms.read(group);
            let Some(room) = rooms.get(&group) else {
                return;
            };
            room.iter()
                .filter(|s| audience.includes(s.user))
                .map(|s| Arc::clone(&s.sink))
                .collect()
        };
        for sink in sinks {
            sink.notify(frame);
        }
    }

    fn users(&self, group: Id) -> Vec<Id> {
        let rooms = self.rooms.read(group);
        let mut users: Vec<Id> = rooms
            .get(&group)
            .map(|room| room.iter().map(|s| s.user).collect())
            .unwrap_or_default();
        users.sort_unstable();
        users.dedup();
        users
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    use crate::hub::Sink;

    /// Records the seqs offered to it.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<i64>>);

    impl Sink for Recorder {
        fn offer(&self, run: &[Arc<Published>]) -> usize {
            let mut seqs = self.0.lock().unwrap();
            seqs.extend(run.iter().map(|p| p.message.seq));
            run.len()
        }

        fn removed(&self, _group: Id) {}

        fn notify(&self, _frame: &[u8]) {}
    }

    impl Recorder {
        /// The seqs offered so far, once `n` have arrived (the lanes deliver on their
        /// own threads).
        fn seqs(&self, n: usize) -> Vec<i64> {
            for _ in 0..500 {
                let seqs = self.0.lock().unwrap().clone();
                if seqs.len() >= n {
                    return seqs;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            panic!("expected {n} deliveries, got {:?}", self.0.lock().unwrap());
        }
    }

    fn subscriber(conn: ConnId, user: Id) -> (Subscriber, Arc<Recorder>) {
        let recorder = Arc::new(Recorder::default());
        let sink: Arc<dyn Sink> = recorder.clone();
        (Subscriber { conn, user, sink }, recorder)
    }

    fn message(group: Id, seq: i64, author: Id, target: Option<Id>) -> Arc<Published> {
        Published::sample(group, seq, author, target, "hi")
    }

    /// Public frames reach every subscriber; private ones only author and target.
    #[test]
    fn private_frames_reach_author_and_target_only() {
        let hub = LocalHub::new(2, 0).unwrap();
        let group = Id::new_v4();
        let (a, b, c) = (Id::new_v4(), Id::new_v4(), Id::new_v4());
        let (sa, ra) = subscriber(1, a);
        let (sb, rb) = subscriber(2, b);
        let (sc, rc) = subscriber(3, c);
        for s in [sa, sb, sc] {
            hub.subscribe(group, s);
        }
        assert_eq!(hub.publish(message(group, 1, a, None)), 3);
        assert_eq!(hub.publish(message(group, 2, a, Some(b))), 2);
        // a marker every subscriber sees, published last: once it is in, all is in
        assert_eq!(hub.publish(message(group, 3, a, None)), 3);
        assert_eq!(ra.seqs(3), [1, 2, 3]);
        assert_eq!(rb.seqs(3), [1, 2, 3]);
        assert_eq!(rc.seqs(2), [1, 3]);
    }

    /// Unsubscribed and removed users receive nothing more; a second subscribe of the
    /// same connection is ignored.
    #[test]
    fn unsubscribe_and_remove_user() {
        let hub = LocalHub::new(2, 0).unwrap();
        let group = Id::new_v4();
        let user = Id::new_v4();
        let (s1, r1) = subscriber(1, user);
        let (s2, r2) = subscriber(2, user);
        hub.subscribe(group, s1);
        hub.subscribe(group, s2.clone());
        hub.subscribe(group, s2);
        hub.unsubscribe(group, 1);
        let (s3, r3) = subscriber(3, Id::new_v4());
        hub.subscribe(group, s3);
        assert_eq!(hub.publish(message(group, 1, user, None)), 2);
        assert_eq!(r2.seqs(1), [1]);
        hub.remove_user(group, user);
        assert_eq!(hub.publish(message(group, 2, user, None)), 1);
        assert_eq!(r3.seqs(2), [1, 2]);
        assert!(r1.seqs(0).is_empty());
        assert_eq!(r2.seqs(1), [1]);
    }
}
