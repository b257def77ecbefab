//! Reactions over real sockets: counted per emoji under the message, live and in
//! history; giving the same one twice changes nothing; taking it back removes it.

use quid_shared::{ClientFrame, MessageCreated, MessageKind, ServerFrame};
use quid_tests::TestServer;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// Two members react with one emoji and one with another; one takes theirs back. Every
/// member sees each change live, and history holds the counts.
#[tokio::test]
async fn reactions_are_counted_live_and_in_history() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let carol = server.register("carol").await?;
    let group = server.group(&alice, "Team", &[&bob, &carol]).await?;
    let sent = server.post(&alice, group.id, "ship it?").await?;
    let mut a = server.connect(&alice).await?;
    let mut b = server.connect(&bob).await?;
    let (mut shown, _) = a.join(group.id, Some(0)).await?;
    b.join(group.id, None).await?;
    let react = |seq, emoji: &str, remove| ClientFrame::React {
        group: group.id,
        seq,
        emoji: emoji.into(),
        remove,
    };
    b.send_frame(&react(sent.seq, "👍", false)).await?;
    // the same again changes nothing: the next change seen is carol's
    b.send_frame(&react(sent.seq, "👍", false)).await?;
    let path = format!("/api/groups/{}/messages/{}/reactions", group.id, sent.seq);
    let (status, _) = server
        .request(
            Method::POST,
            &path,
            Some(&carol.token),
            Some(json!({"emoji": "👍"})),
        )
        .await?;
    assert_eq!(status, StatusCode::OK);
    b.send_frame(&react(sent.seq, "🇫🇷", false)).await?;
    b.send_frame(&react(sent.seq, "👍", true)).await?;
    for _ in 0..4 {
        let change = a.next_message().await?;
        assert_eq!(change.kind, MessageKind::Reaction);
        shown[0].apply(&change);
    }
    let expected = vec![
        ("👍".to_owned(), vec!["carol".to_owned()]),
        ("🇫🇷".to_owned(), vec!["bob".to_owned()]),
    ];
    assert_eq!(shown[0].reactions(), expected);
    let history = server.history(&alice, group.id).await?;
    assert_eq!(history[0].reactions(), expected);
    // a reaction that is not one token is refused
    let (status, body) = server
        .request(
            Method::POST,
            &path,
            Some(&carol.token),
            Some(json!({"emoji": "a b"})),
        )
        .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    server.shutdown().await
}

/// A reaction to a private message stays between its two people.
#[tokio::test]
async fn a_reaction_to_a_private_message_stays_private() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let carol = server.register("carol").await?;
    let group = server.group(&alice, "Team", &[&bob, &carol]).await?;
    let (_, body) = server
        .request(
            Method::POST,
            "/api/messages",
            Some(&alice.token),
            Some(json!({"group_id": group.id, "content": "psst", "to": "bob"})),
        )
        .await?;
    let private: MessageCreated = serde_json::from_value(body)?;
    let mut a = server.connect(&alice).await?;
    let mut c = server.connect(&carol).await?;
    a.join(group.id, None).await?;
    c.join(group.id, None).await?;
    let path = format!(
        "/api/groups/{}/messages/{}/reactions",
        group.id, private.message.seq
    );
    let (status, _) = server
        .request(
            Method::POST,
            &path,
            Some(&bob.token),
            Some(json!({"emoji": "🙂"})),
        )
        .await?;
    assert_eq!(status, StatusCode::OK);
    let change = a.next_message().await?;
    assert_eq!(change.kind, MessageKind::Reaction);
    assert_eq!(change.target, Some(alice.id()));
    // carol can neither see it nor react to the message
    let public = server.post(&alice, group.id, "hello").await?;
    assert_eq!(c.next_message().await?.seq, public.seq);
    c.send_frame(&ClientFrame::React {
        group: group.id,
        seq: private.message.seq,
        emoji: "🙂".into(),
        remove: false,
    })
    .await?;
    match c.next_frame().await? {
        ServerFrame::Error { reference, .. } => assert_eq!(reference.as_deref(), Some("react")),
        other => anyhow::bail!("expected an error, got {other:?}"),
    }
    server.shutdown().await
}
