//! Accounts over HTTP: register, login, me; wrong credentials; the error shape.

use quid_shared::{AuthResponse, ErrorBody, ErrorCode, User};
use quid_tests::{PASSWORD, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// Register, login and `me` return the same account; login sets the token cookie.
#[tokio::test]
async fn register_login_me_round_trip() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    assert_eq!(alice.name(), "alice");

    let response = reqwest::Client::new()
        .post(server.url("/api/auth/login"))
        .json(&json!({"username": "alice", "password": PASSWORD}))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(cookie.starts_with("token="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let login: AuthResponse = response.json().await?;
    assert_eq!(login.user, alice.user);

    let me: User = server
        .expect(
            Method::GET,
            "/api/me",
            Some(&login.token),
            None,
            StatusCode::OK,
        )
        .await?;
    assert_eq!(me, alice.user);
    server.shutdown().await
}

/// A wrong password and an unknown user get the same 401 answer.
#[tokio::test]
async fn wrong_password_and_unknown_user_answer_alike() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    server.register("alice").await?;
    let wrong: ErrorBody = server
        .expect(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({"username": "alice", "password": "not the password"})),
            StatusCode::UNAUTHORIZED,
        )
        .await?;
    let unknown: ErrorBody = server
        .expect(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({"username": "nobody", "password": "not the password"})),
            StatusCode::UNAUTHORIZED,
        )
        .await?;
    assert_eq!(wrong.error.code, ErrorCode::Unauthorized);
    assert_eq!(wrong.error.message, unknown.error.message);
    // longer than any password registration accepts: the same answer
    let overlong: ErrorBody = server
        .expect(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({"username": "alice", "password": "x".repeat(60_000)})),
            StatusCode::UNAUTHORIZED,
        )
        .await?;
    assert_eq!(overlong.error.message, wrong.error.message);
    server.shutdown().await
}

/// Broken username rules are stated; a taken name is a conflict; `me` needs a token.
#[tokio::test]
async fn registration_rules_and_auth_required() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let bad: ErrorBody = server
        .expect(
            Method::POST,
            "/api/auth/register",
            None,
            Some(json!({"username": "Al", "password": PASSWORD})),
            StatusCode::BAD_REQUEST,
        )
        .await?;
    assert!(
        bad.error.message.contains("3 to 32"),
        "{}",
        bad.error.message
    );
    server.register("alice").await?;
    let taken: ErrorBody = server
        .expect(
            Method::POST,
            "/api/auth/register",
            None,
            Some(json!({"username": "alice", "password": PASSWORD})),
            StatusCode::CONFLICT,
        )
        .await?;
    assert_eq!(taken.error.code, ErrorCode::Conflict);
    let (status, _) = server.request(Method::GET, "/api/me", None, None).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = server
        .request(Method::GET, "/api/me", Some("garbage"), None)
        .await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    server.shutdown().await
}

/// Unknown routes and malformed JSON bodies get the JSON error shape.
#[tokio::test]
async fn errors_have_the_json_shape() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let missing: ErrorBody = server
        .expect(
            Method::GET,
            "/api/nothing-here",
            None,
            None,
            StatusCode::NOT_FOUND,
        )
        .await?;
    assert_eq!(missing.error.code, ErrorCode::NotFound);
    let response = reqwest::Client::new()
        .post(server.url("/api/auth/register"))
        .header("content-type", "application/json")
        .body("{\"username\": ")
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: ErrorBody = response.json().await?;
    assert!(
        body.error.message.contains("JSON"),
        "{}",
        body.error.message
    );
    let (status, health) = server.request(Method::GET, "/health", None, None).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(health["status"], "ok");
    server.shutdown().await
}
