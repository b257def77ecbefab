//! Connection hygiene: idle connections are found by ping, floods are refused then
//! closed (and a connection that slows down is served again), and leaving or being
//! removed from a group stops its traffic.

use std::time::Duration;

use quid_shared::{ClientFrame, ErrorCode, ServerFrame, close_code};
use quid_tests::{Event, TestServer};
use reqwest::{Method, StatusCode};

/// A client that does not answer pings is closed with 4000.
#[tokio::test]
async fn unanswered_pings_close_with_4000() -> anyhow::Result<()> {
    let server = TestServer::start_with(|config| {
        config.ping_interval = Duration::from_millis(100);
    })
    .await?;
    let alice = server.register("alice").await?;
    let mut a = server.connect(&alice).await?;
    // Not reading means not answering the server's pings.
    assert_eq!(a.wait_close_unread().await?, Some(close_code::IDLE_TIMEOUT));
    server.shutdown().await
}

/// A client that reads (and so answers pings) stays connected across ping intervals.
#[tokio::test]
async fn answered_pings_keep_the_connection() -> anyhow::Result<()> {
    let server = TestServer::start_with(|config| {
        config.ping_interval = Duration::from_millis(100);
    })
    .await?;
    let alice = server.register("alice").await?;
    let mut a = server.connect(&alice).await?;
    a.expect_no_frame(Duration::from_millis(500)).await?;
    a.send_frame(&ClientFrame::Ping { nonce: None }).await?;
    assert_eq!(a.next_frame().await?, ServerFrame::Pong { nonce: None });
    server.shutdown().await
}

/// A connection outlives its token (and the few seconds of leeway every check allows) by
/// at most one ping interval: it is then closed with 4001, and the same token can no
/// longer open one. (How the close is counted: `server_metrics.rs`.)
#[tokio::test]
async fn expired_token_closes_with_4001() -> anyhow::Result<()> {
    let server = TestServer::start_with(|config| {
        config.token_ttl = Duration::from_secs(1);
        config.ping_interval = Duration::from_millis(200);
    })
    .await?;
    let alice = server.register("alice").await?;
    let mut a = server.connect(&alice).await?;
    // reading answers pings, so only the expiry can end it
    assert_eq!(a.expect_close().await?, Some(close_code::UNAUTHORIZED));
    let again = server.connect(&alice).await;
    assert!(
        again.as_ref().is_err_and(|e| e.to_string().contains("401")),
        "{:?}",
        again.err()
    );
    server.shutdown().await
}

/// Frames over the rate limit get `rate_limited` errors naming the frame; a client that
/// keeps going is closed with 4029.
#[tokio::test]
async fn flood_is_refused_then_closed_with_4029() -> anyhow::Result<()> {
    let server = TestServer::start_with(|config| {
        config.rate_limit = 1;
        config.rate_burst = 2;
    })
    .await?;
    let alice = server.register("alice").await?;
    let mut a = server.connect(&alice).await?;
    for _ in 0..10 {
        a.send_text(r#"{"type":"ping","nonce":"x"}"#).await?;
    }
    let mut limited = 0;
    let code = loop {
        match a.next_event().await? {
            Event::Frame(ServerFrame::Error {
                code: ErrorCode::RateLimited,
                reference,
                ..
            }) => {
                assert_eq!(reference.as_deref(), Some("ping"));
                limited += 1;
            }
            Event::Frame(_) => {}
            Event::Closed(code) => break code,
        }
    };
    assert!(limited >= 1);
    assert_eq!(code, Some(close_code::FLOOD));
    server.shutdown().await
}

/// After `leave`, and after being removed from the group (which it is told with `left`),
/// a connection receives nothing more of that group.
#[tokio::test]
async fn leave_and_removal_stop_traffic() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "Quiet", &[&bob]).await?;
    let mut leaving = server.connect(&bob).await?;
    let mut removed = server.connect(&bob).await?;
    leaving.join(group.id, None).await?;
    removed.join(group.id, None).await?;

    leaving
        .send_frame(&ClientFrame::Leave { group: group.id })
        .await?;
    assert_eq!(
        leaving.next_frame().await?,
        ServerFrame::Left { group: group.id }
    );
    let first = server.post(&alice, group.id, "one").await?;
    assert_eq!(removed.next_message().await?, first);
    leaving.expect_no_frame(Duration::from_millis(200)).await?;
    leaving.expect_pong_next().await?;
    // bob posts while a member, so the server has checked (and may remember) that
    let own = server.post(&bob, group.id, "still here").await?;
    assert_eq!(removed.next_message().await?, own);

    let path = format!("/api/groups/{}/members/{}", group.id, bob.id());
    let (status, _) = server
        .request(Method::DELETE, &path, Some(&alice.token), None)
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        removed.next_frame().await?,
        ServerFrame::Left { group: group.id },
        "a removed member is told it left"
    );
    server.post(&alice, group.id, "two").await?;
    removed.expect_no_frame(Duration::from_millis(300)).await?;
    // and once removed, bob can post no more, over HTTP or the socket
    let (status, _) = server
        .request(
            Method::POST,
            "/api/messages",
            Some(&bob.token),
            Some(serde_json::json!({"group_id": group.id, "content": "let me in"})),
        )
        .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    removed
        .send_frame(&ClientFrame::Send {
            group: group.id,
            content: "let me in".into(),
            client_id: "late".into(),
            reply_to: None,
            to: None,
        })
        .await?;
    match removed.next_frame().await? {
        ServerFrame::Error { code, .. } => assert_eq!(code, ErrorCode::Forbidden),
        other => panic!("expected forbidden, got {other:?}"),
    }
    server.shutdown().await
}

/// Sends a ping and returns whether it was served (`pong`) rather than refused.
async fn ping_served(client: &mut quid_tests::WsClient) -> anyhow::Result<bool> {
    client
        .send_frame(&ClientFrame::Ping { nonce: None })
        .await?;
    match client.next_frame().await? {
        ServerFrame::Pong { .. } => Ok(true),
        ServerFrame::Error {
            code: ErrorCode::RateLimited,
            ..
        } => Ok(false),
        other => anyhow::bail!("expected a pong or rate_limited, got {other:?}"),
    }
}

/// A connection refused for sending too fast is served again once it slows to the
/// allowed rate, and refusals before that do not count against it later: a new burst of
/// refusals, no longer than the allowed one, does not close it as a flood. (The pauses
/// are the client slowing down, the behaviour under test: a second, at one frame a
/// second, always earns one frame.)
#[tokio::test]
async fn a_limited_connection_is_served_again_once_it_slows_down() -> anyhow::Result<()> {
    const BURST: u32 = 3;
    let server = TestServer::start_with(|config| {
        config.rate_limit = 1;
        config.rate_burst = BURST;
    })
    .await?;
    let alice = server.register("alice").await?;
    let mut a = server.connect(&alice).await?;
    // the burst is served; frame by frame, one is refused well before a second passes
    for _ in 0..BURST {
        assert!(ping_served(&mut a).await?);
    }
    let mut refused = false;
    for _ in 0..10 {
        if !ping_served(&mut a).await? {
            refused = true;
            break;
        }
    }
    assert!(refused, "never rate limited");

    let slow_down = || tokio::time::sleep(Duration::from_millis(1100));
    slow_down().await;
    assert!(ping_served(&mut a).await?, "not served after slowing down");

    // a new burst of refusals as long as the burst allowed
    for _ in 0..BURST {
        a.send_frame(&ClientFrame::Ping { nonce: None }).await?;
    }
    for _ in 0..BURST {
        match a.next_event().await? {
            Event::Frame(
                ServerFrame::Error {
                    code: ErrorCode::RateLimited,
                    ..
                }
                | ServerFrame::Pong { .. },
            ) => {}
            other => anyhow::bail!("the second burst got {other:?}"),
        }
    }
    slow_down().await;
    assert!(
        ping_served(&mut a).await?,
        "not served after slowing down again"
    );
    server.shutdown().await
}
