//! Messages over WebSocket: order between two clients, refused joins, idempotent sends,
//! and the HTTP path reaching sockets.

use std::time::Duration;

use quid_shared::{ClientFrame, ErrorCode, MessageKind, ServerFrame};
use quid_tests::TestServer;

/// Two members see each other's messages, in the same seq order, with acks for their own.
#[tokio::test]
async fn two_clients_see_each_other_in_order() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "Pair", &[&bob]).await?;
    let mut a = server.connect(&alice).await?;
    let mut b = server.connect(&bob).await?;
    assert_eq!(a.join(group.id, None).await?.1, 0);
    b.join(group.id, None).await?;

    for i in 0..5 {
        a.send_frame(&ClientFrame::Send {
            group: group.id,
            content: format!("from alice {i}"),
            client_id: format!("a{i}"),
            reply_to: None,
            to: None,
        })
        .await?;
        b.send_frame(&ClientFrame::Send {
            group: group.id,
            content: format!("from bob {i}"),
            client_id: format!("b{i}"),
            reply_to: None,
            to: None,
        })
        .await?;
    }
    let mut seen_a = Vec::new();
    let mut seen_b = Vec::new();
    while seen_a.len() < 10 {
        seen_a.push(a.next_message().await?);
    }
    while seen_b.len() < 10 {
        seen_b.push(b.next_message().await?);
    }
    let seqs: Vec<i64> = seen_a.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, (1..=10).collect::<Vec<_>>());
    assert_eq!(seen_a, seen_b);
    assert!(seen_a.iter().all(|m| m.kind == MessageKind::User));
    // (how the deliveries are counted: `server_metrics.rs`)
    let alice_order: Vec<&str> = seen_a
        .iter()
        .filter(|m| m.author.as_ref().is_some_and(|u| u.id == alice.id()))
        .map(|m| m.content.as_str())
        .collect();
    assert_eq!(
        alice_order,
        (0..5)
            .map(|i| format!("from alice {i}"))
            .collect::<Vec<_>>()
    );
    server.shutdown().await
}

/// A non-member's join is refused with `forbidden`, and it receives none of the traffic.
#[tokio::test]
async fn non_member_join_is_refused_and_receives_nothing() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let mallory = server.register("mallory").await?;
    let group = server.group(&alice, "Private club", &[]).await?;
    let mut a = server.connect(&alice).await?;
    a.join(group.id, None).await?;
    let mut m = server.connect(&mallory).await?;
    m.send_frame(&ClientFrame::Join {
        group: group.id,
        since: Some(0),
    })
    .await?;
    match m.next_frame().await? {
        ServerFrame::Error {
            code, reference, ..
        } => {
            assert_eq!(code, ErrorCode::Forbidden);
            assert_eq!(reference.as_deref(), Some("join"));
        }
        other => panic!("expected an error, got {other:?}"),
    }
    a.send_message(group.id, "members only", "c1").await?;
    server.post(&alice, group.id, "still members only").await?;
    m.expect_no_frame(Duration::from_millis(300)).await?;
    m.expect_pong_next().await?;
    // sending into the group is refused too
    m.send_frame(&ClientFrame::Send {
        group: group.id,
        content: "let me in".into(),
        client_id: "m1".into(),
        reply_to: None,
        to: None,
    })
    .await?;
    let err = m.wait_ack("m1").await.unwrap_err();
    assert!(err.to_string().contains("Forbidden"), "{err}");
    // and a group that does not exist is named as such
    m.send_frame(&ClientFrame::Join {
        group: uuid::Uuid::new_v4(),
        since: None,
    })
    .await?;
    match m.next_frame().await? {
        ServerFrame::Error { code, .. } => assert_eq!(code, ErrorCode::NotFound),
        other => panic!("expected an error, got {other:?}"),
    }
    server.shutdown().await
}

/// The same client_id sent twice stores one message and acks the original both times.
#[tokio::test]
async fn same_client_id_twice_gives_one_message() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "Retry", &[&bob]).await?;
    let mut a = server.connect(&alice).await?;
    let mut b = server.connect(&bob).await?;
    b.join(group.id, None).await?;
    let first = a.send_message(group.id, "only once", "retry-1").await?;
    let second = a.send_message(group.id, "only once", "retry-1").await?;
    assert_eq!(first, second);
    assert_eq!(b.next_message().await?, first);
    b.expect_no_frame(Duration::from_millis(300)).await?;
    // a copy pushed late would come before the next message, and take its seq
    let next = server.post(&alice, group.id, "next").await?;
    assert_eq!(b.next_message().await?, next);
    assert_eq!(next.seq, first.seq + 1);
    server.shutdown().await
}

/// A message posted over HTTP is pushed to sockets like a socket `send`.
#[tokio::test]
async fn http_post_reaches_sockets() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "Mixed", &[&bob]).await?;
    let mut b = server.connect(&bob).await?;
    b.join(group.id, None).await?;
    let posted = server.post(&alice, group.id, "hello from curl").await?;
    assert_eq!(b.next_message().await?, posted);
    // and ping is answered with the nonce
    b.send_frame(&ClientFrame::Ping {
        nonce: Some("n1".into()),
    })
    .await?;
    assert_eq!(
        b.next_frame().await?,
        ServerFrame::Pong {
            nonce: Some("n1".into())
        }
    );
    server.shutdown().await
}
