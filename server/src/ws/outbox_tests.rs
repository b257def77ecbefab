//! The outbox against a real loopback TCP connection, read back by a WebSocket client.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use quid_shared::{Id, ServerFrame};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

use super::{Outbox, Outgoing};
use crate::hub::{Published, Sink};
use crate::metrics::ConnMetrics;
use crate::pipeline::Posted;
use crate::ws::ack::Ack;
use crate::ws::raw::RawSocket;

type Client = WebSocketStream<TcpStream>;

/// An outbox on the server end of a fresh loopback connection, and the client end.
async fn pair(limit: usize) -> (Arc<Outbox>, Client) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap());
    let (client, accepted) = tokio::join!(client, listener.accept());
    let server = accepted.unwrap().0;
    let outbox = Outbox::new(RawSocket::Tcp(server), limit, Arc::new(ConnMetrics::new()));
    let config = WebSocketConfig::default().max_message_size(None);
    let client =
        WebSocketStream::from_raw_socket(client.unwrap(), Role::Client, Some(config)).await;
    (Arc::new(outbox), client)
}

fn published(group: Id, seq: i64, content: &str) -> Arc<Published> {
    Published::sample(group, seq, Id::nil(), None, content)
}

/// Joins `group` with nothing to replay: `joined {head: 0}` is written.
fn join(outbox: &Outbox, group: Id) {
    outbox.hold(group);
    outbox
        .open(group, 0, &ServerFrame::Joined { group, head: 0 })
        .unwrap();
}

/// The text of the next frame the client reads.
async fn next_text(client: &mut Client) -> String {
    let read = tokio::time::timeout(Duration::from_secs(10), client.next()).await;
    read.unwrap()
        .unwrap()
        .unwrap()
        .into_text()
        .unwrap()
        .to_string()
}

/// The next frame the client reads: a message's seq, or `-head` for `joined`.
async fn next(client: &mut Client) -> i64 {
    let text = next_text(client).await;
    match serde_json::from_str(&text).unwrap() {
        ServerFrame::NewMessage { message } => message.seq,
        ServerFrame::Joined { head, .. } => -head,
        other => panic!("unexpected {other:?}"),
    }
}

/// Live messages go out at once, each seq once, and only for joined groups.
#[tokio::test]
async fn live_messages_once_and_only_for_joined_groups() {
    let (outbox, mut client) = pair(16).await;
    let (group, other) = (Id::new_v4(), Id::new_v4());
    join(&outbox, group);
    assert_eq!(outbox.offer(&[published(other, 1, "x")]), 0);
    let run = [published(group, 1, "a"), published(group, 2, "b")];
    assert_eq!(outbox.offer(&run), 2);
    assert_eq!(outbox.offer(&run[1..]), 0);
    assert_eq!(outbox.offer(&[published(group, 3, "c")]), 1);
    for expected in [0, 1, 2, 3] {
        assert_eq!(next(&mut client).await, expected);
    }
}

/// During a join, live messages wait behind the replay and `joined`, and the ones the
/// replay already had are not written twice.
#[tokio::test]
async fn live_messages_wait_for_the_replay() {
    let (outbox, mut client) = pair(16).await;
    let group = Id::new_v4();
    assert!(!outbox.hold(group));
    outbox.offer(&[published(group, 4, "d"), published(group, 5, "e")]);
    let replayed = (1..=4).map(|seq| {
        let frame = published(group, seq, "r");
        (seq, move |out: &mut Vec<u8>| {
            out.extend_from_slice(&frame.frame)
        })
    });
    assert_eq!(outbox.replay(group, replayed).unwrap(), Some(4));
    outbox.offer(&[published(group, 6, "f")]);
    outbox
        .open(group, 4, &ServerFrame::Joined { group, head: 4 })
        .unwrap();
    outbox.offer(&[published(group, 7, "g")]);
    for expected in [1, 2, 3, 4, -4, 5, 6, 7] {
        assert_eq!(next(&mut client).await, expected);
    }
    assert!(outbox.hold(group), "a second join finds the group joined");
}

/// A replay into a group left meanwhile (the member was removed) writes nothing and says
/// so, so that the join ends.
#[tokio::test]
async fn replay_after_leaving_says_so() {
    let (outbox, mut client) = pair(16).await;
    let group = Id::new_v4();
    assert!(!outbox.hold(group));
    assert!(outbox.leave(group));
    let frame = published(group, 1, "r");
    let replayed = [(1, move |out: &mut Vec<u8>| {
        out.extend_from_slice(&frame.frame)
    })];
    assert_eq!(outbox.replay(group, replayed).unwrap(), None);
    outbox.offer(&[published(group, 2, "live")]);
    let other = Id::new_v4();
    join(&outbox, other);
    outbox.offer(&[published(other, 1, "x")]);
    // nothing of the left group: the other group's `joined` (head 0), then its message
    assert_eq!(next(&mut client).await, 0);
    assert_eq!(next(&mut client).await, 1);
}

/// What the socket does not take waits, in order, and goes out as the peer reads; a
/// peer that falls further behind than the limit is marked slow.
#[tokio::test]
async fn backlog_drains_in_order_and_overflow_marks_slow() {
    let (outbox, mut client) = pair(1000).await;
    let group = Id::new_v4();
    join(&outbox, group);
    let big = "x".repeat(60_000);
    // far more than any socket buffer takes without the peer reading
    for seq in 1..=200 {
        outbox.offer(&[published(group, seq, &big)]);
    }
    assert!(!outbox.slow.is_cancelled());
    let drained = tokio::spawn({
        let outbox = Arc::clone(&outbox);
        async move { outbox.drain().await }
    });
    assert_eq!(next(&mut client).await, 0);
    for seq in 1..=200 {
        assert_eq!(next(&mut client).await, seq);
    }
    drained.await.unwrap().unwrap();

    let (outbox, _client) = pair(10).await;
    join(&outbox, group);
    // 24 MB: more than loopback's largest socket buffers (4 MB send, 6 MB receive)
    for seq in 1..=400 {
        outbox.offer(&[published(group, seq, &big)]);
    }
    assert!(outbox.slow.is_cancelled());
}

/// An ack whose message this connection has not been written yet waits for it; acks of
/// groups the connection has not joined, or has left, go out at once.
#[tokio::test]
async fn an_ack_follows_its_own_message() {
    let (outbox, mut client) = pair(16).await;
    let (group, other) = (Id::new_v4(), Id::new_v4());
    join(&outbox, group);
    let ack = |group: Id, seq: i64| {
        let posted = Posted {
            message: published(group, seq, "mine").message.clone(),
            created: true,
            published: None,
        };
        Outgoing::Ack(Ack::new(format!("c{seq}"), posted))
    };
    outbox.send(vec![ack(group, 1), ack(other, 1)]).unwrap();
    outbox.offer(&[published(group, 1, "mine")]);
    outbox.send(vec![ack(group, 2)]).unwrap();
    outbox.leave(group);
    let mut seen = Vec::new();
    for _ in 0..4 {
        let text = next_text(&mut client).await;
        seen.push(match serde_json::from_str(&text).unwrap() {
            ServerFrame::Joined { .. } => "joined".to_owned(),
            ServerFrame::NewMessage { message } => format!("message {}", message.seq),
            ServerFrame::Ack { message, .. } if message.group == group => {
                format!("ack {}", message.seq)
            }
            ServerFrame::Ack { .. } => "ack elsewhere".to_owned(),
            other => panic!("unexpected {other:?}"),
        });
    }
    assert_eq!(seen, ["joined", "ack elsewhere", "message 1", "ack 1"]);
    let text = next_text(&mut client).await;
    assert!(
        text.contains(r#""type":"ack""#) && text.contains(r#""c2""#),
        "{text}"
    );
}
