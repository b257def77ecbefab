//! The commitment endpoints: structured create (validated), list, revoke (creator only),
//! and liabilities with the commitments that make each binding; members only.

use quid_shared::{Commitment, CommitmentList, CommitmentStatus, LiabilityList};
use quid_tests::TestServer;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// A structured commitment is created, listed, binds its creator (with `because`), and
/// once revoked by its creator binds nobody.
#[tokio::test]
async fn create_list_liabilities_revoke() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "Work", &[&bob]).await?;
    let commitments = format!("/api/groups/{}/commitments", group.id);
    let liabilities = format!("/api/groups/{}/liabilities", group.id);
    let body = json!({"promises": [{"action": "Work", "unit": "hrs", "base": 10.0}]});
    let created: Commitment = server
        .expect(
            Method::POST,
            &commitments,
            Some(&alice.token),
            Some(body),
            StatusCode::CREATED,
        )
        .await?;
    assert_eq!(created.summary, "10 hours of work, unconditionally");
    assert_eq!(created.creator.id, alice.id());

    let list: CommitmentList = server
        .expect(
            Method::GET,
            &commitments,
            Some(&bob.token),
            None,
            StatusCode::OK,
        )
        .await?;
    assert_eq!(list.commitments, vec![created.clone()]);
    let bound: LiabilityList = server
        .expect(
            Method::GET,
            &liabilities,
            Some(&bob.token),
            None,
            StatusCode::OK,
        )
        .await?;
    assert_eq!(bound.liabilities.len(), 1);
    assert_eq!(
        (
            bound.liabilities[0].amount,
            bound.liabilities[0].because.clone()
        ),
        (10.0, vec![created.id])
    );

    let revoke = format!("/api/commitments/{}", created.id);
    let (status, _) = server
        .request(Method::DELETE, &revoke, Some(&bob.token), None)
        .await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the creator revokes");
    let revoked: Commitment = server
        .expect(
            Method::DELETE,
            &revoke,
            Some(&alice.token),
            None,
            StatusCode::OK,
        )
        .await?;
    assert_eq!(revoked.status, CommitmentStatus::Revoked);
    let (status, _) = server
        .request(Method::DELETE, &revoke, Some(&alice.token), None)
        .await?;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = server
        .request(
            Method::DELETE,
            "/api/commitments/999",
            Some(&alice.token),
            None,
        )
        .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let bound: LiabilityList = server
        .expect(
            Method::GET,
            &liabilities,
            Some(&alice.token),
            None,
            StatusCode::OK,
        )
        .await?;
    assert!(bound.liabilities.is_empty());
    server.shutdown().await
}

/// Invalid commitments are refused with a message saying what is wrong; outsiders get 403
/// and unknown groups 404.
#[tokio::test]
async fn validation_and_membership() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let outsider = server.register("dave").await?;
    let group = server.group(&alice, "Work", &[&bob]).await?;
    let commitments = format!("/api/groups/{}/commitments", group.id);
    let uncapped = json!({"promises": [
        {"action": "work", "unit": "hours", "base": 1.0, "rate": 0.5, "ref_user": bob.id()}
    ]});
    let (status, body) = server
        .request(
            Method::POST,
            &commitments,
            Some(&alice.token),
            Some(uncapped),
        )
        .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("up to"),
        "{body}"
    );
    let on_outsider = json!({
        "conditions": [{"user": outsider.id(), "action": "work", "min": 1.0, "unit": "hours"}],
        "promises": [{"action": "work", "unit": "hours", "base": 1.0}]
    });
    let (status, _) = server
        .request(
            Method::POST,
            &commitments,
            Some(&alice.token),
            Some(on_outsider),
        )
        .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = server
        .request(
            Method::POST,
            &commitments,
            Some(&alice.token),
            Some(json!({"promises": []})),
        )
        .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let valid = json!({"promises": [{"action": "work", "unit": "hours", "base": 1.0}]});
    let liabilities = format!("/api/groups/{}/liabilities", group.id);
    for (method, path, body) in [
        (Method::GET, &commitments, None),
        (Method::POST, &commitments, Some(valid.clone())),
        (Method::GET, &liabilities, None),
    ] {
        let (status, _) = server
            .request(method, path, Some(&outsider.token), body)
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    let missing = format!("/api/groups/{}/commitments", uuid::Uuid::new_v4());
    let (status, _) = server
        .request(Method::POST, &missing, Some(&alice.token), Some(valid))
        .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .request(Method::GET, &commitments, None, None)
        .await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    server.shutdown().await
}

/// Only a member can revoke: to an outsider a commitment of another group does not exist
/// (404, as for an unknown id), and a creator removed from the group can no longer speak
/// in it by revoking.
#[tokio::test]
async fn revoking_needs_membership() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let outsider = server.register("dave").await?;
    let group = server.group(&alice, "Work", &[&bob]).await?;
    let commitments = format!("/api/groups/{}/commitments", group.id);
    let offer = json!({"promises": [{"action": "work", "unit": "hours", "base": 2.0}]});
    let made: Commitment = server
        .expect(
            Method::POST,
            &commitments,
            Some(&bob.token),
            Some(offer),
            StatusCode::CREATED,
        )
        .await?;
    let revoke = format!("/api/commitments/{}", made.id);
    for path in [&revoke, &format!("/api/commitments/{}", made.id + 1000)] {
        let (status, _) = server
            .request(Method::DELETE, path, Some(&outsider.token), None)
            .await?;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (status, _) = server
        .request(
            Method::DELETE,
            &format!("/api/groups/{}/members/{}", group.id, bob.id()),
            Some(&alice.token),
            None,
        )
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = server
        .request(Method::DELETE, &revoke, Some(&bob.token), None)
        .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let list: CommitmentList = server
        .expect(
            Method::GET,
            &commitments,
            Some(&alice.token),
            None,
            StatusCode::OK,
        )
        .await?;
    assert_eq!(list.commitments[0].status, CommitmentStatus::Active);
    server.shutdown().await
}
