//! TLS from the server binary itself: with `--tls-cert` / `--tls-key` (a certificate made
//! in the test by a private authority) it serves HTTPS and WSS on one port, marks the
//! cookie `Secure`, refuses plain HTTP, and a client that does not trust the authority
//! cannot connect. Sessions and close codes work the same over TLS.

use futures_util::{SinkExt, StreamExt};
use quid_shared::{AuthResponse, ClientFrame, ServerFrame, close_code};
use quid_tests::tls::TestCa;
use quid_tests::{PASSWORD, TestServer, WAIT};
use reqwest::StatusCode;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::{Connector, connect_async_tls_with_config};

/// HTTPS and WSS work end to end for a client that trusts the authority; the cookie is
/// `Secure`; logging out closes the WSS socket with 4001.
#[tokio::test]
async fn https_and_wss_from_the_same_port() -> anyhow::Result<()> {
    let ca = TestCa::new()?;
    let server = TestServer::start_with(|c| {
        c.tls_cert = Some(ca.cert_path());
        c.tls_key = Some(ca.key_path());
    })
    .await?;
    let base = format!("https://localhost:{}", server.addr().port());
    let http = reqwest::Client::builder()
        .use_preconfigured_tls((*ca.client_config()?).clone())
        .timeout(WAIT)
        .build()?;
    let health = http.get(format!("{base}/health")).send().await?;
    assert_eq!(health.status(), StatusCode::OK);
    let registered = http
        .post(format!("{base}/api/auth/register"))
        .json(&json!({"username": "alice", "password": PASSWORD}))
        .send()
        .await?;
    assert_eq!(registered.status(), StatusCode::CREATED);
    let cookie = registered
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        cookie.contains("; Secure"),
        "the cookie must be Secure under TLS"
    );
    let auth: AuthResponse = registered.json().await?;
    let group: quid_shared::Group = http
        .post(format!("{base}/api/groups"))
        .bearer_auth(&auth.token)
        .json(&json!({"name": "team"}))
        .send()
        .await?
        .json()
        .await?;

    let mut request =
        format!("wss://localhost:{}/ws", server.addr().port()).into_client_request()?;
    request.headers_mut().insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {}", auth.token))?,
    );
    let connector = Connector::Rustls(ca.client_config()?);
    let (mut socket, _) = tokio::time::timeout(
        WAIT,
        connect_async_tls_with_config(request, None, false, Some(connector)),
    )
    .await??;
    let send =
        |frame: &ClientFrame| WsMessage::text(serde_json::to_string(frame).unwrap_or_default());
    socket
        .send(send(&ClientFrame::Join {
            group: group.id,
            since: None,
        }))
        .await?;
    socket
        .send(send(&ClientFrame::Send {
            group: group.id,
            content: "over TLS".into(),
            client_id: "tls-1".into(),
            reply_to: None,
            to: None,
        }))
        .await?;
    let mut acked = false;
    while !acked {
        let next = tokio::time::timeout(WAIT, socket.next()).await?;
        if let Some(Ok(WsMessage::Text(text))) = next {
            if let Ok(ServerFrame::Ack { message, .. }) = serde_json::from_str::<ServerFrame>(&text)
            {
                assert_eq!(message.content, "over TLS");
                acked = true;
            }
        } else {
            anyhow::bail!("the socket ended before the ack: {next:?}");
        }
    }
    let logout = http
        .post(format!("{base}/api/auth/logout"))
        .bearer_auth(&auth.token)
        .send()
        .await?;
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    let code = loop {
        match tokio::time::timeout(WAIT, socket.next()).await? {
            Some(Ok(WsMessage::Close(frame))) => break frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => continue,
            other => anyhow::bail!("no close frame: {other:?}"),
        }
    };
    assert_eq!(code, Some(close_code::UNAUTHORIZED));
    server.shutdown().await
}

/// Plain HTTP to the TLS port gets no answer, and a client that does not trust the
/// authority cannot connect.
#[tokio::test]
async fn plain_http_and_untrusted_clients_are_refused() -> anyhow::Result<()> {
    let ca = TestCa::new()?;
    let server = TestServer::start_with(|c| {
        c.tls_cert = Some(ca.cert_path());
        c.tls_key = Some(ca.key_path());
    })
    .await?;
    let plain = reqwest::Client::builder().timeout(WAIT).build()?;
    assert!(plain.get(server.url("/health")).send().await.is_err());
    let untrusting = reqwest::Client::builder().timeout(WAIT).build()?;
    let https = format!("https://localhost:{}/health", server.addr().port());
    let refused = untrusting.get(&https).send().await;
    assert!(
        refused.is_err(),
        "a certificate of an unknown authority must be refused"
    );
    server.shutdown().await
}

/// A key that does not belong to the certificate stops the start with a clear error.
#[tokio::test]
async fn a_mismatched_key_is_a_clear_start_error() -> anyhow::Result<()> {
    let ca = TestCa::new()?;
    let other = TestCa::new()?;
    let failed = TestServer::start_with(|c| {
        c.tls_cert = Some(ca.cert_path());
        c.tls_key = Some(other.key_path());
    })
    .await;
    let message = format!(
        "{:#}",
        failed.err().ok_or_else(|| anyhow::anyhow!("it started"))?
    );
    assert!(message.contains("do not go together"), "{message}");
    Ok(())
}
