//! Read positions kept on the server: every device and the API agree on unread counts,
//! which are exact however much a client loaded, and a group one is added to while away
//! counts as unread.

use quid_shared::{ClientFrame, Group, GroupList, ReadUpTo, ServerFrame};
use quid_tests::{TestServer, TestUser};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn listed(server: &TestServer, user: &TestUser, name: &str) -> anyhow::Result<Group> {
    let list: GroupList = server
        .expect(
            Method::GET,
            "/api/groups",
            Some(&user.token),
            None,
            StatusCode::OK,
        )
        .await?;
    list.groups
        .into_iter()
        .find(|g| g.name == name)
        .ok_or_else(|| anyhow::anyhow!("{name} not listed"))
}

/// 150 messages while bob is away are 150 unread (his own not counted); a `read` on one
/// connection moves the count for the API and is told to his other connection.
#[tokio::test]
async fn unread_counts_are_exact_and_shared_by_devices() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "Team", &[&bob]).await?;
    // added before any message: nothing unread yet
    assert_eq!(listed(&server, &bob, "Team").await?.unread, 0);
    for i in 0..150 {
        server
            .post(&alice, group.id, &format!("message {i}"))
            .await?;
    }
    server.post(&bob, group.id, "mine").await?;
    let team = listed(&server, &bob, "Team").await?;
    assert_eq!((team.read, team.unread), (0, 150));

    let mut phone = server.connect(&bob).await?;
    let mut laptop = server.connect(&bob).await?;
    phone.read_live_frames();
    laptop.read_live_frames();
    phone.join(group.id, Some(140)).await?;
    laptop.join(group.id, Some(151)).await?;
    laptop
        .send_frame(&ClientFrame::Read {
            group: group.id,
            seq: 100,
        })
        .await?;
    let told = phone
        .wait_for(|f| match f {
            ServerFrame::Read { group: g, seq } if *g == group.id => Some(*seq),
            _ => None,
        })
        .await?;
    assert_eq!(told, 100);
    let team = listed(&server, &bob, "Team").await?;
    assert_eq!((team.read, team.unread), (100, 50));
    // never backwards, and never past the head
    let path = format!("/api/groups/{}/read", group.id);
    let kept: ReadUpTo = server
        .expect(
            Method::PUT,
            &path,
            Some(&bob.token),
            Some(json!({"seq": 5})),
            StatusCode::OK,
        )
        .await?;
    assert_eq!(kept.seq, 100);
    let kept: ReadUpTo = server
        .expect(
            Method::PUT,
            &path,
            Some(&bob.token),
            Some(json!({"seq": 9999})),
            StatusCode::OK,
        )
        .await?;
    assert_eq!(kept.seq, 151);
    assert_eq!(listed(&server, &bob, "Team").await?.unread, 0);
    server.shutdown().await
}

/// A group carol is added to after it has messages counts them as unread.
#[tokio::test]
async fn a_group_joined_while_away_counts_as_unread() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let carol = server.register("carol").await?;
    let group = server.group(&alice, "Plans", &[]).await?;
    for i in 0..3 {
        server.post(&alice, group.id, &format!("idea {i}")).await?;
    }
    server.group_add(&alice, group.id, &carol).await?;
    let plans = listed(&server, &carol, "Plans").await?;
    assert_eq!((plans.read, plans.unread), (0, 3));
    // a non-member cannot move a read position
    let outsider = server.register("dave").await?;
    let (status, _) = server
        .request(
            Method::PUT,
            &format!("/api/groups/{}/read", group.id),
            Some(&outsider.token),
            Some(json!({"seq": 1})),
        )
        .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    server.shutdown().await
}
