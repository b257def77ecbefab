//! The WebSocket upgrade: tokens from header, cookie or query; 401 without one; 403 for
//! a foreign origin.

use quid_tests::{ClientOptions, TestServer};

/// An upgrade without a valid token is refused with 401 and no socket.
#[tokio::test]
async fn unauthenticated_upgrade_is_refused() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let none = server.connect_with(ClientOptions::default()).await;
    let err = none.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("HTTP 401"), "{err}");
    let forged = server
        .connect_with(ClientOptions::bearer("not.a.token"))
        .await;
    let err = forged.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("HTTP 401"), "{err}");
    server.shutdown().await
}

/// An upgrade from an origin that is not allowed is refused with 403, even with a valid
/// token; an allowed origin is accepted.
#[tokio::test]
async fn cross_origin_upgrade_is_refused() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let foreign = server
        .connect_with(ClientOptions {
            origin: Some("https://evil.example".into()),
            ..ClientOptions::bearer(&alice.token)
        })
        .await;
    let err = foreign.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("HTTP 403"), "{err}");
    let allowed = server
        .connect_with(ClientOptions {
            origin: Some("http://allowed.example".into()),
            ..ClientOptions::bearer(&alice.token)
        })
        .await;
    assert!(allowed.is_ok());
    server.shutdown().await
}

/// The token is also accepted from the `token` cookie and the `?token=` query.
#[tokio::test]
async fn token_from_cookie_or_query() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let alice = server.register("alice").await?;
    let group = server.group(&alice, "Ways in", &[]).await?;
    let mut by_cookie = server
        .connect_with(ClientOptions {
            cookie: Some(alice.token.clone()),
            ..ClientOptions::default()
        })
        .await?;
    by_cookie.join(group.id, None).await?;
    let mut by_query = server
        .connect_with(ClientOptions {
            query: Some(alice.token.clone()),
            ..ClientOptions::default()
        })
        .await?;
    by_query.join(group.id, None).await?;
    server.shutdown().await
}
