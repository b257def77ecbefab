//! Access at the edges: an expired token opens no HTTP route, and a browser page of
//! another site cannot open a socket with the user's cookie (cross-site WebSocket
//! hijacking).

use std::time::Duration;

use quid_shared::{ErrorBody, ErrorCode, Group};
use quid_tests::{ALLOWED_ORIGIN, ClientOptions, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// A token past its lifetime (and the leeway every check allows) gets 401 on every
/// route that needs one, and none of those requests changes anything.
#[tokio::test]
async fn expired_tokens_get_401_over_http() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let bob = server.register("bob").await?;
    let group = server.group(&alice, "Expiry", &[&bob]).await?;
    let before = server.post(&alice, group.id, "before").await?;
    // tokens issued from now on live for no time at all (the ones above stay valid)
    let server = server
        .restart_with(|c| c.token_ttl = Duration::ZERO)
        .await?;
    let expiring = server.login("alice").await?.token;

    // accepted until its expiry plus the leeway; then refused
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let (status, body) = server
            .request(Method::GET, "/api/me", Some(&expiring), None)
            .await?;
        if status == StatusCode::UNAUTHORIZED {
            let body: ErrorBody = serde_json::from_value(body)?;
            assert_eq!(body.error.code, ErrorCode::Unauthorized);
            assert_eq!(body.error.message, "token expired");
            break;
        }
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(
            tokio::time::Instant::now() < deadline,
            "the token was never refused"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let g = group.id;
    let routes = [
        (Method::GET, "/api/groups".to_owned(), None),
        (
            Method::POST,
            "/api/groups".into(),
            Some(json!({"name": "new"})),
        ),
        (Method::GET, format!("/api/groups/{g}"), None),
        (Method::GET, format!("/api/groups/{g}/messages"), None),
        (
            Method::POST,
            "/api/messages".into(),
            Some(json!({"group_id": g, "content": "after expiry"})),
        ),
        (
            Method::DELETE,
            format!("/api/groups/{g}/members/{}", bob.id()),
            None,
        ),
        (Method::GET, format!("/api/groups/{g}/commitments"), None),
        (Method::GET, format!("/api/groups/{g}/liabilities"), None),
    ];
    for (method, path, body) in routes {
        let (status, answer) = server
            .request(method.clone(), &path, Some(&expiring), body)
            .await?;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{method} {path}: {answer}"
        );
        let answer: ErrorBody = serde_json::from_value(answer)?;
        assert_eq!(
            answer.error.code,
            ErrorCode::Unauthorized,
            "{method} {path}"
        );
    }

    // nothing changed: alice's first token, still valid, shows it
    assert_eq!(server.history(&alice, g).await?, vec![before]);
    let now: Group = server
        .expect(
            Method::GET,
            &format!("/api/groups/{g}"),
            Some(&alice.token),
            None,
            StatusCode::OK,
        )
        .await?;
    assert_eq!(now.members, group.members);
    let groups: quid_shared::GroupList = server
        .expect(
            Method::GET,
            "/api/groups",
            Some(&alice.token),
            None,
            StatusCode::OK,
        )
        .await?;
    assert_eq!(groups.groups.len(), 1);
    server.shutdown().await
}

/// A page of another site opening a socket to us carries the user's `token` cookie (the
/// browser adds it) and its own `Origin`: the upgrade is refused with 403 — for any
/// origin that is not allowed, near misses included. The same cookie opens a socket
/// without an `Origin` (not a browser) or from the allowed origin.
#[tokio::test]
async fn a_cookie_socket_from_a_foreign_origin_is_refused() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let group = server.group(&alice, "Cookies", &[]).await?;
    let cookie = server.login_cookie("alice").await?;
    let with_cookie = |origin: Option<&str>| ClientOptions {
        cookie: Some(cookie.clone()),
        origin: origin.map(str::to_owned),
        ..ClientOptions::default()
    };

    for origin in [
        "https://evil.example",
        "null",
        "https://allowed.example",
        "http://allowed.example.evil.example",
        "http://allowed.example:8080",
    ] {
        let refused = server.connect_with(with_cookie(Some(origin))).await;
        let err = refused.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("HTTP 403"), "{origin}: {err}");
    }

    for origin in [None, Some(ALLOWED_ORIGIN)] {
        let mut socket = server.connect_with(with_cookie(origin)).await?;
        socket.join(group.id, None).await?;
    }
    server.shutdown().await
}
