//! Reconnect with `join {since}` while another member keeps sending: every message
//! exactly once, in seq order — whether the missed messages come from the server's
//! memory of recent messages, from the database, or from either in turn.

use quid_tests::TestServer;

const TOTAL: i64 = 300;

/// Replayed from memory: every message exactly once, in order.
#[tokio::test]
async fn reconnect_with_since_while_others_send() -> anyhow::Result<()> {
    reconnect_while_others_send(TestServer::start().await?).await
}

/// Replayed from the database (no memory of recent messages): the same.
#[tokio::test]
async fn reconnect_replayed_from_the_database() -> anyhow::Result<()> {
    let server = TestServer::start_with(|c| c.replay_cache_kib = 0).await?;
    reconnect_while_others_send(server).await
}

/// Memory for only the last dozen or so messages, so some rejoins are answered from
/// memory and others from the database: the same.
#[tokio::test]
async fn reconnect_with_a_small_memory() -> anyhow::Result<()> {
    let server = TestServer::start_with(|c| c.replay_cache_kib = 16).await?;
    reconnect_while_others_send(server).await
}

/// A client that drops and rejoins with `since` several times while messages keep
/// flowing ends up with every message exactly once, in seq order.
async fn reconnect_while_others_send(server: TestServer) -> anyhow::Result<()> {
    let bob = server.register("bob").await?;
    let carol = server.register("carol").await?;
    let group = server.group(&bob, "Busy", &[&carol]).await?;

    let mut sender = server.connect(&bob).await?;
    let group_id = group.id;
    let sending = tokio::spawn(async move {
        for i in 1..=TOTAL {
            sender
                .send_message(group_id, &format!("m{i}"), &format!("c{i}"))
                .await?;
        }
        anyhow::Ok(())
    });

    let mut last = 0;
    let mut seen = Vec::new();
    let mut round = 0;
    while last < TOTAL {
        round += 1;
        let mut client = server.connect(&carol).await?;
        let (replay, _head) = client.join(group.id, Some(last)).await?;
        for message in replay {
            assert_eq!(
                message.seq,
                last + 1,
                "replay gap or duplicate in round {round}"
            );
            last = message.seq;
            seen.push(message);
        }
        // read some live traffic, then drop the connection mid-stream
        let live_quota = if round < 5 { 25 } else { i64::MAX };
        let mut live = 0;
        while last < TOTAL && live < live_quota {
            let message = client.next_message().await?;
            assert_eq!(
                message.seq,
                last + 1,
                "live gap or duplicate in round {round}"
            );
            last = message.seq;
            seen.push(message);
            live += 1;
        }
        drop(client);
    }
    sending.await??;
    assert!(round >= 2, "the test must actually reconnect");
    let contents: Vec<String> = seen.iter().map(|m| m.content.clone()).collect();
    let expected: Vec<String> = (1..=TOTAL).map(|i| format!("m{i}")).collect();
    assert_eq!(contents, expected);
    server.shutdown().await
}
