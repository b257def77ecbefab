//! Several nodes on one PostgreSQL database and one Redis bus: members on different
//! nodes chat live, privately only to their target, with one history; a reconnect to the
//! other node with `since` misses nothing; a retried `client_id` makes one message
//! whichever node it reaches; a node killed with SIGKILL loses nothing acked; a change of
//! liabilities is announced once when two nodes race; nodes starting together migrate once.

use std::collections::HashMap;

use anyhow::{Context, Result};
use quid_shared::{Message, MessageKind};
use quid_tests::cluster::{Cluster, Pair};
use quid_tests::{NodeProcess, node_program};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn members_on_two_nodes_share_one_group() -> Result<()> {
    let Some(mut cluster) = Cluster::new().await? else {
        return Ok(());
    };
    let a = cluster.node(node_program!()).await?;
    let b = cluster.node(node_program!()).await?;
    let alice = a.register("alice").await?;
    let bob = b.register("bob").await?;
    let carol = a.register("carol").await?;
    let group = a.group(&alice, "Flat", &[&bob, &carol]).await?;

    // carol's token was issued by node A and is used on node B
    let mut alice_a = a.connect(&alice).await?;
    let mut bob_b = b.connect(&bob).await?;
    let mut carol_b = b.connect(&carol).await?;
    for client in [&mut alice_a, &mut bob_b, &mut carol_b] {
        client.join(group.id, None).await?;
    }

    let hello = alice_a.send_message(group.id, "hello from A", "a1").await?;
    assert_eq!(alice_a.next_message().await?.seq, hello.seq);
    assert_eq!(bob_b.next_message().await?.seq, hello.seq);
    assert_eq!(carol_b.next_message().await?.seq, hello.seq);
    let reply = bob_b.send_message(group.id, "hello from B", "b1").await?;
    assert_eq!(bob_b.next_message().await?.seq, reply.seq);
    assert_eq!(alice_a.next_message().await?.seq, reply.seq);
    assert_eq!(carol_b.next_message().await?.seq, reply.seq);

    // a private message through A reaches bob on B, and not carol on B
    let (status, body) = a
        .request(
            Method::POST,
            "/api/messages",
            Some(&alice.token),
            Some(json!({"group_id": group.id, "content": "psst", "to": "bob"})),
        )
        .await?;
    assert!(status.is_success(), "{body}");
    let private = bob_b.next_message().await?;
    assert!(private.private && private.content == "psst");
    let public = alice_a.send_message(group.id, "all of you", "a2").await?;
    assert_eq!(
        carol_b.next_message().await?.seq,
        public.seq,
        "carol never sees the private message"
    );

    // one history, from either node
    for user in [&alice, &bob, &carol] {
        assert_eq!(
            a.history(user, group.id).await?,
            b.history(user, group.id).await?
        );
    }

    // the same client_id through A, then through B: one message
    let first = alice_a.send_message(group.id, "once", "dup-1").await?;
    let mut alice_b = b.connect(&alice).await?;
    let again = alice_b.send_message(group.id, "once", "dup-1").await?;
    assert_eq!((first.id, first.seq), (again.id, again.seq));
    let history = b.history(&alice, group.id).await?;
    assert_eq!(history.iter().filter(|m| m.content == "once").count(), 1);
    Ok(())
}

#[tokio::test]
async fn a_reconnect_to_the_other_node_misses_nothing() -> Result<()> {
    let Some(Pair {
        a,
        b,
        alice,
        bob,
        group,
        cluster: _cluster,
    }) = Pair::new(node_program!(), "Busy").await?
    else {
        return Ok(());
    };

    let mut bob_b = b.connect(&bob).await?;
    let (_, head) = bob_b.join(group.id, None).await?;
    drop(bob_b);
    let mut alice_a = a.connect(&alice).await?;
    for i in 1..=30 {
        alice_a
            .send_message(group.id, &format!("m{i}"), &format!("c{i}"))
            .await?;
    }
    // back, on the other node, from where it left
    let mut bob_a = a.connect(&bob).await?;
    let (replayed, _) = bob_a.join(group.id, Some(head)).await?;
    let seqs: Vec<i64> = replayed.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, ((head + 1)..=(head + 30)).collect::<Vec<_>>());
    // and live afterwards
    let live = alice_a.send_message(group.id, "live", "c-live").await?;
    assert_eq!(bob_a.next_message().await?.seq, live.seq);
    Ok(())
}

#[tokio::test]
async fn a_killed_node_loses_nothing_acked() -> Result<()> {
    let Some(Pair {
        a,
        b,
        alice,
        bob,
        group,
        cluster: _cluster,
    }) = Pair::new(node_program!(), "Crash").await?
    else {
        return Ok(());
    };

    const EACH: usize = 150;
    let group_id = group.id;
    // bob sends through B all along; alice through A until A is killed
    let mut bob_b = b.connect(&bob).await?;
    let bob_sends = tokio::spawn(async move {
        let mut acked = Vec::new();
        for i in 0..EACH {
            let m = bob_b
                .send_message(group_id, &format!("bob {i}"), &format!("bob-{i}"))
                .await?;
            acked.push(m.seq);
        }
        anyhow::Ok(acked)
    });
    let mut alice_a = a.connect(&alice).await?;
    let mut acked_on_a = Vec::new();
    for i in 0..EACH / 3 {
        let m = alice_a
            .send_message(group_id, &format!("alice {i}"), &format!("alice-{i}"))
            .await?;
        acked_on_a.push(m.seq);
    }
    a.kill().await?;
    // alice moves to B and sends everything again: what A acked is not doubled
    let mut alice_b = b.connect(&alice).await?;
    let mut acked_on_b = Vec::new();
    for i in 0..EACH {
        let m = alice_b
            .send_message(group_id, &format!("alice {i}"), &format!("alice-{i}"))
            .await?;
        acked_on_b.push(m.seq);
    }
    assert_eq!(acked_on_a[..], acked_on_b[..acked_on_a.len()]);
    let bob_acked = bob_sends.await.context("bob's sender")??;

    let history = b.history(&bob, group.id).await?;
    let seqs: Vec<i64> = history.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>(), "no gaps");
    let mut by_content: HashMap<&str, usize> = HashMap::new();
    for m in &history {
        *by_content.entry(m.content.as_str()).or_default() += 1;
    }
    assert!(by_content.values().all(|n| *n == 1), "no duplicates");
    for seq in bob_acked.iter().chain(&acked_on_b) {
        assert!(seqs.contains(seq), "acked seq {seq} is in the history");
    }
    Ok(())
}

#[tokio::test]
async fn racing_nodes_announce_each_change_once() -> Result<()> {
    let Some(mut cluster) = Cluster::new().await? else {
        return Ok(());
    };
    let a = cluster.node(node_program!()).await?;
    let b = cluster.node(node_program!()).await?;
    let names = ["anna", "bella", "celia", "dora"];
    let mut users = Vec::new();
    for name in names {
        users.push(a.register(name).await?);
    }
    let group = a
        .group(&users[0], "Chores", &users[1..].iter().collect::<Vec<_>>())
        .await?;
    // four unconditional offers at once, two through each node
    let offers = users.iter().enumerate().map(|(i, user)| {
        let node: &NodeProcess = if i % 2 == 0 { &a } else { &b };
        let text = format!("I'll do {} hours of cleaning", i + 1);
        let group = group.id;
        async move { node.post(user, group, &text).await }
    });
    for posted in futures_util::future::join_all(offers).await {
        posted?;
    }
    // every change announced exactly once, once the dust settles
    let deadline = tokio::time::Instant::now() + quid_tests::WAIT;
    loop {
        let history = a.history(&users[0], group.id).await?;
        let announced = changes_announced(&history);
        let all_once = names
            .iter()
            .all(|name| announced.get(*name).copied() == Some(1));
        if all_once && announced.values().all(|n| *n == 1) {
            break;
        }
        assert!(
            announced.values().all(|n| *n <= 1),
            "a change announced twice: {announced:?}"
        );
        assert!(
            tokio::time::Instant::now() < deadline,
            "not every change was announced: {announced:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Ok(())
}

/// How many liability messages name a change for each member.
fn changes_announced(history: &[Message]) -> HashMap<String, usize> {
    let mut count = HashMap::new();
    for message in history.iter().filter(|m| m.kind == MessageKind::Liability) {
        let changes = message.meta["changes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for change in changes {
            let name = change["user"]["username"]
                .as_str()
                .unwrap_or("?")
                .to_owned();
            *count.entry(name).or_default() += 1;
        }
    }
    count
}

#[tokio::test]
async fn nodes_starting_together_migrate_once() -> Result<()> {
    let Some(mut cluster) = Cluster::new().await? else {
        return Ok(());
    };
    let (one, two) = (tempfile::tempdir()?, tempfile::tempdir()?);
    let (args_one, args_two) = (cluster.args(one.path()), cluster.args(two.path()));
    let (first, second) = tokio::join!(
        NodeProcess::spawn(node_program!(), &args_one),
        NodeProcess::spawn(node_program!(), &args_two),
    );
    let (first, second) = (first?, second?);
    let url = cluster.database.clone();
    let versions = tokio::task::spawn_blocking(move || -> Result<Vec<i64>> {
        let mut client = postgres::Client::connect(&url, postgres::NoTls)?;
        Ok(client
            .query(
                "SELECT version FROM schema_migrations ORDER BY version",
                &[],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    })
    .await??;
    assert_eq!(versions, [1], "each migration recorded once");
    let alice = first.register("alice").await?;
    second.login(alice.name()).await?;
    let _ = cluster.node(node_program!()).await?;
    Ok(())
}
