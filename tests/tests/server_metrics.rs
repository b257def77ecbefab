//! Metrics counted exactly: each test runs the server program as a child process, so the
//! registry it scrapes is that server's alone — no other test's traffic is in it.

use std::time::Duration;

use quid_shared::close_code;
use quid_tests::{NodeProcess, node_args, node_program};

const AUTH_DROPS: &str = r#"quid_connection_drops_total{reason="auth"}"#;

/// Reads `series` until it reaches `at_least` (a socket write is counted right after
/// it, so a client may see a frame a moment before its count), then returns it.
async fn metric_reaching(server: &NodeProcess, series: &str, at_least: f64) -> anyhow::Result<f64> {
    let deadline = tokio::time::Instant::now() + quid_tests::WAIT;
    loop {
        let value = server.metric(series).await?;
        if value >= at_least || tokio::time::Instant::now() >= deadline {
            return Ok(value);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Ten messages to two joined sockets are twenty frames delivered, each write of them in
/// the delivery-latency histogram once.
#[tokio::test]
async fn deliveries_are_counted_once_per_frame() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = NodeProcess::spawn(node_program!(), &node_args(dir.path())).await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "Counted", &[&bob]).await?;
    let mut a = server.connect(&alice).await?;
    let mut b = server.connect(&bob).await?;
    a.join(group.id, None).await?;
    b.join(group.id, None).await?;
    for i in 0..10 {
        server.post(&alice, group.id, &format!("m{i}")).await?;
    }
    for client in [&mut a, &mut b] {
        for _ in 0..10 {
            client.next_message().await?;
        }
    }
    let frames = metric_reaching(&server, "quid_frames_delivered_total", 20.0).await?;
    assert_eq!(frames, 20.0);
    let writes = server.metric("quid_delivery_latency_seconds_count").await?;
    let inf = server
        .metric(r#"quid_delivery_latency_seconds_bucket{le="+Inf"}"#)
        .await?;
    assert!((2.0..=20.0).contains(&writes), "{writes} writes");
    assert_eq!(inf, writes);
    server.kill().await
}

/// A connection closed with 4001 because its token expired is counted as an `auth` drop
/// when it closes — not only the refused reconnect that follows.
#[tokio::test]
async fn an_expired_connection_is_counted_as_an_auth_drop() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut args = node_args(dir.path());
    args.extend(["--token-ttl", "1s", "--ping-interval", "200ms"].map(String::from));
    let server = NodeProcess::spawn(node_program!(), &args).await?;
    let alice = server.register("alice").await?;
    let mut a = server.connect(&alice).await?;
    assert_eq!(server.metric(AUTH_DROPS).await?, 0.0);
    // reading answers pings, so only the expiry can end it
    assert_eq!(a.expect_close().await?, Some(close_code::UNAUTHORIZED));
    assert_eq!(metric_reaching(&server, AUTH_DROPS, 1.0).await?, 1.0);
    let again = server.connect(&alice).await;
    assert!(again.is_err_and(|e| e.to_string().contains("HTTP 401")));
    assert_eq!(server.metric(AUTH_DROPS).await?, 2.0);
    server.kill().await
}
