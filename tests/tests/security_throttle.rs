//! Login and registration throttling over real HTTP: guesses past the free ones are
//! answered 429 with `Retry-After` before any argon2 hash is computed, the owner still
//! gets in from an address they logged in from, an address is held back over all
//! accounts, `X-Forwarded-For` counts only from a trusted proxy, and registrations per
//! address are limited. (One test function: it reads process-wide metrics.)

use quid_shared::ErrorCode;
use quid_tests::{PASSWORD, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The owner's usual address, an attacker's, and one the owner never used.
const OWNER: &str = "198.51.100.1";
const ATTACKER: &str = "203.0.113.7";
const ELSEWHERE: &str = "192.0.2.44";

async fn login(
    server: &TestServer,
    from: &str,
    user: &str,
    password: &str,
) -> (StatusCode, Option<String>, Value) {
    let (status, headers, body) = server
        .request_with(
            Method::POST,
            "/api/auth/login",
            None,
            &[("x-forwarded-for", from)],
            Some(json!({"username": user, "password": password})),
        )
        .await
        .expect("login request");
    let retry = headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, retry, body)
}

/// Everything the throttle promises, in order.
#[tokio::test]
async fn throttling_holds_back_guessing_and_never_the_owner_for_long() -> anyhow::Result<()> {
    let server = TestServer::start_with(|c| {
        c.trusted_proxy = vec![[127, 0, 0, 1].into()];
        c.registrations_per_address = 3;
    })
    .await?;
    server.register("alice").await?;
    // the owner logs in from their usual address
    assert_eq!(
        login(&server, OWNER, "alice", PASSWORD).await.0,
        StatusCode::OK
    );

    // five wrong guesses are answered 401 …
    for _ in 0..5 {
        let (status, retry, _) = login(&server, ATTACKER, "alice", "wrong password").await;
        assert_eq!((status, retry), (StatusCode::UNAUTHORIZED, None));
    }
    // … then the account is held back, with no hash computed for the refused attempts
    let hashes = server.metric("quid_password_hashes_total").await?;
    let (status, retry, body) = login(&server, ATTACKER, "alice", "wrong password").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(retry.as_deref(), Some("1"));
    assert_eq!(body["error"]["code"], json!(ErrorCode::RateLimited));
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("this account")
    );
    // the right password from the attacker's address or a new one is held back too …
    assert_eq!(
        login(&server, ATTACKER, "alice", PASSWORD).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    let (status, retry, _) = login(&server, ELSEWHERE, "alice", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = retry.as_deref().unwrap_or("0").parse()?;
    assert!(
        (1..=300).contains(&wait),
        "the wait is bounded by 5 minutes: {wait}"
    );
    assert_eq!(server.metric("quid_password_hashes_total").await?, hashes);
    assert!(
        server
            .metric(r#"quid_login_attempts_total{outcome="throttled_account"}"#)
            .await?
            >= 3.0
    );
    // … but not from the owner's own address, and the owner's success lifts the hold
    assert_eq!(
        login(&server, OWNER, "alice", PASSWORD).await.0,
        StatusCode::OK
    );
    assert_eq!(
        login(&server, ELSEWHERE, "alice", PASSWORD).await.0,
        StatusCode::OK
    );

    // one address guessing at many accounts is held back over all of them
    let scanner = "203.0.113.99";
    for n in 0..20 {
        let (status, ..) = login(&server, scanner, &format!("nobody{n}"), "guess guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _, body) = login(&server, scanner, "alice", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("this address")
    );

    // registrations: three per address, then a wait
    for name in ["reg-one", "reg-two", "reg-three"] {
        let (status, ..) = server
            .request_with(
                Method::POST,
                "/api/auth/register",
                None,
                &[("x-forwarded-for", "192.0.2.200")],
                Some(json!({"username": name, "password": PASSWORD})),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (status, headers, _) = server
        .request_with(
            Method::POST,
            "/api/auth/register",
            None,
            &[("x-forwarded-for", "192.0.2.200")],
            Some(json!({"username": "reg-four", "password": PASSWORD})),
        )
        .await?;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(headers.get("retry-after").is_some());
    server.shutdown().await?;

    // without --trusted-proxy the header is ignored: every guess counts for the peer
    let direct = TestServer::start().await?;
    direct.register("bob").await?;
    for n in 0..5 {
        let from = format!("203.0.113.{n}");
        assert_eq!(
            login(&direct, &from, "bob", "wrong password").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        login(&direct, OWNER, "bob", PASSWORD).await.0,
        StatusCode::TOO_MANY_REQUESTS,
        "a made-up X-Forwarded-For must not escape the hold"
    );
    direct.shutdown().await
}
