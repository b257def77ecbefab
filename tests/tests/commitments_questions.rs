//! Offers as people write them, end to end over real sockets: a condition introduced by
//! "provided" is kept (never recorded as unconditional), and a pending clarification takes
//! only what reads as its answer — an ordinary message goes to the group and the question
//! stays open, a reply to the question answers it, a new offer replaces it, and a question
//! expires.

use std::time::Duration;

use quid_shared::{ClientFrame, CommitmentList, Id, Message, MessageKind, QuestionReply};
use quid_tests::{TestServer, TestUser, WsClient};
use reqwest::{Method, StatusCode};

/// Three members (kim, sam, yuri) in one group, each with a joined socket.
async fn group_of_three(server: &TestServer) -> anyhow::Result<([TestUser; 3], Id, [WsClient; 3])> {
    let kim = server.register("kim").await?;
    let sam = server.register("sam").await?;
    let yuri = server.register("yuri").await?;
    let group = server.group(&kim, "Flat", &[&sam, &yuri]).await?;
    let mut sockets = [
        server.connect(&kim).await?,
        server.connect(&sam).await?,
        server.connect(&yuri).await?,
    ];
    for socket in &mut sockets {
        socket.join(group.id, None).await?;
    }
    Ok(([kim, sam, yuri], group.id, sockets))
}

/// The next message, which must be of `kind`.
async fn expect_kind(socket: &mut WsClient, kind: MessageKind) -> anyhow::Result<Message> {
    let message = socket.next_message().await?;
    anyhow::ensure!(message.kind == kind, "expected {kind:?}, got {message:?}");
    Ok(message)
}

/// `user`'s open question in `group`, as the API shows it.
async fn open_question(
    server: &TestServer,
    user: &TestUser,
    group: Id,
) -> anyhow::Result<Option<quid_shared::OpenQuestion>> {
    let reply: QuestionReply = server
        .expect(
            Method::GET,
            &format!("/api/groups/{group}/question"),
            Some(&user.token),
            None,
            StatusCode::OK,
        )
        .await?;
    Ok(reply.question)
}

/// The group's commitments.
async fn commitments(
    server: &TestServer,
    user: &TestUser,
    group: Id,
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

/// "Provided Kim does 2 hours of cleaning, I will do 1 hour of cleaning" keeps its
/// condition: nobody is bound until kim offers her 2 hours, and then both are.
#[tokio::test]
async fn a_condition_after_provided_is_kept() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let (_, group, [mut k, mut s, mut y]) = group_of_three(&server).await?;
    s.send_message(
        group,
        "Provided Kim does 2 hours of cleaning, I will do 1 hour of cleaning",
        "offer",
    )
    .await?;
    for socket in [&mut k, &mut s, &mut y] {
        expect_kind(socket, MessageKind::User).await?;
        let restated = expect_kind(socket, MessageKind::Commitment).await?;
        assert_eq!(
            restated.content,
            "sam committed: 1 hour of cleaning if kim does ≥ 2 hours of cleaning"
        );
    }
    // nobody is bound yet: kim's own offer comes next, with no liability message before it
    k.send_message(group, "I'll do 2 hours of cleaning", "kim")
        .await?;
    for socket in [&mut k, &mut s, &mut y] {
        expect_kind(socket, MessageKind::User).await?;
        expect_kind(socket, MessageKind::Commitment).await?;
        let announced = expect_kind(socket, MessageKind::Liability).await?;
        assert!(
            announced.content.contains("kim: cleaning 0 → 2 hours")
                && announced.content.contains("sam: cleaning 0 → 1 hour"),
            "{}",
            announced.content
        );
    }
    server.shutdown().await
}

/// While sam's question is open, "anyone up for lunch?" is an ordinary message every
/// member sees, and the question stays open; "3 hours" then answers it privately.
#[tokio::test]
async fn chatter_during_a_question_goes_to_the_group() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let ([_, sam, yuri], group, [mut k, mut s, mut y]) = group_of_three(&server).await?;
    let vague = s
        .send_message(group, "I'll do some cleaning if Kim does 2 hours", "vague")
        .await?;
    assert_eq!(s.next_message().await?, vague);
    let question = expect_kind(&mut s, MessageKind::ClarificationRequest).await?;
    assert!(question.private && question.target == Some(sam.id()));
    let asked = open_question(&server, &sam, group).await?;
    let asked = asked.ok_or_else(|| anyhow::anyhow!("no open question"))?;
    assert_eq!(asked.text, question.content);
    assert_eq!(asked.message, Some(question.id));
    assert!(open_question(&server, &yuri, group).await?.is_none());

    let lunch = s
        .send_message(group, "anyone up for lunch?", "lunch")
        .await?;
    assert_eq!(lunch.kind, MessageKind::User);
    assert!(!lunch.private);
    for other in [&mut k, &mut y] {
        assert_eq!(other.next_message().await?, vague);
        assert_eq!(other.next_message().await?, lunch);
    }
    assert_eq!(s.next_message().await?, lunch);
    assert!(open_question(&server, &sam, group).await?.is_some());

    let answer = s.send_message(group, "3 hours", "answer").await?;
    assert_eq!(answer.kind, MessageKind::ClarificationResponse);
    assert!(answer.private);
    assert_eq!(s.next_message().await?, answer);
    let done = expect_kind(&mut s, MessageKind::Commitment).await?;
    assert_eq!(
        done.content,
        "sam committed: 3 hours of cleaning if kim does ≥ 2 hours of cleaning"
    );
    // the others see the commitment, never the private answer
    for other in [&mut k, &mut y] {
        assert_eq!(other.next_message().await?, done);
    }
    let marker = k.send_message(group, "ok", "marker").await?;
    for other in [&mut k, &mut y] {
        assert_eq!(other.next_message().await?, marker, "nothing in between");
    }
    assert!(open_question(&server, &sam, group).await?.is_none());
    server.shutdown().await
}

/// A reply to the question message answers it, whatever it says.
#[tokio::test]
async fn a_reply_to_the_question_answers_it() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let (_, group, [_, mut s, _]) = group_of_three(&server).await?;
    s.send_message(group, "If Yuri pays $10 I'll pay some too", "vague")
        .await?;
    expect_kind(&mut s, MessageKind::User).await?;
    let question = expect_kind(&mut s, MessageKind::ClarificationRequest).await?;
    s.send_frame(&ClientFrame::Send {
        group,
        content: "let's say $15 for the pizza".into(),
        client_id: "reply".into(),
        reply_to: Some(question.id),
        to: None,
    })
    .await?;
    let reply = s.wait_ack("reply").await?;
    assert_eq!(reply.kind, MessageKind::ClarificationResponse);
    server.shutdown().await
}

/// A new, complete offer while a question is open goes to the group, is recorded, and
/// replaces the question.
#[tokio::test]
async fn a_new_offer_replaces_the_question() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let ([kim, sam, _], group, [mut k, mut s, _]) = group_of_three(&server).await?;
    s.send_message(group, "I'll do some cooking if Kim does 2 hours", "vague")
        .await?;
    expect_kind(&mut s, MessageKind::User).await?;
    expect_kind(&mut s, MessageKind::ClarificationRequest).await?;
    let offer = s
        .send_message(
            group,
            "I'll do 2 hours of cooking if Yuri does 1 hour of cooking",
            "offer",
        )
        .await?;
    assert_eq!(offer.kind, MessageKind::User);
    assert_eq!(s.next_message().await?, offer);
    expect_kind(&mut s, MessageKind::Commitment).await?;
    assert!(open_question(&server, &sam, group).await?.is_none());
    k.wait_for(|frame| match frame {
        quid_shared::ServerFrame::NewMessage { message } if message.id == offer.id => Some(()),
        _ => None,
    })
    .await?;
    let list = commitments(&server, &kim, group).await?;
    assert_eq!(list.commitments.len(), 1);
    server.shutdown().await
}

/// With questions that expire at once, an answer-like message is an ordinary one.
#[tokio::test]
async fn an_expired_question_takes_nothing() -> anyhow::Result<()> {
    let server = TestServer::start_with(|config| config.question_ttl = Duration::ZERO).await?;
    let ([kim, sam, _], group, [_, mut s, _]) = group_of_three(&server).await?;
    s.send_message(group, "I'll do some work if Kim does 2 hours", "vague")
        .await?;
    expect_kind(&mut s, MessageKind::User).await?;
    expect_kind(&mut s, MessageKind::ClarificationRequest).await?;
    assert!(open_question(&server, &sam, group).await?.is_none());
    let late = s.send_message(group, "3 hours", "late").await?;
    assert_eq!(late.kind, MessageKind::User);
    assert!(!late.private);
    assert_eq!(s.next_message().await?, late);
    let list = commitments(&server, &kim, group).await?;
    assert!(list.commitments.is_empty(), "{list:?}");
    server.shutdown().await
}
