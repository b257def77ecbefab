//! Private messages reach their target and author only — live, in history and in replay.

use std::time::Duration;

use quid_shared::{ClientFrame, MessagePage};
use quid_tests::TestServer;
use reqwest::{Method, StatusCode};

/// A private message is delivered live, listed in history and replayed to target and
/// author only; the third member sees only the public messages.
#[tokio::test]
async fn private_message_seen_by_target_and_author_only() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let carol = server.register("carol").await?;
    let group = server.group(&alice, "Three", &[&bob, &carol]).await?;
    let mut a = server.connect(&alice).await?;
    let mut b = server.connect(&bob).await?;
    let mut c = server.connect(&carol).await?;
    for client in [&mut a, &mut b, &mut c] {
        client.join(group.id, None).await?;
    }

    let public = a.send_message(group.id, "hello all", "p1").await?;
    a.send_frame(&ClientFrame::Send {
        group: group.id,
        content: "just for bob".into(),
        client_id: "s1".into(),
        reply_to: None,
        to: Some("bob".into()),
    })
    .await?;
    let secret = a.wait_ack("s1").await?;
    assert!(secret.private);
    assert_eq!(secret.target, Some(bob.id()));
    let after = a.send_message(group.id, "hello again", "p2").await?;

    // live
    assert_eq!(a.next_message().await?, public);
    assert_eq!(a.next_message().await?, secret);
    assert_eq!(a.next_message().await?, after);
    assert_eq!(b.next_message().await?, public);
    assert_eq!(b.next_message().await?, secret);
    assert_eq!(b.next_message().await?, after);
    assert_eq!(c.next_message().await?, public);
    assert_eq!(c.next_message().await?, after);
    c.expect_no_frame(Duration::from_millis(200)).await?;

    // history
    let history = format!("/api/groups/{}/messages", group.id);
    for (user, expected) in [
        (&alice, vec![1, 2, 3]),
        (&bob, vec![1, 2, 3]),
        (&carol, vec![1, 3]),
    ] {
        let page: MessagePage = server
            .expect(
                Method::GET,
                &history,
                Some(&user.token),
                None,
                StatusCode::OK,
            )
            .await?;
        let seqs: Vec<i64> = page.messages.iter().map(|m| m.seq).collect();
        assert_eq!(seqs, expected, "history of {}", user.name());
    }

    // replay
    for (user, expected) in [
        (&alice, vec![1, 2, 3]),
        (&bob, vec![1, 2, 3]),
        (&carol, vec![1, 3]),
    ] {
        let mut client = server.connect(user).await?;
        let (replay, head) = client.join(group.id, Some(0)).await?;
        let seqs: Vec<i64> = replay.iter().map(|m| m.seq).collect();
        assert_eq!(seqs, expected, "replay of {}", user.name());
        assert_eq!(head, 3);
    }

    // `to` must name a member
    a.send_frame(&ClientFrame::Send {
        group: group.id,
        content: "to nobody".into(),
        client_id: "s2".into(),
        reply_to: None,
        to: Some("nobody".into()),
    })
    .await?;
    let err = a.wait_ack("s2").await.unwrap_err();
    assert!(err.to_string().contains("not a member"), "{err}");
    server.shutdown().await
}
