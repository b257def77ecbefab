//! Bad input on the socket: malformed, unknown and incomplete frames get an `error` and
//! the connection stays open; oversized frames close with 1009, binary with 1003.

use quid_shared::{ErrorCode, ServerFrame, close_code, limits::MAX_FRAME_BYTES};
use quid_tests::TestServer;

fn error_of(frame: ServerFrame) -> (ErrorCode, String, Option<String>) {
    match frame {
        ServerFrame::Error {
            code,
            message,
            reference,
        } => (code, message, reference),
        other => panic!("expected an error frame, got {other:?}"),
    }
}

/// Malformed JSON, an unknown type, a missing field and too-long content each get an
/// error naming the problem; the same connection then still works.
#[tokio::test]
async fn malformed_frames_get_errors_and_connection_stays_open() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let group = server.group(&alice, "Noise", &[]).await?;
    let mut a = server.connect(&alice).await?;

    a.send_text("{this is not json").await?;
    let (code, message, _) = error_of(a.next_frame().await?);
    assert_eq!(code, ErrorCode::BadRequest);
    assert!(message.contains("malformed JSON"), "{message}");

    a.send_text(r#"{"type":"shout","group":"x"}"#).await?;
    let (_, message, reference) = error_of(a.next_frame().await?);
    assert!(message.contains("unknown variant `shout`"), "{message}");
    assert_eq!(reference.as_deref(), Some("shout"));

    a.send_text(r#"{"type":"send","content":"hi","client_id":"k1"}"#)
        .await?;
    let (_, message, reference) = error_of(a.next_frame().await?);
    assert!(message.contains("missing field `group`"), "{message}");
    assert_eq!(reference.as_deref(), Some("k1"));

    let long = "x".repeat(5001);
    let frame =
        serde_json::json!({"type": "send", "group": group.id, "content": long, "client_id": "k2"});
    a.send_text(&frame.to_string()).await?;
    let (code, message, reference) = error_of(a.next_frame().await?);
    assert_eq!(code, ErrorCode::TooLarge);
    assert!(message.contains("5000"), "{message}");
    assert_eq!(reference.as_deref(), Some("k2"));

    a.join(group.id, None).await?;
    let sent = a.send_message(group.id, "still here", "k3").await?;
    assert_eq!(sent.seq, 1);
    server.shutdown().await
}

/// A frame over 64 KiB closes the connection with 1009.
#[tokio::test]
async fn oversized_frame_closes_with_1009() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let mut a = server.connect(&alice).await?;
    a.send_text(&"x".repeat(MAX_FRAME_BYTES + 1)).await?;
    assert_eq!(a.expect_close().await?, Some(close_code::TOO_BIG));
    server.shutdown().await
}

/// A binary frame closes the connection with 1003.
#[tokio::test]
async fn binary_frame_closes_with_1003() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let mut a = server.connect(&alice).await?;
    a.send_binary(vec![1, 2, 3]).await?;
    assert_eq!(a.expect_close().await?, Some(close_code::UNSUPPORTED));
    server.shutdown().await
}

/// Content holding U+0000 (which PostgreSQL's text cannot store) is refused by name on
/// either engine, without costing anyone else's message: bob's, sent at the same time,
/// is stored and delivered.
#[tokio::test]
async fn nul_in_content_is_refused_and_harms_no_one() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "Nul", &[&bob]).await?;
    let mut a = server.connect(&alice).await?;
    let mut b = server.connect(&bob).await?;
    b.join(group.id, None).await?;
    let nul = serde_json::json!({
        "type": "send", "group": group.id, "content": "a\u{0}b", "client_id": "n1",
    });
    a.send_text(&nul.to_string()).await?;
    let sent = b.send_message(group.id, "still here", "b1").await?;
    let (code, message, reference) = error_of(a.next_frame().await?);
    assert_eq!(code, ErrorCode::BadRequest);
    assert!(message.contains("U+0000"), "{message}");
    assert_eq!(reference.as_deref(), Some("n1"));
    assert_eq!(server.history(&bob, group.id).await?, vec![sent]);
    server.shutdown().await
}
