//! `quid-server migrate`: a SQLite store made through the API is copied into PostgreSQL
//! with every count equal, and a server on PostgreSQL then serves the same history,
//! commitments and accounts, and numbers new messages after the copied ones. A second
//! run into the same database is refused.

use anyhow::{Context, Result};
use quid_server::Secret;
use quid_shared::MessageKind;
use quid_tests::{NodeProcess, TestServer, node_program, pg};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_sqlite_store_moves_to_postgres_whole() -> Result<()> {
    let Some(url) = pg::fresh_schema_async().await? else {
        return Ok(());
    };
    // a store with a bit of everything: private messages, an edit, a reaction, a
    // commitment and the liability it makes, an invitation, read positions
    let kept = tempfile::tempdir()?;
    let dir = kept.path().to_path_buf();
    let server = TestServer::start_with(move |c| {
        c.database = None;
        c.data_dir = dir;
    })
    .await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let carol = server.register("carol").await?;
    let group = server.group(&alice, "Flat", &[&bob, &carol]).await?;
    let first = server.post(&alice, group.id, "Pizza on Friday?").await?;
    server
        .request(
            Method::POST,
            "/api/messages",
            Some(&bob.token),
            Some(json!({"group_id": group.id, "content": "just between us", "to": "alice"})),
        )
        .await?;
    server
        .post(
            &bob,
            group.id,
            "If carol does 2 hours of cleaning, I'll do 3 hours of cooking",
        )
        .await?;
    server
        .post(&carol, group.id, "I'll do 2 hours of cleaning")
        .await?;
    let path = format!("/api/groups/{}/messages/{}", group.id, first.seq);
    server
        .request(
            Method::PUT,
            &path,
            Some(&alice.token),
            Some(json!({"content": "Pasta on Friday?"})),
        )
        .await?;
    let invites = format!("/api/groups/{}/invites", group.id);
    server
        .request(Method::POST, &invites, Some(&alice.token), Some(json!({})))
        .await?;
    // what each member sees, before
    let commitments = format!("/api/groups/{}/commitments", group.id);
    let mut before = Vec::new();
    for viewer in [&alice, &bob, &carol] {
        let (_, listed) = server
            .request(Method::GET, &commitments, Some(&viewer.token), None)
            .await?;
        before.push((server.history(viewer, group.id).await?, listed));
    }
    assert!(
        before[0].0.iter().any(|m| m.kind == MessageKind::Liability),
        "the store holds a liability to carry over"
    );
    server.shutdown().await?;

    let args = |to: &str| {
        vec![
            "migrate".to_owned(),
            "--from".to_owned(),
            kept.path().display().to_string(),
            "--to".to_owned(),
            to.to_owned(),
        ]
    };
    let migrated = NodeProcess::expect_exit(node_program!(), &args(&url)).await?;
    assert!(migrated.status.success(), "{}", migrated.output);
    assert!(migrated.output.contains("messages"), "{}", migrated.output);
    assert!(
        migrated.output.contains("counts equal"),
        "{}",
        migrated.output
    );

    let again = NodeProcess::expect_exit(node_program!(), &args(&url)).await?;
    assert!(!again.status.success());
    assert!(again.output.contains("refusing"), "{}", again.output);

    let server = TestServer::start_with(|c| c.database = Some(Secret::new(url.clone()))).await?;
    let mut after = Vec::new();
    for name in ["alice", "bob", "carol"] {
        let viewer = server.login(name).await.context("the accounts moved")?;
        let (_, listed) = server
            .request(Method::GET, &commitments, Some(&viewer.token), None)
            .await?;
        after.push((server.history(&viewer, group.id).await?, listed));
    }
    for ((history_before, listed_before), (history_after, listed_after)) in
        before.iter().zip(&after)
    {
        assert_eq!(history_before, history_after);
        assert_eq!(listed_before, listed_after);
    }
    let alice = server.login("alice").await?;
    let head = before[0].0.last().map(|m| m.seq).unwrap_or(0);
    let next = server
        .post(&alice, group.id, "hello from PostgreSQL")
        .await?;
    assert_eq!(
        next.seq,
        head + 1,
        "the sequencer continues after the copied seqs"
    );
    server.shutdown().await
}
