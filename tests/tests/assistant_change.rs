//! Changing a commitment over real HTTP and sockets: its author replaces its terms (same
//! id, a new version), the old version stays in its history, and the group hears one
//! commitment message and one liability message; nobody else may change it. Which reader
//! made each commitment is in its `meta`.

use quid_shared::{Commitment, CommitmentHistory, MessageKind};
use quid_tests::{TestServer, WsClient};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn next_of_kind(
    socket: &mut WsClient,
    kind: MessageKind,
) -> anyhow::Result<quid_shared::Message> {
    let message = socket.next_message().await?;
    anyhow::ensure!(message.kind == kind, "expected {kind:?}, got {message:?}");
    Ok(message)
}

/// A change keeps the id, bumps the version, keeps the old terms in the history, and is
/// announced once: "alice changed cN: … (was: …)", then the liability change.
#[tokio::test]
async fn a_change_is_a_new_version_announced_once() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "team", &[&bob]).await?.id;
    let mut socket = server.connect(&bob).await?;
    socket.join(group, None).await?;
    let created: Commitment = server
        .expect(
            Method::POST,
            &format!("/api/groups/{group}/commitments"),
            Some(&alice.token),
            Some(json!({"promises": [{"action": "work", "unit": "hours", "base": 3.0}]})),
            StatusCode::CREATED,
        )
        .await?;
    assert_eq!(created.meta["reader"], "api");
    next_of_kind(&mut socket, MessageKind::Commitment).await?;
    next_of_kind(&mut socket, MessageKind::Liability).await?;

    let path = format!("/api/commitments/{}", created.id);
    let four = json!({"promises": [{"action": "work", "unit": "hours", "base": 4.0}]});
    let (status, _) = server
        .request(Method::PUT, &path, Some(&bob.token), Some(four.clone()))
        .await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the creator changes it");
    let changed: Commitment = server
        .expect(
            Method::PUT,
            &path,
            Some(&alice.token),
            Some(four),
            StatusCode::OK,
        )
        .await?;
    assert_eq!((changed.id, changed.version), (created.id, 2));
    assert_eq!(changed.summary, "4 hours of work, unconditionally");

    let said = next_of_kind(&mut socket, MessageKind::Commitment).await?;
    assert_eq!(
        said.content,
        format!(
            "alice changed c{}: 4 hours of work, unconditionally (was: 3 hours of work, \
             unconditionally)",
            created.id
        )
    );
    assert_eq!(said.meta["changed"], true);
    let announced = next_of_kind(&mut socket, MessageKind::Liability).await?;
    assert!(
        announced.content.contains("alice: work 3 → 4 hours"),
        "{}",
        announced.content
    );

    let history: CommitmentHistory = server
        .expect(
            Method::GET,
            &format!("{path}/history"),
            Some(&bob.token),
            None,
            StatusCode::OK,
        )
        .await?;
    let versions: Vec<(u32, &str, bool)> = history
        .versions
        .iter()
        .map(|v| (v.version, v.summary.as_str(), v.replaced_at.is_some()))
        .collect();
    assert_eq!(
        versions,
        vec![
            (1, "3 hours of work, unconditionally", true),
            (2, "4 hours of work, unconditionally", false)
        ]
    );
    server.shutdown().await
}

/// Invalid new terms are refused with the reason and change nothing; a revoked commitment
/// cannot be changed; outsiders see neither the commitment nor its history.
#[tokio::test]
async fn changes_are_checked() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let outsider = server.register("dave").await?;
    let group = server.group(&alice, "team", &[]).await?.id;
    let created: Commitment = server
        .expect(
            Method::POST,
            &format!("/api/groups/{group}/commitments"),
            Some(&alice.token),
            Some(json!({"promises": [{"action": "work", "unit": "hours", "base": 3.0}]})),
            StatusCode::CREATED,
        )
        .await?;
    let path = format!("/api/commitments/{}", created.id);
    let (status, body) = server
        .request(
            Method::PUT,
            &path,
            Some(&alice.token),
            Some(json!({"promises": []})),
        )
        .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    for (method, route) in [
        (Method::GET, format!("{path}/history")),
        (Method::PUT, path.clone()),
    ] {
        let body = json!({"promises": [{"action": "work", "unit": "hours", "base": 1.0}]});
        let (status, _) = server
            .request(method, &route, Some(&outsider.token), Some(body))
            .await?;
        assert_eq!(status, StatusCode::NOT_FOUND, "{route}");
    }
    server
        .request(Method::DELETE, &path, Some(&alice.token), None)
        .await?;
    let (status, _) = server
        .request(
            Method::PUT,
            &path,
            Some(&alice.token),
            Some(json!({"promises": [{"action": "work", "unit": "hours", "base": 1.0}]})),
        )
        .await?;
    assert_eq!(status, StatusCode::CONFLICT);
    let history: CommitmentHistory = server
        .expect(
            Method::GET,
            &format!("{path}/history"),
            Some(&alice.token),
            None,
            StatusCode::OK,
        )
        .await?;
    assert_eq!(history.versions.len(), 1);
    server.shutdown().await
}

/// A commitment read from chat notes the rule-based reader in its `meta`; a withdrawal
/// message says so in its `meta` (`revoked`), so clients can show it differently.
#[tokio::test]
async fn readers_and_withdrawals_are_marked() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let group = server.group(&alice, "team", &[]).await?.id;
    let mut socket = server.connect(&alice).await?;
    socket.join(group, None).await?;
    socket
        .send_message(group, "I'll do 2 hours of cooking", "offer")
        .await?;
    next_of_kind(&mut socket, MessageKind::User).await?;
    let made = next_of_kind(&mut socket, MessageKind::Commitment).await?;
    let id = made.meta["commitment_id"].as_i64().unwrap_or_default();
    next_of_kind(&mut socket, MessageKind::Liability).await?;
    let listed: quid_shared::CommitmentList = server
        .expect(
            Method::GET,
            &format!("/api/groups/{group}/commitments"),
            Some(&alice.token),
            None,
            StatusCode::OK,
        )
        .await?;
    assert_eq!(listed.commitments[0].id, id);
    assert_eq!(listed.commitments[0].meta["reader"], "rules");

    socket
        .send_message(group, &format!("I withdraw #{id}"), "withdraw")
        .await?;
    next_of_kind(&mut socket, MessageKind::User).await?;
    let withdrawn = next_of_kind(&mut socket, MessageKind::Commitment).await?;
    assert_eq!(withdrawn.meta["revoked"], true, "{withdrawn:?}");
    assert!(withdrawn.content.starts_with("alice withdrew"));
    server.shutdown().await
}

/// "change my cooking offer to 4 hours" in chat changes that commitment (one commitment
/// message, one liability message); "change my offer to 5 hours" with two offers asks
/// which, privately, and the answer changes the one picked.
#[tokio::test]
async fn changing_an_offer_in_chat() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "team", &[&bob]).await?.id;
    let mut socket = server.connect(&alice).await?;
    socket.join(group, None).await?;
    let mut ids = Vec::new();
    for (n, text) in ["I'll do 2 hours of cooking", "I'll do 3 hours of work"]
        .into_iter()
        .enumerate()
    {
        socket
            .send_message(group, text, &format!("offer-{n}"))
            .await?;
        next_of_kind(&mut socket, MessageKind::User).await?;
        let made = next_of_kind(&mut socket, MessageKind::Commitment).await?;
        ids.push(made.meta["commitment_id"].as_i64().unwrap_or_default());
        next_of_kind(&mut socket, MessageKind::Liability).await?;
    }
    let (cooking, work) = (ids[0], ids[1]);

    socket
        .send_message(group, "change my cooking offer to 4 hours", "change")
        .await?;
    next_of_kind(&mut socket, MessageKind::User).await?;
    let said = next_of_kind(&mut socket, MessageKind::Commitment).await?;
    assert_eq!(
        said.content,
        format!(
            "alice changed c{cooking}: 4 hours of cooking, unconditionally (was: 2 hours of \
             cooking, unconditionally)"
        )
    );
    let announced = next_of_kind(&mut socket, MessageKind::Liability).await?;
    assert!(
        announced.content.contains("cooking 2 → 4 hours"),
        "{}",
        announced.content
    );

    socket
        .send_message(group, "change my offer to 5 hours", "which")
        .await?;
    next_of_kind(&mut socket, MessageKind::User).await?;
    let question = next_of_kind(&mut socket, MessageKind::ClarificationRequest).await?;
    assert!(
        question
            .content
            .starts_with("Which commitment do you change to 5 hours?"),
        "{}",
        question.content
    );
    socket.send_message(group, "2", "answer").await?;
    next_of_kind(&mut socket, MessageKind::ClarificationResponse).await?;
    let said = next_of_kind(&mut socket, MessageKind::Commitment).await?;
    assert!(
        said.content
            .starts_with(&format!("alice changed c{work}: 5 hours of work")),
        "{}",
        said.content
    );
    let listed: quid_shared::CommitmentList = server
        .expect(
            Method::GET,
            &format!("/api/groups/{group}/commitments"),
            Some(&bob.token),
            None,
            StatusCode::OK,
        )
        .await?;
    let versions: Vec<(i64, u32)> = listed
        .commitments
        .iter()
        .map(|c| (c.id, c.version))
        .collect();
    assert_eq!(versions, vec![(cooking, 2), (work, 2)]);
    server.shutdown().await
}
