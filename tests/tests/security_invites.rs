//! Invitations and roles over real HTTP: only admins make, list and revoke invitations;
//! a code lets anyone logged in join until it is used up, expires or is revoked, each
//! refused saying which; admins remove members and name admins, the creator stays.

use std::time::Duration;

use quid_shared::{Group, Invite, InviteList};
use quid_tests::{TestServer, TestUser};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn invite(
    server: &TestServer,
    by: &TestUser,
    group: &Group,
    body: Value,
) -> anyhow::Result<(StatusCode, Value)> {
    server
        .request(
            Method::POST,
            &format!("/api/groups/{}/invites", group.id),
            Some(&by.token),
            Some(body),
        )
        .await
}

async fn join(
    server: &TestServer,
    who: &TestUser,
    code: &str,
) -> anyhow::Result<(StatusCode, String)> {
    let (status, body) = server
        .request(
            Method::POST,
            "/api/invites/join",
            Some(&who.token),
            Some(json!({"code": code})),
        )
        .await?;
    Ok((
        status,
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    ))
}

/// A code with two uses lets two people in and refuses the third; only admins make and
/// list invitations, and the list never shows a code.
#[tokio::test]
async fn an_invitation_is_used_up() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let [carol, dave, erin] = [
        server.register("carol").await?,
        server.register("dave").await?,
        server.register("erin").await?,
    ];
    let group = server.group(&alice, "team", &[&bob]).await?;
    assert_eq!(group.admins, vec![alice.id()]);

    assert_eq!(
        invite(&server, &bob, &group, json!({})).await?.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        invite(&server, &carol, &group, json!({})).await?.0,
        StatusCode::FORBIDDEN
    );
    let (status, body) = invite(&server, &alice, &group, json!({"max_uses": 2})).await?;
    assert_eq!(status, StatusCode::CREATED);
    let made: Invite = serde_json::from_value(body)?;
    let code = made.code.clone().expect("the code is shown once");

    assert_eq!(join(&server, &carol, &code).await?.0, StatusCode::OK);
    assert_eq!(
        join(&server, &carol, &code).await?.0,
        StatusCode::CONFLICT,
        "already a member"
    );
    assert_eq!(join(&server, &dave, &code).await?.0, StatusCode::OK);
    let (status, message) = join(&server, &erin, &code).await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(message.contains("used up (2 of 2"), "{message}");
    let (status, message) = join(&server, &erin, "not-a-real-code").await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(message.contains("not valid"), "{message}");

    let shown: Group = server
        .expect(
            Method::GET,
            &format!("/api/groups/{}", group.id),
            Some(&carol.token),
            None,
            StatusCode::OK,
        )
        .await?;
    assert!(shown.members.iter().any(|m| m.id == dave.id()));
    let path = format!("/api/groups/{}/invites", group.id);
    assert_eq!(
        server
            .request(Method::GET, &path, Some(&carol.token), None)
            .await?
            .0,
        StatusCode::FORBIDDEN
    );
    let list: InviteList = server
        .expect(Method::GET, &path, Some(&alice.token), None, StatusCode::OK)
        .await?;
    assert_eq!(list.invites.len(), 1);
    assert_eq!(
        (list.invites[0].uses, list.invites[0].code.as_ref()),
        (2, None)
    );
    server.shutdown().await
}

/// A revoked code and an expired code are refused, each saying why; only admins revoke.
#[tokio::test]
async fn revoked_and_expired_invitations_are_refused() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let carol = server.register("carol").await?;
    let group = server.group(&alice, "team", &[&bob]).await?;

    let made: Invite = serde_json::from_value(invite(&server, &alice, &group, json!({})).await?.1)?;
    let path = format!("/api/groups/{}/invites/{}", group.id, made.id);
    assert_eq!(
        server
            .request(Method::DELETE, &path, Some(&bob.token), None)
            .await?
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        server
            .request(Method::DELETE, &path, Some(&alice.token), None)
            .await?
            .0,
        StatusCode::NO_CONTENT
    );
    let (status, message) = join(&server, &carol, made.code.as_deref().unwrap_or_default()).await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(message.contains("revoked"), "{message}");

    let short: Invite = serde_json::from_value(
        invite(&server, &alice, &group, json!({"expires_in": 1}))
            .await?
            .1,
    )?;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (status, message) =
        join(&server, &carol, short.code.as_deref().unwrap_or_default()).await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(message.contains("expired"), "{message}");

    for bad in [
        json!({"expires_in": 0}),
        json!({"max_uses": 0}),
        json!({"expires_in": 400 * 86_400}),
    ] {
        assert_eq!(
            invite(&server, &alice, &group, bad).await?.0,
            StatusCode::BAD_REQUEST
        );
    }
    server.shutdown().await
}

/// Members cannot remove others; the creator names an admin, who can remove members but
/// not the creator; only the creator takes the admin role back or removes an admin.
#[tokio::test]
async fn admins_remove_members_and_the_creator_stays() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let carol = server.register("carol").await?;
    let dave = server.register("dave").await?;
    let group = server.group(&alice, "team", &[&bob, &carol, &dave]).await?;
    let member = |who: &TestUser| format!("/api/groups/{}/members/{}", group.id, who.id());
    let role = |who: &TestUser| format!("/api/groups/{}/members/{}/role", group.id, who.id());

    assert_eq!(
        server
            .request(Method::DELETE, &member(&carol), Some(&bob.token), None)
            .await?
            .0,
        StatusCode::FORBIDDEN
    );
    let admin = json!({"role": "admin"});
    assert_eq!(
        server
            .request(
                Method::PUT,
                &role(&bob),
                Some(&carol.token),
                Some(admin.clone())
            )
            .await?
            .0,
        StatusCode::FORBIDDEN
    );
    let updated: Group = server
        .expect(
            Method::PUT,
            &role(&bob),
            Some(&alice.token),
            Some(admin.clone()),
            StatusCode::OK,
        )
        .await?;
    assert!(updated.admins.contains(&bob.id()));

    assert_eq!(
        server
            .request(Method::DELETE, &member(&carol), Some(&bob.token), None)
            .await?
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        server
            .request(Method::DELETE, &member(&alice), Some(&bob.token), None)
            .await?
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        server
            .request(
                Method::PUT,
                &role(&alice),
                Some(&bob.token),
                Some(json!({"role": "member"}))
            )
            .await?
            .0,
        StatusCode::FORBIDDEN
    );
    // bob makes dave an admin; bob cannot take it back or remove him; alice can
    server
        .expect::<Group>(
            Method::PUT,
            &role(&dave),
            Some(&bob.token),
            Some(admin),
            StatusCode::OK,
        )
        .await?;
    assert_eq!(
        server
            .request(
                Method::PUT,
                &role(&dave),
                Some(&bob.token),
                Some(json!({"role": "member"}))
            )
            .await?
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        server
            .request(Method::DELETE, &member(&dave), Some(&bob.token), None)
            .await?
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        server
            .request(Method::DELETE, &member(&dave), Some(&alice.token), None)
            .await?
            .0,
        StatusCode::NO_CONTENT
    );
    // the removed member is out
    assert_eq!(
        server
            .request(
                Method::GET,
                &format!("/api/groups/{}", group.id),
                Some(&carol.token),
                None
            )
            .await?
            .0,
        StatusCode::FORBIDDEN
    );
    server.shutdown().await
}
