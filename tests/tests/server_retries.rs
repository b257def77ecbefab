//! Idempotent sends under real retries: a resend after a reconnect whose ack was lost,
//! the same send on two connections at once, over HTTP, and a client id reused for
//! another message, which is refused rather than answered with the wrong one.

use quid_shared::{ClientFrame, ErrorBody, ErrorCode, Id, Message, MessageCreated};
use quid_tests::{TestServer, TestUser, WsClient};
use reqwest::{Method, StatusCode};
use serde_json::json;

fn send(group: Id, content: &str, client_id: &str) -> ClientFrame {
    ClientFrame::Send {
        group,
        content: content.into(),
        client_id: client_id.into(),
        reply_to: None,
        to: None,
    }
}

/// `POST /api/messages` with a client id; returns the status and the message.
async fn post_with_id(
    server: &TestServer,
    author: &TestUser,
    group: Id,
    content: &str,
    client_id: &str,
) -> anyhow::Result<(StatusCode, serde_json::Value)> {
    server
        .request(
            Method::POST,
            "/api/messages",
            Some(&author.token),
            Some(json!({"group_id": group, "content": content, "client_id": client_id})),
        )
        .await
}

/// The next message `watcher` receives is a fresh one posted now, right after `last`:
/// no copy of anything was stored or pushed in between.
async fn nothing_more(
    server: &TestServer,
    author: &TestUser,
    watcher: &mut WsClient,
    last: &Message,
) -> anyhow::Result<()> {
    let later = server.post(author, last.group, "later").await?;
    assert_eq!(later.seq, last.seq + 1, "something was stored in between");
    assert_eq!(watcher.next_message().await?, later);
    Ok(())
}

/// A send whose ack is lost with its connection, resent on a new connection with the
/// same client id, is answered with the original message; nothing is stored twice.
#[tokio::test]
async fn resent_after_a_reconnect_whose_ack_was_lost() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "Retry", &[&bob]).await?.id;
    let mut b = server.connect(&bob).await?;
    b.join(group, None).await?;

    let mut first = server.connect(&alice).await?;
    first
        .send_frame(&send(group, "did it arrive?", "lost-ack"))
        .await?;
    // stored (bob has it), but alice's connection ends before she reads her ack
    let original = b.next_message().await?;
    drop(first);

    let mut second = server.connect(&alice).await?;
    let again = second
        .send_message(group, "did it arrive?", "lost-ack")
        .await?;
    assert_eq!(again, original);
    nothing_more(&server, &alice, &mut b, &original).await?;
    let kept: Vec<_> = server
        .history(&alice, group)
        .await?
        .into_iter()
        .filter(|m| m.client_id.as_deref() == Some("lost-ack"))
        .collect();
    assert_eq!(kept, vec![original]);
    server.shutdown().await
}

/// The same sends made at once on two connections of one user are stored once each, and
/// both connections are acknowledged with the same message.
#[tokio::test]
async fn the_same_send_at_once_on_two_connections() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "Twice", &[&bob]).await?.id;
    let mut b = server.connect(&bob).await?;
    b.join(group, None).await?;
    let mut one = server.connect(&alice).await?;
    let mut two = server.connect(&alice).await?;

    let sends: Vec<ClientFrame> = (0..20)
        .map(|n| send(group, &format!("twice {n}"), &format!("twice-{n}")))
        .collect();
    let (acks_one, acks_two) =
        tokio::try_join!(one.send_all(&sends, 20), two.send_all(&sends, 20))?;
    assert_eq!(acks_one, acks_two);
    let mut received = Vec::new();
    for _ in 0..20 {
        received.push(b.next_message().await?);
    }
    let mut acked = acks_one.clone();
    acked.sort_by_key(|m| m.seq);
    assert_eq!(received, acked, "each stored and pushed once");
    let last = received.last().ok_or_else(|| anyhow::anyhow!("nothing"))?;
    assert_eq!(last.seq, 20);
    nothing_more(&server, &alice, &mut b, last).await?;
    server.shutdown().await
}

/// Over HTTP a retry is answered `200` with the original (`201` only creates), and the
/// socket and HTTP recognise each other's client ids.
#[tokio::test]
async fn retries_over_http() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "Curl", &[&bob]).await?.id;
    let mut b = server.connect(&bob).await?;
    b.join(group, None).await?;

    let (status, body) = post_with_id(&server, &alice, group, "over http", "h-1").await?;
    assert_eq!(status, StatusCode::CREATED);
    let created: MessageCreated = serde_json::from_value(body)?;
    let (status, body) = post_with_id(&server, &alice, group, "over http", "h-1").await?;
    assert_eq!(status, StatusCode::OK);
    let again: MessageCreated = serde_json::from_value(body)?;
    assert_eq!(again.message, created.message);
    let mut a = server.connect(&alice).await?;
    let by_socket = a.send_message(group, "over http", "h-1").await?;
    assert_eq!(by_socket, created.message);

    let from_socket = a.send_message(group, "over the socket", "s-1").await?;
    let (status, body) = post_with_id(&server, &alice, group, "over the socket", "s-1").await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        serde_json::from_value::<MessageCreated>(body)?.message,
        from_socket
    );

    assert_eq!(b.next_message().await?, created.message);
    assert_eq!(b.next_message().await?, from_socket);
    nothing_more(&server, &alice, &mut b, &from_socket).await?;
    server.shutdown().await
}

/// A client id used again for another text, or in another group, is refused with
/// `conflict` (409 over HTTP) and stores nothing: answering with the earlier message
/// would tell the client its new one was sent. The true retry is still answered.
#[tokio::test]
async fn a_client_id_reused_for_another_message_is_refused() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let first_group = server.group(&alice, "First", &[&bob]).await?.id;
    let other_group = server.group(&alice, "Other", &[&bob]).await?.id;
    let mut b = server.connect(&bob).await?;
    b.join(first_group, None).await?;
    b.join(other_group, None).await?;
    let mut a = server.connect(&alice).await?;
    let original = a
        .send_message(first_group, "the first text", "reused")
        .await?;
    assert_eq!(b.next_message().await?, original);

    for (group, content) in [
        (first_group, "another text"),
        (other_group, "the first text"),
    ] {
        a.send_frame(&send(group, content, "reused")).await?;
        let refused = match a.wait_ack("reused").await {
            Ok(answer) => anyhow::bail!("the reuse was answered with {answer:?}"),
            Err(e) => e.to_string(),
        };
        assert!(refused.contains("Conflict"), "{refused}");
        assert!(refused.contains("reused"), "{refused}");
        let (status, body) = post_with_id(&server, &alice, group, content, "reused").await?;
        assert_eq!(status, StatusCode::CONFLICT);
        let body: ErrorBody = serde_json::from_value(body)?;
        assert_eq!(body.error.code, ErrorCode::Conflict);
    }

    let retried = a
        .send_message(first_group, "the first text", "reused")
        .await?;
    assert_eq!(retried, original);
    nothing_more(&server, &alice, &mut b, &original).await?;
    assert!(server.history(&bob, other_group).await?.is_empty());
    server.shutdown().await
}
