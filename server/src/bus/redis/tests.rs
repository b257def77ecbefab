//! Two nodes in one process, each with its own hub, presence and relay, meeting on a
//! real Redis (127.0.0.1:6379, or `QUID_TEST_REDIS_URL`) and sharing one SQLite store:
//! what one publishes reaches the other's connections. Skipped, with one line saying
//! why, when no Redis answers — never under `CI`, where that fails.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use quid_shared::{Id, MessageKind, ServerFrame};

use super::*;
use crate::bus::seeded::{Seeded, seeded};
use crate::hub::{LocalHub, Sink, Subscriber};
use crate::store::{Draft, messages};

/// The Redis to test against, if one answers (`None`: skip).
async fn redis_url() -> Option<String> {
    let url =
        std::env::var("QUID_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let reachable = async {
        let client = redis::Client::open(url.as_str())?;
        let mut conn = client.get_multiplexed_async_connection().await?;
        redis::cmd("PING").query_async::<String>(&mut conn).await
    };
    match tokio::time::timeout(Duration::from_secs(3), reachable).await {
        Ok(Ok(_)) => Some(url),
        outcome => {
            let why = match outcome {
                Ok(Err(e)) => e.to_string(),
                _ => "no answer within 3 s".into(),
            };
            assert!(
                std::env::var_os("CI").is_none(),
                "Redis at {} is needed under CI: {why}",
                url::redacted(&url)
            );
            println!("skipped: no Redis at {} ({why})", url::redacted(&url));
            None
        }
    }
}

/// One connection, recording what it is given.
#[derive(Default)]
struct Connection {
    seqs: Mutex<Vec<i64>>,
    notes: Mutex<Vec<Vec<u8>>>,
    removed: Mutex<Vec<Id>>,
}

impl Sink for Connection {
    fn offer(&self, run: &[Arc<Published>]) -> usize {
        self.seqs
            .lock()
            .unwrap()
            .extend(run.iter().map(|p| p.message.seq));
        run.len()
    }

    fn removed(&self, group: Id) {
        self.removed.lock().unwrap().push(group);
    }

    fn notify(&self, frame: &[u8]) {
        self.notes.lock().unwrap().push(frame.to_vec());
    }
}

/// Waits (at most 5 s) until `done` holds.
async fn eventually(what: &str, done: impl Fn() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting until {what}");
}

/// A node: its bus and its hub.
fn node(
    url: &str,
    channel: &str,
    store: &Store,
    stop: &CancellationToken,
) -> (Arc<RedisBus>, Arc<dyn Hub>) {
    let hub: Arc<dyn Hub> = Arc::new(LocalHub::new(1, 1 << 20).unwrap());
    let presence = Arc::new(Presence::default());
    let bus = RedisBus::start(
        url,
        channel,
        hub.clone(),
        presence,
        store.clone(),
        stop.clone(),
    )
    .unwrap();
    (bus, hub)
}

/// Messages (a lost one read from the database), membership ends, frames for a user and
/// for a room: all published by one node reach the other node's connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_node_reaches_the_others_connections() {
    let Some(url) = redis_url().await else {
        return;
    };
    let Seeded {
        dir: _dir,
        store,
        user,
        group,
    } = seeded().await;
    let channel = format!("quid:test:{}", Id::new_v4());
    let stop = CancellationToken::new();
    let (a, _) = node(&url, &channel, &store, &stop);
    let (b, b_hub) = node(&url, &channel, &store, &stop);
    assert_ne!(a.node(), b.node());

    // ann is connected to node b and has joined the group there
    let conn = Arc::new(Connection::default());
    let sink: Arc<dyn Sink> = conn.clone();
    b.node.presence.connect(user, 1, Arc::clone(&sink));
    if let Some(following) = b.follow(group) {
        following.await.unwrap();
    }
    b_hub.subscribe(
        group,
        Subscriber {
            conn: 1,
            user,
            sink,
        },
    );

    // both nodes are subscribed before anything is published
    let client = redis::Client::open(url.as_str()).unwrap();
    let mut check = client.get_multiplexed_async_connection().await.unwrap();
    for _ in 0..500 {
        let (_, subscribers): (String, i64) = redis::cmd("PUBSUB")
            .arg("NUMSUB")
            .arg(&channel)
            .query_async(&mut check)
            .await
            .unwrap();
        if subscribers >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // node a commits two messages and (as if the bus lost the first) publishes only
    // the second: node b reads the first from the database
    let mut committed = Vec::new();
    for text in ["one", "two"] {
        let draft = Draft::system(group, MessageKind::User, text.into());
        let message = store
            .write(move |ctx| messages::insert(ctx, draft, None))
            .await
            .unwrap()
            .unwrap();
        committed.push(Published::new(message).unwrap());
    }
    a.publish(committed[1].clone());
    eventually("node b delivered both messages", || {
        conn.seqs.lock().unwrap().len() == 2
    })
    .await;
    assert_eq!(*conn.seqs.lock().unwrap(), [1, 2]);

    a.tell(user, &ServerFrame::Left { group }, None);
    let typing = ServerFrame::Status {
        group,
        user,
        online: true,
    };
    a.notify_room(group, &typing, Audience::Everyone);
    a.notify_room(group, &typing, Audience::Except(user));
    eventually("node b told ann twice", || {
        conn.notes.lock().unwrap().len() == 2
    })
    .await;
    let notes = conn.notes.lock().unwrap().clone();
    assert!(String::from_utf8_lossy(&notes[0]).contains(r#""type":"left""#));
    assert!(String::from_utf8_lossy(&notes[1]).contains(r#""type":"status""#));

    a.remove_user(group, user);
    eventually("ann left the room on node b", || {
        !conn.removed.lock().unwrap().is_empty()
    })
    .await;
    assert_eq!(*conn.removed.lock().unwrap(), [group]);
    assert!(b_hub.users(group).is_empty());

    stop.cancel();
    store.shutdown().await;
}
