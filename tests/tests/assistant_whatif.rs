//! What-if and why over real HTTP: an offer's effect before it is made (nothing stored,
//! nobody told), every liability explained as the chain of commitments that binds it, and
//! everything a member is bound to across their groups.

use std::time::Duration;

use quid_shared::{Commitment, CommitmentList, Id, LiabilityList, MyLiabilities, WhatIf};
use quid_tests::{TestServer, TestUser};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A structured commitment by `who` in `group`.
async fn commit(
    server: &TestServer,
    who: &TestUser,
    group: Id,
    body: Value,
) -> anyhow::Result<Commitment> {
    server
        .expect(
            Method::POST,
            &format!("/api/groups/{group}/commitments"),
            Some(&who.token),
            Some(body),
            StatusCode::CREATED,
        )
        .await
}

async fn whatif(
    server: &TestServer,
    who: &TestUser,
    group: Id,
    body: Value,
) -> anyhow::Result<WhatIf> {
    server
        .expect(
            Method::POST,
            &format!("/api/groups/{group}/whatif"),
            Some(&who.token),
            Some(body),
            StatusCode::OK,
        )
        .await
}

/// A conditional offer tried as text reads as the commitment the chat would record, and
/// shows the author bound after it, beside today's liabilities; nothing is stored and no
/// message is posted.
#[tokio::test]
async fn an_offer_tried_changes_nothing() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "team", &[&bob]).await?.id;
    let bobs = json!({"promises": [{"action": "work", "unit": "hours", "base": 5.0}]});
    commit(&server, &bob, group, bobs).await?;
    let mut socket = server.connect(&bob).await?;
    let (_, head) = socket.join(group, None).await?;

    let tried = whatif(
        &server,
        &alice,
        group,
        json!({"text": "If Bob does 5h of work, I'll do 3h"}),
    )
    .await?;
    assert_eq!(tried.commitments.len(), 1, "{tried:?}");
    assert_eq!(
        tried.commitments[0].summary,
        "3 hours of work if bob does ≥ 5 hours of work"
    );
    assert_eq!(tried.question, None);
    let amounts = |list: &[quid_shared::Liability]| {
        list.iter()
            .map(|l| (l.user.username.clone(), l.amount))
            .collect::<Vec<_>>()
    };
    assert_eq!(amounts(&tried.before), vec![("bob".into(), 5.0)]);
    assert_eq!(
        amounts(&tried.after),
        vec![("alice".into(), 3.0), ("bob".into(), 5.0)]
    );
    assert_eq!(tried.changes.len(), 1);
    assert_eq!(
        (tried.changes[0].old, tried.changes[0].new),
        (0.0, 3.0),
        "{:?}",
        tried.changes
    );
    let why = tried.after[0].why.clone().unwrap_or_default();
    assert!(
        why.contains("the offer tried") && why.contains("bob is bound to 5 hours of work"),
        "{why}"
    );

    // nothing was stored, and nobody heard of it
    let list: CommitmentList = server
        .expect(
            Method::GET,
            &format!("/api/groups/{group}/commitments"),
            Some(&alice.token),
            None,
            StatusCode::OK,
        )
        .await?;
    assert_eq!(list.commitments.len(), 1);
    socket.expect_no_frame(Duration::from_millis(300)).await?;
    let history = server.history(&alice, group).await?;
    assert_eq!(history.last().map(|m| m.seq), Some(head));
    server.shutdown().await
}

/// A structured commitment can be tried too; an offer the reader would ask about shows
/// the question and changes nothing; a withdrawal shows what it would free.
#[tokio::test]
async fn structured_questions_and_withdrawals() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "team", &[&bob]).await?.id;
    let mine = commit(
        &server,
        &alice,
        group,
        json!({"promises": [{"action": "cooking", "unit": "hours", "base": 2.0}]}),
    )
    .await?;

    let structured = json!({"commitment": {"promises": [
        {"action": "work", "unit": "hours", "base": 4.0}
    ]}});
    let tried = whatif(&server, &bob, group, structured).await?;
    assert_eq!(
        tried.commitments[0].summary,
        "4 hours of work, unconditionally"
    );
    assert_eq!(tried.after.len(), 2);

    let asked = whatif(
        &server,
        &bob,
        group,
        json!({"text": "I'll do 3h if Zed does 2h"}),
    )
    .await?;
    assert!(asked.commitments.is_empty());
    let question = asked.question.unwrap_or_default();
    assert!(question.contains("Zed"), "{question}");
    assert!(asked.changes.is_empty());

    let freed = whatif(
        &server,
        &alice,
        group,
        json!({"text": "I withdraw my commitment"}),
    )
    .await?;
    assert_eq!(freed.withdraws, Some(mine.id));
    assert!(freed.after.is_empty(), "{:?}", freed.after);
    assert_eq!((freed.changes[0].old, freed.changes[0].new), (2.0, 0.0));
    server.shutdown().await
}

/// Bad what-if requests are refused with a reason; outsiders get 403.
#[tokio::test]
async fn whatif_refuses_bad_requests() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let outsider = server.register("dave").await?;
    let group = server.group(&alice, "team", &[]).await?.id;
    let path = format!("/api/groups/{group}/whatif");
    let both = json!({"text": "I'll do 2h", "commitment": {"promises": []}});
    for body in [json!({}), both, json!({"text": "  "})] {
        let (status, answer) = server
            .request(Method::POST, &path, Some(&alice.token), Some(body))
            .await?;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        assert!(answer["error"]["message"].is_string());
    }
    let invalid = json!({"commitment": {"promises": [
        {"action": "work", "unit": "hours", "base": 1.0, "rate": 0.5}
    ]}});
    let (status, answer) = server
        .request(Method::POST, &path, Some(&alice.token), Some(invalid))
        .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    let (status, _) = server
        .request(
            Method::POST,
            &path,
            Some(&outsider.token),
            Some(json!({"text": "I'll do 2h"})),
        )
        .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    server.shutdown().await
}

/// Every liability says why it binds, down the chain; `GET /api/me/liabilities` gives
/// what the caller is bound to in each of their groups, and nothing of others.
#[tokio::test]
async fn why_and_across_groups() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let team = server.group(&alice, "team", &[&bob]).await?.id;
    let home = server.group(&alice, "home", &[]).await?.id;
    let bobs = commit(
        &server,
        &bob,
        team,
        json!({"promises": [{"action": "work", "unit": "hours", "base": 5.0}]}),
    )
    .await?;
    let conditional = json!({
        "conditions": [{"user": bob.id(), "action": "work", "min": 5.0, "unit": "hours"}],
        "promises": [{"action": "work", "unit": "hours", "base": 3.0}]
    });
    let alices = commit(&server, &alice, team, conditional).await?;
    commit(
        &server,
        &alice,
        home,
        json!({"promises": [{"action": "dishes", "unit": "times", "base": 2.0}]}),
    )
    .await?;

    let listed: LiabilityList = server
        .expect(
            Method::GET,
            &format!("/api/groups/{team}/liabilities"),
            Some(&bob.token),
            None,
            StatusCode::OK,
        )
        .await?;
    let why = listed.liabilities[0].why.clone().unwrap_or_default();
    assert_eq!(
        why,
        format!(
            "3 hours of work, because of c{} (alice: 3 hours of work if bob does ≥ 5 hours of \
             work), which holds because bob is bound to 5 hours of work by c{} (bob: 5 hours \
             of work, unconditionally)",
            alices.id, bobs.id
        )
    );

    let mine: MyLiabilities = server
        .expect(
            Method::GET,
            "/api/me/liabilities",
            Some(&alice.token),
            None,
            StatusCode::OK,
        )
        .await?;
    let mut seen: Vec<(String, String, f64)> = mine
        .groups
        .iter()
        .flat_map(|g| {
            g.liabilities
                .iter()
                .map(|l| (g.name.clone(), l.action.clone(), l.amount))
        })
        .collect();
    seen.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        seen,
        vec![
            ("home".into(), "dishes".into(), 2.0),
            ("team".into(), "work".into(), 3.0)
        ]
    );
    assert!(
        mine.groups
            .iter()
            .flat_map(|g| &g.liabilities)
            .all(|l| l.user.id == alice.id() && l.why.is_some())
    );
    let (status, _) = server
        .request(Method::GET, "/api/me/liabilities", None, None)
        .await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    server.shutdown().await
}
