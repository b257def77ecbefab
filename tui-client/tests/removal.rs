//! Being removed from a group while connected, against the real server: the connection
//! manager reports the server's unasked `left` (and not the one answering its own
//! `leave`), and `quid tail` stops with a clear message and the "not allowed" exit code.

mod common;

use common::{STEP, Server, TestResult, User, account, group_with, wait_for};
use quid_client::ws::{self, WsCommand, WsEvent};
use quid_shared::PostMessage;

/// Removed from `team` by its creator: reported as [`WsEvent::Removed`]. The `left` that
/// answers bob's own leave of `garden` is not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removal_is_reported_and_own_leave_is_not() -> TestResult {
    let server = Server::start().await?;
    let (alice, _) = account(&server.url(), "alice").await?;
    let (bob, bob_id) = account(&server.url(), "bob").await?;
    let team = group_with(&alice, "team", "bob").await?;
    let garden = group_with(&alice, "garden", "bob").await?;

    let (events, mut rx) = tokio::sync::mpsc::unbounded_channel::<WsEvent>();
    let connection = ws::spawn(&server.url(), bob.token().ok_or("no token")?, events);
    let mut seen = Vec::new();
    for group in [team, garden] {
        connection.command(WsCommand::Join {
            group,
            since: Some(0),
        });
        wait_for(&mut rx, &mut seen, |e| {
            matches!(e, WsEvent::Joined { group: g, .. } if *g == group).then_some(())
        })
        .await?;
    }
    connection.command(WsCommand::Leave { group: garden });
    // Answered after the `left` for garden: that one has arrived by then.
    connection.command(WsCommand::Join {
        group: team,
        since: None,
    });
    wait_for(&mut rx, &mut seen, |e| {
        matches!(e, WsEvent::Joined { group, .. } if *group == team).then_some(())
    })
    .await?;

    alice.remove_member(team, bob_id).await?;
    wait_for(&mut rx, &mut seen, |e| {
        (*e == WsEvent::Removed { group: team }).then_some(())
    })
    .await?;
    let removals: Vec<&WsEvent> = seen
        .iter()
        .filter(|e| matches!(e, WsEvent::Removed { .. }))
        .collect();
    assert_eq!(removals, vec![&WsEvent::Removed { group: team }]);
    Ok(())
}

/// `quid tail` of a group the user is removed from ends at once, saying so on stderr, with
/// exit code 4 (not a member).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tail_ends_when_the_user_is_removed() -> TestResult {
    let server = Server::start().await?;
    let (alice, _) = account(&server.url(), "alice").await?;
    let bob = User::register(&server.url(), "bob").await?;
    let team = group_with(&alice, "team", "bob").await?;
    let bob_id = alice
        .groups()
        .await?
        .into_iter()
        .flat_map(|g| g.members)
        .find(|m| m.username == "bob")
        .ok_or("bob is not a member")?
        .id;
    alice
        .post_message(&PostMessage {
            group_id: team,
            content: "welcome".into(),
            client_id: None,
            reply_to: None,
            to: None,
        })
        .await?;
    let mut tail = bob.tail("team", 0)?;
    assert_eq!(tail.next().await?["content"], "welcome");

    alice.remove_member(team, bob_id).await?;
    let out = tokio::time::timeout(STEP, tail.child.wait_with_output())
        .await
        .map_err(|_| "tail kept running after the removal")??;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "stderr: {stderr}");
    assert!(
        stderr.contains("quid: you are no longer a member of team"),
        "stderr: {stderr}"
    );
    Ok(())
}
