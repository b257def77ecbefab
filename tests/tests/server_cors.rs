//! CORS on the HTTP API: allowed origins get the headers (and preflights succeed), other
//! origins are refused with the JSON error shape.

use quid_shared::{ErrorBody, ErrorCode};
use quid_tests::TestServer;
use reqwest::StatusCode;

const ALLOWED: &str = "http://allowed.example";

/// A preflight and a request from an allowed origin get `Access-Control-Allow-Origin`.
#[tokio::test]
async fn allowed_origin_gets_cors_headers() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let client = reqwest::Client::new();
    let preflight = client
        .request(reqwest::Method::OPTIONS, server.url("/api/groups"))
        .header("origin", ALLOWED)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await?;
    assert_eq!(preflight.status(), StatusCode::OK);
    assert_eq!(
        preflight
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.as_bytes()),
        Some(ALLOWED.as_bytes())
    );
    let health = client
        .get(server.url("/health"))
        .header("origin", ALLOWED)
        .send()
        .await?;
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(
        health
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.as_bytes()),
        Some(ALLOWED.as_bytes())
    );
    // errors carry the headers too, so a web client can read them
    let missing = client
        .get(server.url("/api/me"))
        .header("origin", ALLOWED)
        .send()
        .await?;
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        missing
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.as_bytes()),
        Some(ALLOWED.as_bytes())
    );
    server.shutdown().await
}

/// A request from an origin that is not allowed is refused with 403 in the error shape.
#[tokio::test]
async fn foreign_origin_is_refused() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let response = reqwest::Client::new()
        .get(server.url("/health"))
        .header("origin", "https://evil.example")
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: ErrorBody = response.json().await?;
    assert_eq!(body.error.code, ErrorCode::Forbidden);
    server.shutdown().await
}
