//! The WebSocket upgrade: tokens from header, cookie or query; 401 without one; 403 for
//! a foreign origin; 503 beyond the connection limit.

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

/// Beyond `--max-connections` an upgrade is refused with 503; a closed connection gives
/// its place back.
#[tokio::test]
async fn connections_beyond_the_limit_are_refused() -> anyhow::Result<()> {
    let server = TestServer::start_with(|c| c.max_connections = 2).await?;
    let alice = server.register("alice").await?;
    let first = server.connect(&alice).await?;
    let _second = server.connect(&alice).await?;
    let third = server.connect(&alice).await;
    let err = third.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("HTTP 503"), "{err}");
    drop(first);
    // the server notices the close on its own time: retry until the place is back
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match server.connect(&alice).await {
            Ok(_) => break,
            Err(e) if tokio::time::Instant::now() < deadline => {
                assert!(e.to_string().contains("HTTP 503"), "{e}");
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            Err(e) => return Err(e),
        }
    }
    server.shutdown().await
}
