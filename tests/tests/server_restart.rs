//! Restart on the same data directory keeps users, groups and messages; shutdown closes
//! sockets with "going away".

use quid_shared::{AuthResponse, GroupList, MessagePage, close_code};
use quid_tests::{PASSWORD, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// After a graceful restart, accounts log in, tokens still work, groups and messages are
/// all there, and seq numbering continues where it stopped.
#[tokio::test]
async fn restart_keeps_users_groups_and_messages() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "Durable", &[&bob]).await?;
    let mut a = server.connect(&alice).await?;
    a.join(group.id, None).await?;
    let first = a.send_message(group.id, "before restart 1", "r1").await?;
    let second = server.post(&bob, group.id, "before restart 2").await?;

    let server = server.restart().await?;
    assert_eq!(a.expect_close().await?, Some(close_code::GOING_AWAY));

    let login: AuthResponse = server
        .expect(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({"username": "bob", "password": PASSWORD})),
            StatusCode::OK,
        )
        .await?;
    assert_eq!(login.user, bob.user);
    let groups: GroupList = server
        .expect(
            Method::GET,
            "/api/groups",
            Some(&alice.token),
            None,
            StatusCode::OK,
        )
        .await?;
    assert_eq!(groups.groups.len(), 1);
    assert_eq!(groups.groups[0].head, 2);
    let page: MessagePage = server
        .expect(
            Method::GET,
            &format!("/api/groups/{}/messages", group.id),
            Some(&alice.token),
            None,
            StatusCode::OK,
        )
        .await?;
    assert_eq!(page.messages, vec![first.clone(), second.clone()]);

    let mut a = server.connect(&alice).await?;
    let (replay, head) = a.join(group.id, Some(0)).await?;
    assert_eq!((replay, head), (vec![first, second], 2));
    let third = a.send_message(group.id, "after restart", "r2").await?;
    assert_eq!(third.seq, 3);
    // the same client id as before the restart is still recognised
    let again = a.send_message(group.id, "before restart 1", "r1").await?;
    assert_eq!(again.seq, 1);
    server.shutdown().await
}
