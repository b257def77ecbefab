//! The connection manager against the real server: true connection states, and a message
//! queued while the server is down delivered exactly once when it is back.

mod common;

use common::{Server, TestResult, account, wait_for};
use quid_client::ws::{self, ConnState, WsCommand, WsEvent};
use quid_shared::{CreateGroup, Id};

fn content_of(event: &WsEvent) -> Option<&str> {
    match event {
        WsEvent::Message(m) => Some(m.content.as_str()),
        _ => None,
    }
}

/// Sending while the server is down: the state reads "reconnecting", and after the restart
/// the message is stored and delivered once, with no duplicate from the replay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_queued_while_down_is_delivered_once() -> TestResult {
    let mut server = Server::start().await?;
    let (alice, _) = account(&server.url(), "alice").await?;
    let group: Id = alice
        .create_group(&CreateGroup {
            name: "team".into(),
            description: None,
        })
        .await?
        .id;
    let (events, mut rx) = tokio::sync::mpsc::unbounded_channel::<WsEvent>();
    let token = alice.token().ok_or("no token")?;
    let connection = ws::spawn(&server.url(), token, events);
    connection.command(WsCommand::Join {
        group,
        since: Some(0),
    });
    let mut seen = Vec::new();
    wait_for(&mut rx, &mut seen, |e| {
        matches!(e, WsEvent::Joined { .. }).then_some(())
    })
    .await?;

    server.stop().await?;
    wait_for(&mut rx, &mut seen, |e| {
        matches!(e, WsEvent::State(ConnState::Reconnecting { .. })).then_some(())
    })
    .await?;
    connection.command(WsCommand::Send {
        group,
        content: "queued while down".into(),
        client_id: "queued-1".into(),
        to: None,
    });
    // Let one reconnect attempt fail with the message still queued.
    wait_for(&mut rx, &mut seen, |e| {
        matches!(e, WsEvent::State(ConnState::Connecting)).then_some(())
    })
    .await?;
    wait_for(&mut rx, &mut seen, |e| {
        matches!(e, WsEvent::State(ConnState::Reconnecting { .. })).then_some(())
    })
    .await?;
    server.restart().await?;
    wait_for(&mut rx, &mut seen, |e| {
        matches!(e, WsEvent::Acked { client_id } if client_id == "queued-1").then_some(())
    })
    .await?;
    alice
        .post_message(&quid_shared::PostMessage {
            group_id: group,
            content: "marker".into(),
            client_id: None,
            reply_to: None,
            to: None,
        })
        .await?;
    wait_for(&mut rx, &mut seen, |e| {
        (content_of(e) == Some("marker")).then_some(())
    })
    .await?;

    let delivered = seen
        .iter()
        .filter(|e| content_of(e) == Some("queued while down"))
        .count();
    assert_eq!(delivered, 1, "events: {seen:?}");
    let stored = alice.messages(group, None, None, Some(50)).await?.messages;
    let contents: Vec<&str> = stored.iter().map(|m| m.content.as_str()).collect();
    assert_eq!(contents, vec!["queued while down", "marker"]);
    let states: Vec<&ConnState> = seen
        .iter()
        .filter_map(|e| match e {
            WsEvent::State(s) => Some(s),
            _ => None,
        })
        .collect();
    assert_eq!(states.first(), Some(&&ConnState::Connecting));
    assert!(
        states
            .iter()
            .filter(|s| ***s == ConnState::Connected)
            .count()
            >= 2
    );
    Ok(())
}

/// A refused token puts the connection offline for good instead of retrying forever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_token_goes_offline() -> TestResult {
    let server = Server::start().await?;
    let (events, mut rx) = tokio::sync::mpsc::unbounded_channel::<WsEvent>();
    let _connection = ws::spawn(&server.url(), "not-a-token", events);
    let mut seen = Vec::new();
    let reason = wait_for(&mut rx, &mut seen, |e| match e {
        WsEvent::State(ConnState::Offline { reason }) => Some(reason.clone()),
        _ => None,
    })
    .await?;
    assert!(reason.contains("quid login"), "{reason}");
    Ok(())
}
