//! Commitments made in chat, over real sockets: detection, the commitment and liability
//! messages every member receives, and a clarification only its author ever sees.

use std::time::Duration;

use quid_shared::{ClientFrame, CommitmentList, LiabilityChange, Message, MessageKind};
use quid_tests::{TestServer, TestUser, WsClient};
use reqwest::{Method, StatusCode};

/// Three members (alice, bob, carol) in one group, each with a joined socket.
async fn household(
    server: &TestServer,
) -> anyhow::Result<([TestUser; 3], quid_shared::Id, [WsClient; 3])> {
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let carol = server.register("carol").await?;
    let group = server.group(&alice, "Work", &[&bob, &carol]).await?;
    let mut sockets = [
        server.connect(&alice).await?,
        server.connect(&bob).await?,
        server.connect(&carol).await?,
    ];
    for socket in &mut sockets {
        socket.join(group.id, None).await?;
    }
    Ok(([alice, bob, carol], group.id, sockets))
}

/// The next message, which must be of `kind`.
async fn expect_kind(socket: &mut WsClient, kind: MessageKind) -> anyhow::Result<Message> {
    let message = socket.next_message().await?;
    anyhow::ensure!(message.kind == kind, "expected {kind:?}, got {message:?}");
    Ok(message)
}

/// After a quiet moment, a later public message is the next each socket receives, right
/// after `last` in seq: nothing was stored in between, and nothing came late.
async fn next_is_later_message(
    server: &TestServer,
    author: &TestUser,
    last: &Message,
    sockets: &mut [&mut WsClient],
) -> anyhow::Result<()> {
    let later = server.post(author, last.group, "noted").await?;
    anyhow::ensure!(later.seq == last.seq + 1, "{later:?} right after {last:?}");
    for socket in sockets {
        assert_eq!(socket.next_message().await?, later);
    }
    Ok(())
}

/// Bob's conditional offer reaches every member as his message, then as a commitment
/// message restating it; nobody is bound yet, so no liability message follows.
#[tokio::test]
async fn commitment_in_chat_is_restated_to_everyone() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let ([alice, ..], group, [mut a, mut b, mut c]) = household(&server).await?;
    let sent = b
        .send_message(group, "If Alice does 5h work, I'll do 3h", "offer")
        .await?;
    let mut last = None;
    for socket in [&mut a, &mut b, &mut c] {
        assert_eq!(socket.next_message().await?, sent);
        let restated = expect_kind(socket, MessageKind::Commitment).await?;
        assert_eq!(
            restated.content,
            "bob committed: 3 hours of work if alice does ≥ 5 hours of work"
        );
        assert!(restated.meta["commitment_id"].is_i64());
        assert_eq!(restated.reply_to, Some(sent.id));
        socket.expect_no_frame(Duration::from_millis(200)).await?;
        last = Some(restated);
    }
    let last = last.ok_or_else(|| anyhow::anyhow!("no socket"))?;
    next_is_later_message(&server, &alice, &last, &mut [&mut a, &mut b, &mut c]).await?;
    server.shutdown().await
}

/// When alice answers bob's offer with her own, both become bound, and every member
/// receives one liability message naming both, 0 -> 5 and 0 -> 3.
#[tokio::test]
async fn matching_offer_binds_both_and_is_announced() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let ([alice, bob, _], group, [mut a, mut b, mut c]) = household(&server).await?;
    b.send_message(group, "If Alice does 5h work, I'll do 3h", "offer")
        .await?;
    for socket in [&mut a, &mut b, &mut c] {
        expect_kind(socket, MessageKind::User).await?;
        expect_kind(socket, MessageKind::Commitment).await?;
    }
    let sent = a
        .send_message(group, "I'll do 5h of work if Bob does 3h", "answer")
        .await?;
    for socket in [&mut a, &mut b, &mut c] {
        assert_eq!(socket.next_message().await?, sent);
        expect_kind(socket, MessageKind::Commitment).await?;
        let announced = expect_kind(socket, MessageKind::Liability).await?;
        assert_eq!(
            named_changes(&announced)?,
            vec![("alice".into(), 0.0, 5.0), ("bob".into(), 0.0, 3.0)]
        );
        assert!(
            announced.content.contains("alice: work 0 → 5 hours"),
            "{}",
            announced.content
        );
        assert!(!announced.private);
    }
    assert_eq!(
        liable_users(&server, &alice, group).await?,
        vec![alice.id(), bob.id()]
    );
    server.shutdown().await
}

/// Only current members' commitments bind: when bob, bound by a matching offer, is
/// removed from the group, the liabilities his commitment made binding are announced as
/// gone to those who remain.
#[tokio::test]
async fn removing_a_bound_member_is_announced() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let ([alice, bob, _], group, [mut a, mut b, mut c]) = household(&server).await?;
    b.send_message(group, "If Alice does 5h work, I'll do 3h", "offer")
        .await?;
    // detection runs after delivery: the offer's commitment first, then the answer
    for socket in [&mut a, &mut b, &mut c] {
        expect_kind(socket, MessageKind::User).await?;
        expect_kind(socket, MessageKind::Commitment).await?;
    }
    a.send_message(group, "I'll do 5h of work if Bob does 3h", "answer")
        .await?;
    for socket in [&mut a, &mut b, &mut c] {
        for kind in [
            MessageKind::User,
            MessageKind::Commitment,
            MessageKind::Liability,
        ] {
            expect_kind(socket, kind).await?;
        }
    }
    let (status, _) = server
        .request(
            Method::DELETE,
            &format!("/api/groups/{group}/members/{}", bob.id()),
            Some(&alice.token),
            None,
        )
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for socket in [&mut a, &mut c] {
        let announced = expect_kind(socket, MessageKind::Liability).await?;
        assert_eq!(
            named_changes(&announced)?,
            vec![("alice".into(), 5.0, 0.0), ("bob".into(), 3.0, 0.0)]
        );
    }
    assert!(liable_users(&server, &alice, group).await?.is_empty());
    server.shutdown().await
}

/// A liability message's changes as (username, old, new), in username order.
fn named_changes(announced: &Message) -> anyhow::Result<Vec<(String, f64, f64)>> {
    let changes: Vec<LiabilityChange> = serde_json::from_value(announced.meta["changes"].clone())?;
    let mut named: Vec<(String, f64, f64)> = changes
        .iter()
        .map(|c| (c.user.username.clone(), c.old, c.new))
        .collect();
    named.sort_by(|x, y| x.0.cmp(&y.0));
    Ok(named)
}

/// The users the group's current liabilities name, in username order.
async fn liable_users(
    server: &TestServer,
    viewer: &TestUser,
    group: quid_shared::Id,
) -> anyhow::Result<Vec<quid_shared::Id>> {
    let list: quid_shared::LiabilityList = server
        .expect(
            reqwest::Method::GET,
            &format!("/api/groups/{group}/liabilities"),
            Some(&viewer.token),
            None,
            reqwest::StatusCode::OK,
        )
        .await?;
    Ok(list.liabilities.iter().map(|l| l.user.id).collect())
}

/// The group's commitments as `user` lists them.
async fn commitments(
    server: &TestServer,
    user: &TestUser,
    group: quid_shared::Id,
) -> anyhow::Result<CommitmentList> {
    server
        .expect(
            Method::GET,
            &format!("/api/groups/{group}/commitments"),
            Some(&user.token),
            None,
            StatusCode::OK,
        )
        .await
}

/// Commitments are public, so a private message is never read as one: what alice
/// promises bob privately reaches nobody else in any form, and binds nobody.
#[tokio::test]
async fn a_private_message_is_never_a_commitment() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let ([alice, bob, carol], group, [mut a, mut b, mut c]) = household(&server).await?;
    a.send_frame(&ClientFrame::Send {
        group,
        content: "I will do 10 hours of secret tax work".into(),
        client_id: "dm".into(),
        reply_to: None,
        to: Some("bob".into()),
    })
    .await?;
    let secret = a.wait_ack("dm").await?;
    assert!(secret.private);
    assert_eq!(a.next_message().await?, secret);
    assert_eq!(b.next_message().await?, secret);
    let public = a.send_message(group, "hello all", "after").await?;
    for socket in [&mut a, &mut b, &mut c] {
        assert_eq!(socket.next_message().await?, public, "nothing in between");
        socket.expect_no_frame(Duration::from_millis(200)).await?;
    }
    next_is_later_message(&server, &alice, &public, &mut [&mut a, &mut b, &mut c]).await?;
    for user in [&alice, &bob, &carol] {
        let list = commitments(&server, user, group).await?;
        assert!(list.commitments.is_empty(), "{list:?}");
    }
    server.shutdown().await
}

/// Bob's vague offer gets a question only bob receives (carol's socket sees nothing of
/// it); his reply is stored privately and completes the commitment everyone then sees,
/// without the reply's own words.
#[tokio::test]
async fn clarification_is_private_and_the_reply_completes_it() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let ([alice, bob, carol], group, [mut a, mut b, mut c]) = household(&server).await?;
    let vague = b
        .send_message(group, "I'll do some work if Alice does 5h", "vague")
        .await?;
    assert_eq!(b.next_message().await?, vague);
    let question = expect_kind(&mut b, MessageKind::ClarificationRequest).await?;
    assert!(question.private);
    assert_eq!(question.target, Some(bob.id()));
    assert!(
        question.content.starts_with("How much work will you do?"),
        "{}",
        question.content
    );

    let reply = b.send_message(group, "3 hours", "reply").await?;
    assert_eq!(reply.kind, MessageKind::ClarificationResponse);
    assert!(reply.private);
    assert_eq!(reply.target, Some(bob.id()));
    assert_eq!(b.next_message().await?, reply);
    let done = expect_kind(&mut b, MessageKind::Commitment).await?;
    assert_eq!(
        done.content,
        "bob committed: 3 hours of work if alice does ≥ 5 hours of work"
    );

    for other in [&mut a, &mut c] {
        assert_eq!(other.next_message().await?, vague);
        assert_eq!(other.next_message().await?, done);
        other.expect_no_frame(Duration::from_millis(200)).await?;
    }
    next_is_later_message(&server, &alice, &done, &mut [&mut a, &mut c]).await?;
    let list = commitments(&server, &carol, group).await?;
    let [recorded] = &list.commitments[..] else {
        anyhow::bail!("one commitment expected: {list:?}");
    };
    assert_eq!(
        recorded.source_text, None,
        "the private reply's words stay private"
    );
    server.shutdown().await
}

/// "I withdraw my commitment" revokes it, says so, and the liabilities it made binding are
/// announced once as gone.
#[tokio::test]
async fn withdrawal_in_chat_revokes_and_announces() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let ([alice, ..], group, [mut a, _b, mut c]) = household(&server).await?;
    a.send_message(group, "I will do 10 hours of work", "promise")
        .await?;
    for kind in [
        MessageKind::User,
        MessageKind::Commitment,
        MessageKind::Liability,
    ] {
        expect_kind(&mut a, kind).await?;
        expect_kind(&mut c, kind).await?;
    }
    a.send_message(group, "I withdraw my commitment", "withdraw")
        .await?;
    expect_kind(&mut c, MessageKind::User).await?;
    let withdrawn = expect_kind(&mut c, MessageKind::Commitment).await?;
    assert_eq!(
        withdrawn.content,
        "alice withdrew: 10 hours of work, unconditionally"
    );
    let gone = expect_kind(&mut c, MessageKind::Liability).await?;
    assert!(
        gone.content.contains("alice: work 10 → 0 hours"),
        "{}",
        gone.content
    );
    c.expect_no_frame(Duration::from_millis(200)).await?;
    next_is_later_message(&server, &alice, &gone, &mut [&mut c]).await?;
    server.shutdown().await
}

/// An open question survives a restart: the reply sent afterwards is still read as its
/// answer and completes the commitment.
#[tokio::test]
async fn open_question_survives_a_restart() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let ([_, bob, _], group, sockets) = household(&server).await?;
    let [_, mut b, _] = sockets;
    b.send_message(group, "I'll do some work if Alice does 5h", "vague")
        .await?;
    expect_kind(&mut b, MessageKind::User).await?;
    let question = expect_kind(&mut b, MessageKind::ClarificationRequest).await?;
    drop(b);

    let server = server.restart().await?;
    let mut b = server.connect(&bob).await?;
    b.join(group, Some(question.seq)).await?;
    let reply = b.send_message(group, "3 hours", "reply").await?;
    assert_eq!(reply.kind, MessageKind::ClarificationResponse);
    assert_eq!(b.next_message().await?, reply);
    let done = expect_kind(&mut b, MessageKind::Commitment).await?;
    assert_eq!(
        done.content,
        "bob committed: 3 hours of work if alice does ≥ 5 hours of work"
    );
    server.shutdown().await
}
