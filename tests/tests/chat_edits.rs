//! Edits and deletions of one's own messages, over real sockets and HTTP: seen live by
//! everyone who could see the message, applied in history and replay, earlier texts
//! kept for the author, and a message that made a commitment asks its author instead of
//! changing the commitment.

use std::time::Duration;

use quid_shared::{ClientFrame, EditHistory, ErrorCode, MessageCreated, MessageKind, ServerFrame};
use quid_tests::TestServer;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// An edit reaches every member as an `edit` message; history shows the new text marked
/// edited; a replay from before it applies it; the author alone reads the earlier text.
#[tokio::test]
async fn an_edit_is_seen_live_in_history_and_replay() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "Team", &[&bob]).await?;
    let mut a = server.connect(&alice).await?;
    let mut b = server.connect(&bob).await?;
    a.join(group.id, None).await?;
    b.join(group.id, None).await?;
    let sent = a.send_message(group.id, "lunch at noon", "m1").await?;
    assert_eq!(b.next_message().await?, sent);
    a.next_message().await?;

    a.send_frame(&ClientFrame::Edit {
        group: group.id,
        seq: sent.seq,
        content: "lunch at one".into(),
    })
    .await?;
    for socket in [&mut a, &mut b] {
        let edit = socket.next_message().await?;
        assert_eq!(edit.kind, MessageKind::Edit);
        assert_eq!(edit.content, "lunch at one");
        assert_eq!(edit.changes(), Some(sent.seq));
    }

    let history = server.history(&bob, group.id).await?;
    let now = history
        .iter()
        .find(|m| m.seq == sent.seq)
        .expect("the message");
    assert_eq!(now.content, "lunch at one");
    assert!(now.is_edited());

    // a replay from before the message gives the message and its change, in order
    let mut late = server.connect(&bob).await?;
    let (replayed, _) = late.join(group.id, Some(0)).await?;
    let mut shown = replayed[0].clone();
    for change in &replayed[1..] {
        shown.apply(change);
    }
    assert_eq!(shown.content, "lunch at one");

    let edits = format!("/api/groups/{}/messages/{}/edits", group.id, sent.seq);
    let versions: EditHistory = server
        .expect(
            Method::GET,
            &edits,
            Some(&alice.token),
            None,
            StatusCode::OK,
        )
        .await?;
    assert_eq!(versions.versions.len(), 1);
    assert_eq!(versions.versions[0].content, "lunch at noon");
    let (status, _) = server
        .request(Method::GET, &edits, Some(&bob.token), None)
        .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    server.shutdown().await
}

/// Only the author may edit or delete; someone else's attempt is refused with an error
/// frame naming the frame, and nothing changes.
#[tokio::test]
async fn only_the_author_changes_a_message() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "Team", &[&bob]).await?;
    let sent = server.post(&alice, group.id, "mine").await?;
    let mut b = server.connect(&bob).await?;
    b.join(group.id, None).await?;
    b.send_frame(&ClientFrame::Edit {
        group: group.id,
        seq: sent.seq,
        content: "hacked".into(),
    })
    .await?;
    match b.next_frame().await? {
        ServerFrame::Error {
            code, reference, ..
        } => {
            assert_eq!(code, ErrorCode::Forbidden);
            assert_eq!(reference.as_deref(), Some("edit"));
        }
        other => anyhow::bail!("expected an error, got {other:?}"),
    }
    let path = format!("/api/groups/{}/messages/{}", group.id, sent.seq);
    let (status, _) = server
        .request(Method::DELETE, &path, Some(&bob.token), None)
        .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server
        .request(
            Method::PUT,
            &format!("/api/groups/{}/messages/999", group.id),
            Some(&alice.token),
            Some(json!({"content": "x"})),
        )
        .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(server.history(&alice, group.id).await?[0].content, "mine");
    server.shutdown().await
}

/// A deletion empties the message for everyone, live and in history, and a private
/// message's deletion reaches only its two people.
#[tokio::test]
async fn a_deletion_reaches_who_saw_the_message_only() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let carol = server.register("carol").await?;
    let group = server.group(&alice, "Team", &[&bob, &carol]).await?;
    let mut b = server.connect(&bob).await?;
    let mut c = server.connect(&carol).await?;
    b.join(group.id, None).await?;
    c.join(group.id, None).await?;
    let (_, private) = server
        .request(
            Method::POST,
            "/api/messages",
            Some(&alice.token),
            Some(json!({"group_id": group.id, "content": "psst bob", "to": "bob"})),
        )
        .await?;
    let private: MessageCreated = serde_json::from_value(private)?;
    assert_eq!(b.next_message().await?.seq, private.message.seq);
    let path = format!("/api/groups/{}/messages/{}", group.id, private.message.seq);
    let (status, _) = server
        .request(Method::DELETE, &path, Some(&alice.token), None)
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let deletion = b.next_message().await?;
    assert_eq!(deletion.kind, MessageKind::Delete);
    assert!(deletion.private);
    // carol saw neither; the next public message is the next thing she gets
    let public = server.post(&alice, group.id, "hello all").await?;
    assert_eq!(c.next_message().await?.seq, public.seq);
    c.expect_no_frame(Duration::from_millis(100)).await?;
    let history = server.history(&bob, group.id).await?;
    let gone = history
        .iter()
        .find(|m| m.seq == private.message.seq)
        .expect("kept as deleted");
    assert!(gone.is_deleted());
    assert!(gone.content.is_empty());
    server.shutdown().await
}

/// Editing the message that made a commitment leaves the commitment as it was and asks
/// its author, privately, whether to change it too.
#[tokio::test]
async fn editing_an_offer_asks_instead_of_changing_the_commitment() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "Home", &[&bob]).await?;
    let mut b = server.connect(&bob).await?;
    let mut a = server.connect(&alice).await?;
    b.join(group.id, None).await?;
    a.join(group.id, None).await?;
    let offer = b
        .send_message(group.id, "If Alice does 5h work, I'll do 3h", "offer")
        .await?;
    let commitment = b
        .wait_for(|f| match f {
            ServerFrame::NewMessage { message } if message.kind == MessageKind::Commitment => {
                Some(message.clone())
            }
            _ => None,
        })
        .await?;
    let id = commitment.meta["commitment_id"]
        .as_i64()
        .expect("commitment id");
    b.send_frame(&ClientFrame::Edit {
        group: group.id,
        seq: offer.seq,
        content: "If Alice does 5h work, I'll do 4h".into(),
    })
    .await?;
    let question = b
        .wait_for(|f| match f {
            ServerFrame::NewMessage { message }
                if message.kind == MessageKind::ClarificationRequest =>
            {
                Some(message.clone())
            }
            _ => None,
        })
        .await?;
    assert!(question.private);
    assert_eq!(question.target, Some(bob.id()));
    assert_eq!(question.meta["commitment_id"].as_i64(), Some(id));
    assert!(
        question.content.contains(&format!("c{id}")),
        "{}",
        question.content
    );
    // alice sees the edit, but not the question
    let edit = a
        .wait_for(|f| match f {
            ServerFrame::NewMessage { message } if message.kind == MessageKind::Edit => {
                Some(message.clone())
            }
            _ => None,
        })
        .await?;
    assert_eq!(edit.changes(), Some(offer.seq));
    let history = server.history(&alice, group.id).await?;
    assert!(
        history
            .iter()
            .all(|m| m.kind != MessageKind::ClarificationRequest)
    );
    let (_, list) = server
        .request(
            Method::GET,
            &format!("/api/groups/{}/commitments", group.id),
            Some(&bob.token),
            None,
        )
        .await?;
    let text = list.to_string();
    assert!(text.contains("3 hours"), "{text}");
    assert!(!text.contains("4 hours"), "{text}");
    server.shutdown().await
}
