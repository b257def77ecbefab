//! Who is there, live: presence after a join and when a member comes or goes, typing
//! (throttled, and to one member alone for a private buffer), member changes pushed to
//! the group and the member added, the group topic, and one name per creator's group.

use quid_shared::{ClientFrame, Group, MemberChange, MessageKind, ServerFrame};
use quid_tests::TestServer;
use reqwest::{Method, StatusCode};
use serde_json::json;

fn presence(frame: &ServerFrame) -> Option<Vec<quid_shared::Id>> {
    match frame {
        ServerFrame::Presence { online, .. } => Some(online.clone()),
        _ => None,
    }
}

/// After `joined` comes the group's presence; bob connecting and leaving is told to
/// alice as it happens (`status`).
#[tokio::test]
async fn presence_follows_connections() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "Team", &[&bob]).await?;
    let mut a = server.connect(&alice).await?;
    a.read_live_frames();
    a.join(group.id, None).await?;
    assert_eq!(a.wait_for(presence).await?, [alice.id()]);
    // alice's own arrival may be told too; bob's comes after it
    let b = server.connect(&bob).await?;
    let bob_id = bob.id();
    let status = |f: &ServerFrame| match f {
        ServerFrame::Status { user, online, .. } if *user == bob_id => Some(*online),
        _ => None,
    };
    assert!(a.wait_for(status).await?, "bob came online");
    drop(b);
    assert!(!a.wait_for(status).await?, "bob went offline");
    // a new join sees the list as it is now
    let mut again = server.connect(&alice).await?;
    again.read_live_frames();
    again.join(group.id, None).await?;
    assert_eq!(again.wait_for(presence).await?, [alice.id()]);
    server.shutdown().await
}

/// Typing reaches the other members, at most once per throttle period; typing to bob
/// reaches bob alone.
#[tokio::test]
async fn typing_is_forwarded_throttled_and_private_when_asked() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let carol = server.register("carol").await?;
    let group = server.group(&alice, "Team", &[&bob, &carol]).await?;
    let mut a = server.connect(&alice).await?;
    let mut b = server.connect(&bob).await?;
    let mut c = server.connect(&carol).await?;
    for socket in [&mut a, &mut b, &mut c] {
        socket.join(group.id, None).await?;
        socket.read_live_frames();
    }
    let typing = |f: &ServerFrame| match f {
        ServerFrame::Typing { user, private, .. } => Some((user.username.clone(), *private)),
        _ => None,
    };
    a.send_frame(&ClientFrame::Typing {
        group: group.id,
        to: None,
    })
    .await?;
    a.send_frame(&ClientFrame::Typing {
        group: group.id,
        to: None,
    })
    .await?;
    assert_eq!(b.wait_for(typing).await?, ("alice".into(), false));
    assert_eq!(c.wait_for(typing).await?, ("alice".into(), false));
    // the second was within the throttle period: a message is the next thing bob gets
    let sent = server.post(&carol, group.id, "hi").await?;
    let next = b
        .wait_for(|f| match f {
            ServerFrame::NewMessage { message } => Some(Ok(message.seq)),
            ServerFrame::Typing { .. } => Some(Err(())),
            _ => None,
        })
        .await?;
    assert_eq!(next, Ok(sent.seq));
    // carol types privately to bob
    c.send_frame(&ClientFrame::Typing {
        group: group.id,
        to: Some("bob".into()),
    })
    .await?;
    assert_eq!(b.wait_for(typing).await?, ("carol".into(), true));
    let after = server.post(&bob, group.id, "later").await?;
    let next = a
        .wait_for(|f| match f {
            ServerFrame::NewMessage { message } if message.seq == after.seq => Some(true),
            ServerFrame::Typing { user, .. } if user.username == "carol" => Some(false),
            _ => None,
        })
        .await?;
    assert!(next, "alice was told of carol typing to bob");
    server.shutdown().await
}

/// Adding carol tells her connection (`added`) and the group (`member`), removing her
/// tells the group and ends her subscription.
#[tokio::test]
async fn member_changes_are_pushed() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let carol = server.register("carol").await?;
    let group = server.group(&alice, "Team", &[]).await?;
    let mut a = server.connect(&alice).await?;
    let mut c = server.connect(&carol).await?;
    a.join(group.id, None).await?;
    a.read_live_frames();
    c.read_live_frames();
    server.group_add(&alice, group.id, &carol).await?;
    let added = c
        .wait_for(|f| match f {
            ServerFrame::Added { group } => Some(group.clone()),
            _ => None,
        })
        .await?;
    assert_eq!(added.id, group.id);
    assert!(added.members.iter().any(|m| m.username == "carol"));
    let member = |f: &ServerFrame| match f {
        ServerFrame::Member {
            change, user, by, ..
        } => Some((
            *change,
            user.username.clone(),
            by.as_ref().map(|b| b.username.clone()),
        )),
        _ => None,
    };
    assert_eq!(
        a.wait_for(member).await?,
        (MemberChange::Added, "carol".into(), Some("alice".into()))
    );
    c.join(group.id, None).await?;
    let (status, _) = server
        .request(
            Method::DELETE,
            &format!("/api/groups/{}/members/{}", group.id, carol.id()),
            Some(&carol.token),
            None,
        )
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        a.wait_for(member).await?,
        (MemberChange::Left, "carol".into(), None)
    );
    server.shutdown().await
}

/// Any member sets the topic: the group shows it, and a `topic` message says who did.
/// A creator cannot make two groups of one name; another creator can.
#[tokio::test]
async fn topic_and_one_name_per_creator() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "Team", &[&bob]).await?;
    let path = format!("/api/groups/{}/topic", group.id);
    let updated: Group = server
        .expect(
            Method::PUT,
            &path,
            Some(&bob.token),
            Some(json!({"topic": "release on Friday"})),
            StatusCode::OK,
        )
        .await?;
    assert_eq!(updated.topic.as_deref(), Some("release on Friday"));
    let history = server.history(&alice, group.id).await?;
    let said = history.last().expect("a topic message");
    assert_eq!(said.kind, MessageKind::Topic);
    assert_eq!(said.content, "bob set the topic: release on Friday");
    let (status, _) = server
        .request(
            Method::PUT,
            &path,
            Some(&bob.token),
            Some(json!({"topic": "x".repeat(301)})),
        )
        .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, body) = server
        .request(
            Method::POST,
            "/api/groups",
            Some(&alice.token),
            Some(json!({"name": "team"})),
        )
        .await?;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body.to_string().contains("already have a group named"),
        "{body}"
    );
    let (status, _) = server
        .request(
            Method::POST,
            "/api/groups",
            Some(&bob.token),
            Some(json!({"name": "Team"})),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED);
    server.shutdown().await
}
