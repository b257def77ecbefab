//! The relay's ordering on a real SQLite store: it starts at the database's head, hands
//! each group's messages to the hub once and in seq order whatever order they arrive
//! in, reads gaps from the database, and resynchronises from it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use quid_shared::{Id, MessageKind};

use tokio::runtime::Handle;

use super::*;
use crate::bus::seeded::{Seeded, seeded};
use crate::hub::{Audience, ConnId, Missed, Subscriber};
use crate::store::Draft;

/// A hub that records what it is handed.
#[derive(Default)]
struct Recording {
    published: Mutex<Vec<i64>>,
    removed: Mutex<Vec<Id>>,
    /// What `users` answers.
    users: Mutex<Vec<Id>>,
}

impl Hub for Recording {
    fn subscribe(&self, _group: Id, _subscriber: Subscriber) {}
    fn unsubscribe(&self, _group: Id, _conn: ConnId) {}
    fn remove_user(&self, _group: Id, user: Id) {
        self.removed.lock().unwrap().push(user);
    }
    fn publish(&self, published: Arc<Published>) -> usize {
        self.published.lock().unwrap().push(published.message.seq);
        1
    }
    fn missed(&self, _group: Id, _viewer: Id, _since: i64) -> Option<Missed> {
        None
    }
    fn notify_room(&self, _group: Id, _frame: &[u8], _audience: Audience) {}
    fn users(&self, _group: Id) -> Vec<Id> {
        self.users.lock().unwrap().clone()
    }
}

impl Recording {
    /// The seqs published so far, once there are `n` of them (fills run in tasks).
    async fn seqs(&self, n: usize) -> Vec<i64> {
        for _ in 0..500 {
            let seqs = self.published.lock().unwrap().clone();
            if seqs.len() >= n {
                return seqs;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!(
            "expected {n} messages, got {:?}",
            self.published.lock().unwrap()
        );
    }
}

/// A store with one user and one group, the relay in front of a recording hub.
struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    hub: Arc<Recording>,
    relay: Relay,
    group: Id,
    user: Id,
}

impl Fixture {
    async fn new() -> Fixture {
        let Seeded {
            dir,
            store,
            user,
            group,
        } = seeded().await;
        let hub = Arc::new(Recording::default());
        let relay = Relay::new(hub.clone(), store.clone(), Handle::current());
        Fixture {
            _dir: dir,
            store,
            hub,
            relay,
            group,
            user,
        }
    }

    /// Commits `n` messages to the group; returns them as published, in seq order.
    async fn commit(&self, n: usize) -> Vec<Arc<Published>> {
        let mut out = Vec::new();
        for i in 0..n {
            let draft = Draft::system(self.group, MessageKind::User, format!("m{i}"));
            let message = self
                .store
                .write(move |ctx| messages::insert(ctx, draft, None))
                .await
                .unwrap()
                .unwrap();
            out.push(Published::new(message).unwrap());
        }
        out
    }

    async fn follow(&self) {
        self.relay.follow(self.group).unwrap().await.unwrap();
        assert!(self.relay.follow(self.group).is_none());
    }
}

/// Following starts at the database's head: history is not replayed; then the next
/// seq is delivered and echoes, duplicates and groups not followed are dropped.
#[tokio::test]
async fn starts_at_the_head_and_drops_echoes() {
    let f = Fixture::new().await;
    let old = f.commit(3).await;
    f.relay.arrive(old[0].clone());
    f.follow().await;
    assert_eq!(f.relay.last(f.group), Some(3));
    let new = f.commit(2).await;
    f.relay.arrive(new[0].clone());
    f.relay.arrive(new[0].clone());
    f.relay.arrive(old[2].clone());
    f.relay.arrive(new[1].clone());
    let elsewhere = Published::sample(Id::new_v4(), 1, f.user, None, "x");
    f.relay.arrive(elsewhere);
    assert_eq!(f.hub.seqs(2).await, [4, 5]);
    assert_eq!(f.relay.last(f.group), Some(5));
    assert!(f.relay.last(Id::new_v4()).is_none());
}

/// A message ahead of the next one makes the relay read the gap from the database;
/// what arrives meanwhile (this node's own late commit included) is held, and every
/// message is delivered once, in order.
#[tokio::test]
async fn fills_a_gap_from_the_database_in_order() {
    let f = Fixture::new().await;
    f.follow().await;
    let m = f.commit(5).await;
    f.relay.arrive(m[2].clone());
    f.relay.arrive(m[4].clone());
    f.relay.arrive(m[1].clone());
    assert_eq!(f.hub.seqs(5).await, [1, 2, 3, 4, 5]);
    // the own commit of seq 1, late: already delivered by the fill
    f.relay.arrive(m[0].clone());
    f.relay.arrive(m[3].clone());
    let more = f.commit(1).await;
    f.relay.arrive(more[0].clone());
    assert_eq!(f.hub.seqs(6).await, [1, 2, 3, 4, 5, 6]);
}

/// Arrivals while the head is read are kept: those after the head are delivered.
#[tokio::test]
async fn holds_arrivals_while_the_head_is_read() {
    let f = Fixture::new().await;
    let before = f.commit(2).await;
    let following = f.relay.follow(f.group).unwrap();
    f.relay.arrive(before[1].clone());
    following.await.unwrap();
    let after = f.commit(1).await;
    f.relay.arrive(after[0].clone());
    assert_eq!(f.hub.seqs(1).await, [3]);
}

/// After the bus was down, a resync delivers what was committed meanwhile (the bus said
/// nothing of it) and takes out of the room a user who is no longer a member.
#[tokio::test]
async fn resync_reads_heads_and_members() {
    let f = Fixture::new().await;
    f.follow().await;
    f.commit(3).await;
    let gone = Id::new_v4();
    *f.hub.users.lock().unwrap() = vec![f.user, gone];
    f.relay.resync();
    assert_eq!(f.hub.seqs(3).await, [1, 2, 3]);
    assert_eq!(*f.hub.removed.lock().unwrap(), [gone]);
}

/// Seqs announced on the bus that the database never shows are given up on after the
/// retries, so the group's later messages still flow.
#[tokio::test]
async fn gives_up_on_seqs_the_database_lacks() {
    let f = Fixture::new().await;
    f.follow().await;
    let m = f.commit(1).await;
    let phantom = Published::sample(f.group, 3, f.user, None, "never stored");
    f.relay.arrive(phantom);
    f.relay.arrive(m[0].clone());
    assert_eq!(f.hub.seqs(2).await, [1, 3]);
    assert_eq!(f.relay.last(f.group), Some(3));
}
