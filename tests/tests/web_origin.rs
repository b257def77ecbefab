//! The page at `/` and what keeps other sites from using its cookie, over real HTTP and
//! WebSocket: the embedded files with their types, ETags and CSP; state-changing requests
//! and socket upgrades that carry the cookie are refused when a page of another site made
//! them, accepted from the server's own origin, and unaffected with a bearer token.

use quid_shared::{ErrorBody, ErrorCode};
use quid_tests::{ClientOptions, TestServer, TestUser};
use reqwest::{Method, StatusCode};
use serde_json::json;

const EVIL: &str = "https://evil.example";

/// A server whose `CORS_ORIGIN` is empty: the default, where only its own page may use
/// the cookie.
async fn default_server() -> anyhow::Result<TestServer> {
    TestServer::start_with(|config| config.cors_origin.clear()).await
}

fn own_origin(server: &TestServer) -> String {
    format!("http://{}", server.addr())
}

/// `POST /api/groups` with the cookie and the given browser headers; the status.
async fn create_with_cookie(
    server: &TestServer,
    user: &TestUser,
    headers: &[(&str, &str)],
) -> anyhow::Result<StatusCode> {
    let mut request = reqwest::Client::new()
        .post(server.url("/api/groups"))
        .header("cookie", format!("token={}", user.token))
        // a fresh name each time: one creator's groups have different names
        .json(&json!({"name": format!("forged-{}", uuid::Uuid::new_v4().simple())}));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await?;
    let status = response.status();
    if status == StatusCode::FORBIDDEN {
        let body: ErrorBody = response.json().await?;
        assert_eq!(body.error.code, ErrorCode::Forbidden);
    }
    Ok(status)
}

/// `/` is the page, every file has its type, an ETag that answers 304, and the headers
/// that forbid inline script, framing and type sniffing; unknown paths stay API 404s.
#[tokio::test]
async fn the_page_is_served_with_strict_headers() -> anyhow::Result<()> {
    let server = default_server().await?;
    let client = reqwest::Client::new();
    let page = client.get(server.url("/")).send().await?;
    assert_eq!(page.status(), StatusCode::OK);
    let headers = page.headers().clone();
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    let csp = headers["content-security-policy"].to_str()?;
    assert!(csp.starts_with("default-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let html = page.text().await?;
    assert!(html.contains(r#"<script type="module" src="/js/main.js"></script>"#));

    let script = client.get(server.url("/js/main.js")).send().await?;
    assert_eq!(script.status(), StatusCode::OK);
    assert_eq!(
        script.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    let etag = script.headers()["etag"].clone();
    let again = client
        .get(server.url("/js/main.js"))
        .header("if-none-match", etag)
        .send()
        .await?;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await?.is_empty());
    let style = client.get(server.url("/style.css")).send().await?;
    assert_eq!(style.headers()["content-type"], "text/css; charset=utf-8");

    let (status, body) = server.request(Method::GET, "/nothing", None, None).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
    server.shutdown().await
}

/// A state-changing request with the cookie from another site's page is refused (by its
/// `Origin` or its `Sec-Fetch-Site`) and changes nothing; from the server's own page, or
/// from a non-browser client without those headers, it goes through. Login is guarded too
/// (so another site cannot log a visitor into its own account).
#[tokio::test]
async fn cross_site_requests_with_the_cookie_are_refused() -> anyhow::Result<()> {
    let server = default_server().await?;
    let alice = server.register("alice").await?;
    let own = own_origin(&server);
    for headers in [
        vec![("origin", EVIL)],
        vec![("origin", EVIL), ("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "cross-site")],
        vec![("origin", "null")],
        // a sibling site (another subdomain) is not our origin either
        vec![("origin", own.as_str()), ("sec-fetch-site", "same-site")],
    ] {
        let status = create_with_cookie(&server, &alice, &headers).await?;
        assert_eq!(status, StatusCode::FORBIDDEN, "{headers:?}");
    }
    let (_, groups) = server
        .request(Method::GET, "/api/groups", Some(&alice.token), None)
        .await?;
    assert_eq!(
        groups["groups"],
        json!([]),
        "a refused request created nothing"
    );

    for headers in [
        vec![("origin", own.as_str())],
        vec![("origin", own.as_str()), ("sec-fetch-site", "same-origin")],
        vec![],
    ] {
        let status = create_with_cookie(&server, &alice, &headers).await?;
        assert_eq!(status, StatusCode::CREATED, "{headers:?}");
    }

    let login = reqwest::Client::new()
        .post(server.url("/api/auth/login"))
        .header("origin", EVIL)
        .json(&json!({"username": "alice", "password": quid_tests::PASSWORD}))
        .send()
        .await?;
    assert_eq!(login.status(), StatusCode::FORBIDDEN);
    let body: ErrorBody = login.json().await?;
    assert!(body.error.message.contains("cross-site"), "{body:?}");
    server.shutdown().await
}

/// A bearer token is never sent by a browser on its own, so requests carrying one are
/// unaffected by the origin check; reading needs no check.
#[tokio::test]
async fn bearer_requests_and_reads_are_unaffected() -> anyhow::Result<()> {
    let server = default_server().await?;
    let alice = server.register("alice").await?;
    let client = reqwest::Client::new();
    let created = client
        .post(server.url("/api/groups"))
        .bearer_auth(&alice.token)
        .header("origin", EVIL)
        .json(&json!({"name": "scripted"}))
        .send()
        .await?;
    assert_eq!(created.status(), StatusCode::CREATED);
    let read = client
        .get(server.url("/api/groups"))
        .header("cookie", format!("token={}", alice.token))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await?;
    assert_eq!(read.status(), StatusCode::OK);
    server.shutdown().await
}

/// The socket opened with the cookie: the server's own origin is accepted by default,
/// another site (cross-site WebSocket hijacking) or a sibling site is refused with 403.
#[tokio::test]
async fn the_socket_accepts_only_the_own_origin_by_default() -> anyhow::Result<()> {
    let server = default_server().await?;
    let alice = server.register("alice").await?;
    let group = server.group(&alice, "Ours", &[]).await?;
    let with_cookie = |origin: &str| ClientOptions {
        cookie: Some(alice.token.clone()),
        origin: Some(origin.to_owned()),
        ..ClientOptions::default()
    };
    let mut own = server
        .connect_with(with_cookie(&own_origin(&server)))
        .await?;
    own.join(group.id, None).await?;
    for origin in [EVIL, "http://127.0.0.1:1", "null"] {
        let refused = server.connect_with(with_cookie(origin)).await;
        let error = refused.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("HTTP 403"), "{origin}: {error}");
    }
    server.shutdown().await
}

/// With `CORS_ORIGIN` set, the listed origin may use the cookie and the server's own page
/// still can (its requests are not cross-origin), while other sites are refused.
#[tokio::test]
async fn allowed_origins_add_to_the_own_origin() -> anyhow::Result<()> {
    let server = TestServer::start().await?; // allows http://allowed.example
    let alice = server.register("alice").await?;
    let own = own_origin(&server);
    let status = create_with_cookie(&server, &alice, &[("origin", &own)]).await?;
    assert_eq!(status, StatusCode::CREATED);
    let status =
        create_with_cookie(&server, &alice, &[("origin", "http://allowed.example")]).await?;
    assert_eq!(status, StatusCode::CREATED);
    let status = create_with_cookie(&server, &alice, &[("origin", EVIL)]).await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    server.shutdown().await
}

/// Logout answers 204 and clears the HttpOnly cookie, which the page cannot clear itself.
#[tokio::test]
async fn logout_clears_the_cookie() -> anyhow::Result<()> {
    let server = default_server().await?;
    let alice = server.register("alice").await?;
    let response = reqwest::Client::new()
        .post(server.url("/api/auth/logout"))
        .header("cookie", format!("token={}", alice.token))
        .header("origin", own_origin(&server))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let cookie = response.headers()["set-cookie"].to_str()?;
    assert!(cookie.starts_with("token=;"), "{cookie}");
    assert!(
        cookie.contains("Max-Age=0") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    server.shutdown().await
}
