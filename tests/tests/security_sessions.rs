//! Revocable sessions over real HTTP and WebSockets: logout, logout everywhere, ending one
//! session, a password change and account deletion each end the right sessions; their
//! tokens are refused from then on and their open sockets close with 4001.

use quid_shared::{ClientFrame, SessionInfo, SessionList, SessionsEnded, close_code};
use quid_tests::{ClientOptions, PASSWORD, TestServer, TestUser};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn me_status(server: &TestServer, user: &TestUser) -> anyhow::Result<StatusCode> {
    Ok(server
        .request(Method::GET, "/api/me", Some(&user.token), None)
        .await?
        .0)
}

/// Logout ends only the session of the token it was called with: that token is refused,
/// its socket closes with 4001 and cannot reconnect; another login goes on.
#[tokio::test]
async fn logout_ends_that_session_and_closes_its_sockets() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let first = server.register("alice").await?;
    let second = server.login("alice").await?;
    let group = server.group(&first, "team", &[]).await?;
    let mut socket = server.connect(&first).await?;
    socket.join(group.id, None).await?;
    let mut other = server.connect(&second).await?;

    let (status, _) = server
        .request(Method::POST, "/api/auth/logout", Some(&first.token), None)
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(socket.expect_close().await?, Some(close_code::UNAUTHORIZED));
    assert_eq!(me_status(&server, &first).await?, StatusCode::UNAUTHORIZED);
    let again = server.connect(&first).await.err().map(|e| e.to_string());
    assert!(again.is_some_and(|e| e.contains("401")));

    assert_eq!(me_status(&server, &second).await?, StatusCode::OK);
    other.expect_pong_next().await?;
    server.shutdown().await
}

/// Logout everywhere ends every session of the user, and no one else's.
#[tokio::test]
async fn logout_all_ends_every_session() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let tokens = [
        server.register("alice").await?,
        server.login("alice").await?,
        server.login("alice").await?,
    ];
    let bob = server.register("bob").await?;
    let mut sockets = Vec::new();
    for user in &tokens[1..] {
        sockets.push(server.connect(user).await?);
    }
    let mut bobs = server.connect(&bob).await?;
    let ended: SessionsEnded = server
        .expect(
            Method::POST,
            "/api/auth/logout-all",
            Some(&tokens[0].token),
            None,
            StatusCode::OK,
        )
        .await?;
    assert_eq!(ended.ended, 3);
    for socket in &mut sockets {
        assert_eq!(socket.expect_close().await?, Some(close_code::UNAUTHORIZED));
    }
    for user in &tokens {
        assert_eq!(me_status(&server, user).await?, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(me_status(&server, &bob).await?, StatusCode::OK);
    bobs.expect_pong_next().await?;
    server.shutdown().await
}

/// The session list shows each login once, marks the caller's own, and ends one by id
/// (only one's own: another user's session id is not found).
#[tokio::test]
async fn sessions_are_listed_and_ended_one_by_one() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let laptop = server.register("alice").await?;
    let phone = server.login("alice").await?;
    let bob = server.register("bob").await?;
    let list: SessionList = server
        .expect(
            Method::GET,
            "/api/me/sessions",
            Some(&laptop.token),
            None,
            StatusCode::OK,
        )
        .await?;
    assert_eq!(list.sessions.len(), 2);
    let current: Vec<&SessionInfo> = list.sessions.iter().filter(|s| s.current).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].address.as_deref(), Some("127.0.0.1"));
    let other = list
        .sessions
        .iter()
        .find(|s| !s.current)
        .expect("the phone's")
        .id;

    let mut phone_socket = server.connect(&phone).await?;
    let path = format!("/api/me/sessions/{other}");
    let (status, _) = server
        .request(Method::DELETE, &path, Some(&bob.token), None)
        .await?;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "bob cannot end alice's session"
    );
    assert_eq!(me_status(&server, &phone).await?, StatusCode::OK);
    let (status, _) = server
        .request(Method::DELETE, &path, Some(&laptop.token), None)
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        phone_socket.expect_close().await?,
        Some(close_code::UNAUTHORIZED)
    );
    assert_eq!(me_status(&server, &phone).await?, StatusCode::UNAUTHORIZED);
    let list: SessionList = server
        .expect(
            Method::GET,
            "/api/me/sessions",
            Some(&laptop.token),
            None,
            StatusCode::OK,
        )
        .await?;
    assert_eq!(list.sessions.len(), 1);
    server.shutdown().await
}

/// A password change needs the old password, keeps the session that made it, ends the
/// others (closing their sockets), and only the new password logs in afterwards.
#[tokio::test]
async fn a_password_change_ends_the_other_sessions() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let here = server.register("alice").await?;
    let there = server.login("alice").await?;
    let mut there_socket = server.connect(&there).await?;
    let new_password = "a much better passphrase";
    let (status, _) = server
        .request(
            Method::PUT,
            "/api/me/password",
            Some(&here.token),
            Some(json!({"old_password": "not it at all", "new_password": new_password})),
        )
        .await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(me_status(&server, &there).await?, StatusCode::OK);
    let (status, _) = server
        .request(
            Method::PUT,
            "/api/me/password",
            Some(&here.token),
            Some(json!({"old_password": PASSWORD, "new_password": new_password})),
        )
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        there_socket.expect_close().await?,
        Some(close_code::UNAUTHORIZED)
    );
    assert_eq!(me_status(&server, &there).await?, StatusCode::UNAUTHORIZED);
    assert_eq!(me_status(&server, &here).await?, StatusCode::OK);
    assert!(
        server.login("alice").await.is_err(),
        "the old password is refused"
    );
    let (status, _) = server
        .request(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({"username": "alice", "password": new_password})),
        )
        .await?;
    assert_eq!(status, StatusCode::OK);
    server.shutdown().await
}

/// Deleting an account needs its password; then its sessions end, it leaves its groups,
/// its name is free again, and its messages stay, shown as from "deleted user".
#[tokio::test]
async fn deleting_an_account() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "team", &[&bob]).await?;
    let said = server.post(&alice, group.id, "hello from alice").await?;
    let mut socket = server.connect(&alice).await?;

    let (status, _) = server
        .request(
            Method::DELETE,
            "/api/me",
            Some(&alice.token),
            Some(json!({"password": "wrong one"})),
        )
        .await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = server
        .request(
            Method::DELETE,
            "/api/me",
            Some(&alice.token),
            Some(json!({"password": PASSWORD})),
        )
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(socket.expect_close().await?, Some(close_code::UNAUTHORIZED));
    assert_eq!(me_status(&server, &alice).await?, StatusCode::UNAUTHORIZED);
    assert!(server.login("alice").await.is_err());

    let history = server.history(&bob, group.id).await?;
    let kept = history
        .iter()
        .find(|m| m.id == said.id)
        .expect("the message stays");
    assert_eq!(kept.content, "hello from alice");
    assert_eq!(
        kept.author.as_ref().map(|a| a.username.as_str()),
        Some("deleted user")
    );
    let shown: quid_shared::Group = server
        .expect(
            Method::GET,
            &format!("/api/groups/{}", group.id),
            Some(&bob.token),
            None,
            StatusCode::OK,
        )
        .await?;
    assert!(shown.members.iter().all(|m| m.id != alice.id()));
    assert_eq!(
        shown.admins,
        vec![bob.id()],
        "the group is not left without an admin"
    );

    // the name is free; the new alice is someone else
    let new_alice = server.register("alice").await?;
    assert_ne!(new_alice.id(), alice.id());
    let history = server.history(&bob, group.id).await?;
    let kept = history
        .iter()
        .find(|m| m.id == said.id)
        .expect("the message stays");
    assert_eq!(
        kept.author.as_ref().map(|a| a.username.as_str()),
        Some("deleted user")
    );
    server.shutdown().await
}

/// Sessions outlive a restart, and so does their end: a token logged out before the
/// restart stays refused after it.
#[tokio::test]
async fn sessions_and_their_end_survive_a_restart() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let kept = server.register("alice").await?;
    let ended = server.login("alice").await?;
    server
        .request(Method::POST, "/api/auth/logout", Some(&ended.token), None)
        .await?;
    let server = server.restart().await?;
    assert_eq!(me_status(&server, &kept).await?, StatusCode::OK);
    assert_eq!(me_status(&server, &ended).await?, StatusCode::UNAUTHORIZED);
    let refused = server
        .connect_with(ClientOptions::bearer(&ended.token))
        .await
        .err()
        .map(|e| e.to_string());
    assert!(refused.is_some_and(|e| e.contains("401")));
    let mut socket = server.connect(&kept).await?;
    socket
        .send_frame(&ClientFrame::Ping { nonce: None })
        .await?;
    server.shutdown().await
}
