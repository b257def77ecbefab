//! Groups over HTTP: create, list, show, add and remove members, membership checks.

use quid_shared::{ClientFrame, ErrorBody, Group, GroupList, MessagePage, ServerFrame};
use quid_tests::{ClientOptions, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// The creator is a member; added members see the group; outsiders are refused.
#[tokio::test]
async fn create_list_show_and_membership() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let carol = server.register("carol").await?;
    let group = server.group(&alice, "Garden", &[&bob]).await?;
    assert_eq!(group.created_by, alice.id());
    let names: Vec<_> = group.members.iter().map(|m| m.username.as_str()).collect();
    assert_eq!(names, ["alice", "bob"]);

    let list: GroupList = server
        .expect(
            Method::GET,
            "/api/groups",
            Some(&bob.token),
            None,
            StatusCode::OK,
        )
        .await?;
    assert_eq!(list.groups, vec![group.clone()]);
    let none: GroupList = server
        .expect(
            Method::GET,
            "/api/groups",
            Some(&carol.token),
            None,
            StatusCode::OK,
        )
        .await?;
    assert!(none.groups.is_empty());

    let path = format!("/api/groups/{}", group.id);
    let shown: Group = server
        .expect(Method::GET, &path, Some(&bob.token), None, StatusCode::OK)
        .await?;
    assert_eq!(shown, group);
    let (status, _) = server
        .request(Method::GET, &path, Some(&carol.token), None)
        .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let history = format!("/api/groups/{}/messages", group.id);
    let (status, _) = server
        .request(Method::GET, &history, Some(&carol.token), None)
        .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let unknown = format!("/api/groups/{}", uuid::Uuid::new_v4());
    let (status, _) = server
        .request(Method::GET, &unknown, Some(&bob.token), None)
        .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server.shutdown().await
}

/// Members leave themselves; only the creator removes others; removed members lose access.
#[tokio::test]
async fn leave_and_remove() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let carol = server.register("carol").await?;
    let group = server.group(&alice, "Crew", &[&bob, &carol]).await?;
    let member =
        |who: &quid_tests::TestUser| format!("/api/groups/{}/members/{}", group.id, who.id());

    let refused: ErrorBody = server
        .expect(
            Method::DELETE,
            &member(&carol),
            Some(&bob.token),
            None,
            StatusCode::FORBIDDEN,
        )
        .await?;
    assert!(
        refused.error.message.contains("creator"),
        "{}",
        refused.error.message
    );
    let (status, _) = server
        .request(Method::DELETE, &member(&bob), Some(&bob.token), None)
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = server
        .request(Method::DELETE, &member(&carol), Some(&alice.token), None)
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let history = format!("/api/groups/{}/messages", group.id);
    let (status, _) = server
        .request(Method::GET, &history, Some(&carol.token), None)
        .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let page: MessagePage = server
        .expect(
            Method::GET,
            &history,
            Some(&alice.token),
            None,
            StatusCode::OK,
        )
        .await?;
    assert!(page.messages.is_empty());
    let again: ErrorBody = server
        .expect(
            Method::POST,
            &format!("/api/groups/{}/members", group.id),
            Some(&alice.token),
            Some(json!({"username": "nobody"})),
            StatusCode::NOT_FOUND,
        )
        .await?;
    assert!(again.error.message.contains("nobody"));
    server.shutdown().await
}

/// A member removed while a long replay from the database waits for them to read is told
/// `left` after what was already written, and the connection goes on working: the join
/// ends rather than reading the same page again.
#[tokio::test]
async fn removed_during_a_long_replay() -> anyhow::Result<()> {
    let server = TestServer::start_with(|config| {
        // no replay from memory: the database, a page of 1 000 at a time
        config.replay_cache_kib = 0;
        config.rate_limit = 100_000;
        config.rate_burst = 100_000;
    })
    .await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "Archive", &[&bob]).await?;
    let mut publisher = server.connect(&alice).await?;
    // three pages, each more than the kernel buffers a socket (4 MiB at most here)
    let body = "x".repeat(4900);
    for n in 1..=2100 {
        publisher
            .send_message(group.id, &format!("{n} {body}"), &format!("c{n}"))
            .await?;
    }
    let mut reader = server
        .connect_with(ClientOptions {
            recv_buffer: Some(4096),
            ..ClientOptions::bearer(&bob.token)
        })
        .await?;
    reader
        .send_frame(&ClientFrame::Join {
            group: group.id,
            since: Some(0),
        })
        .await?;
    // the replay has begun once its first message arrives; the rest of its first page
    // waits for bob to read, and he is removed meanwhile
    let mut replayed = 0;
    match reader.next_frame().await? {
        ServerFrame::NewMessage { message } => {
            replayed += 1;
            assert_eq!(message.seq, replayed);
        }
        other => anyhow::bail!("expected the replay to begin, got {other:?}"),
    }
    let (status, _) = server
        .request(
            Method::DELETE,
            &format!("/api/groups/{}/members/{}", group.id, bob.id()),
            Some(&alice.token),
            None,
        )
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);

    loop {
        match reader.next_frame().await? {
            ServerFrame::NewMessage { message } => {
                replayed += 1;
                assert_eq!(message.seq, replayed, "in order, no gap");
            }
            ServerFrame::Left { group: left } => {
                assert_eq!(left, group.id);
                break;
            }
            other => anyhow::bail!("unexpected frame during the replay: {other:?}"),
        }
    }
    assert!(replayed < 2100, "removed before the replay could end");
    reader
        .send_frame(&ClientFrame::Ping {
            nonce: Some("still there".into()),
        })
        .await?;
    match reader.next_frame().await? {
        ServerFrame::Pong { nonce } => assert_eq!(nonce.as_deref(), Some("still there")),
        other => anyhow::bail!("expected the pong, got {other:?}"),
    }
    server.shutdown().await
}

/// History pages with `after`, `before` and `limit` are ascending and say if more exist.
#[tokio::test]
async fn history_paging() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let group = server.group(&alice, "Log", &[]).await?;
    for i in 1..=7 {
        server.post(&alice, group.id, &format!("m{i}")).await?;
    }
    let page = |query: &str| {
        let path = format!("/api/groups/{}/messages{query}", group.id);
        let token = alice.token.clone();
        let server = &server;
        async move {
            server
                .expect::<MessagePage>(Method::GET, &path, Some(&token), None, StatusCode::OK)
                .await
        }
    };
    let seqs = |p: &MessagePage| p.messages.iter().map(|m| m.seq).collect::<Vec<_>>();
    let newest = page("?limit=3").await?;
    assert_eq!((seqs(&newest), newest.has_more), (vec![5, 6, 7], true));
    let older = page("?limit=3&before=5").await?;
    assert_eq!((seqs(&older), older.has_more), (vec![2, 3, 4], true));
    let after = page("?after=5").await?;
    assert_eq!((seqs(&after), after.has_more), (vec![6, 7], false));
    let (status, _) = server
        .request(
            Method::GET,
            &format!("/api/groups/{}/messages?limit=0", group.id),
            Some(&alice.token),
            None,
        )
        .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    server.shutdown().await
}
