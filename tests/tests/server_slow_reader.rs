//! A client that stops reading is disconnected (4008) instead of slowing anyone else.

use std::time::Duration;

use quid_shared::close_code;
use quid_tests::{ClientOptions, Event, TestServer};

const SLOW_DROPS: &str = r#"quid_connection_drops_total{reason="slow_reader"}"#;

/// With a small outgoing queue, a member that stops reading is dropped with 4008 while
/// the other member keeps receiving every message in order.
#[tokio::test]
async fn stalled_reader_is_dropped_while_others_keep_receiving() -> anyhow::Result<()> {
    let server = TestServer::start_with(|config| {
        config.outgoing_queue = 8;
        config.close_timeout = Duration::from_secs(30);
        config.rate_limit = 100_000;
        config.rate_burst = 100_000;
    })
    .await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let carol = server.register("carol").await?;
    let group = server.group(&alice, "Firehose", &[&bob, &carol]).await?;
    let mut publisher = server.connect(&alice).await?;
    let mut reader = server.connect(&bob).await?;
    let mut stalled = server
        .connect_with(ClientOptions {
            recv_buffer: Some(4096),
            ..ClientOptions::bearer(&carol.token)
        })
        .await?;
    reader.join(group.id, None).await?;
    stalled.join(group.id, None).await?;
    let drops_before = server.metric(SLOW_DROPS).await?;

    // Large messages fill the stalled socket's buffers quickly.
    let body = "x".repeat(4000);
    let mut sent = 0;
    let mut dropped = false;
    while sent < 3000 && !dropped {
        sent += 1;
        publisher
            .send_message(group.id, &format!("{sent} {body}"), &format!("c{sent}"))
            .await?;
        assert_eq!(reader.next_message().await?.seq, sent);
        if sent % 10 == 0 {
            dropped = server.metric(SLOW_DROPS).await? > drops_before;
        }
    }
    assert!(dropped, "the stalled reader was never dropped");
    eprintln!("stalled reader dropped after {sent} messages");

    // The others are unaffected.
    for _ in 0..5 {
        sent += 1;
        publisher
            .send_message(group.id, "after the drop", &format!("c{sent}"))
            .await?;
        assert_eq!(reader.next_message().await?.seq, sent);
    }

    // Once the stalled client reads again, it finds the close code after its backlog.
    loop {
        match stalled.next_event().await? {
            Event::Frame(_) => continue,
            Event::Closed(code) => {
                assert_eq!(code, Some(close_code::SLOW_READER));
                break;
            }
        }
    }
    server.shutdown().await
}
