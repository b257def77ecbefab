//! Redis stopped and started again while members on two nodes keep talking: each node
//! goes on serving its own sockets, and once the bus is back every message committed
//! meanwhile on the other node reaches them, read from the database, in order.
//! (A binary of its own: it stops the machine's Redis, which other tests share.)

use std::time::Duration;

use anyhow::{Context, Result, bail};
use quid_tests::cluster::Pair;
use quid_tests::node_program;

#[tokio::test]
async fn delivery_resumes_after_redis_restarts() -> Result<()> {
    let Some(Pair {
        a,
        b,
        alice,
        bob,
        group,
        cluster: _cluster,
    }) = Pair::new(node_program!(), "Outage").await?
    else {
        return Ok(());
    };
    let mut alice_a = a.connect(&alice).await?;
    let mut bob_b = b.connect(&bob).await?;
    alice_a.join(group.id, None).await?;
    let (_, head) = bob_b.join(group.id, None).await?;

    redis(&["shutdown", "nosave"]).await.ok();
    wait_redis(false).await?;
    let mut sent = Vec::new();
    for i in 0..10 {
        let m = alice_a
            .send_message(group.id, &format!("during {i}"), &format!("d{i}"))
            .await
            .context("node A keeps serving while the bus is down")?;
        sent.push(m.seq);
    }
    start_redis().await?;
    wait_redis(true).await?;

    let mut received = Vec::new();
    while received.len() < sent.len() {
        received.push(bob_b.next_message().await.context("the gap is filled")?.seq);
    }
    assert_eq!(received, sent);
    assert_eq!(received.first().copied(), Some(head + 1));
    let after = alice_a.send_message(group.id, "after", "after").await?;
    assert_eq!(bob_b.next_message().await?.seq, after.seq);
    Ok(())
}

async fn redis(args: &[&str]) -> Result<()> {
    let status = tokio::process::Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", "6379"])
        .args(args)
        .output()
        .await?
        .status;
    if !status.success() {
        bail!("redis-cli {args:?} failed");
    }
    Ok(())
}

async fn start_redis() -> Result<()> {
    std::fs::create_dir_all("/var/lib/redis").ok();
    std::fs::create_dir_all("/var/log/redis").ok();
    let status = tokio::process::Command::new("redis-server")
        .args([
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "-::1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            "/var/lib/redis",
            "--logfile",
            "/var/log/redis/ci.log",
        ])
        .status()
        .await
        .context("cannot run redis-server")?;
    if !status.success() {
        bail!("redis-server did not start");
    }
    Ok(())
}

/// Waits until Redis answers (`up`) or no longer does.
async fn wait_redis(up: bool) -> Result<()> {
    for _ in 0..100 {
        let answers = tokio::net::TcpStream::connect("127.0.0.1:6379")
            .await
            .is_ok();
        if answers == up {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("Redis did not go {}", if up { "up" } else { "down" })
}
