//! The HTTP side of `GET /ws`: refuse a page of another site (403), a missing/invalid
//! token or one whose session has ended (401) or a connection beyond `--max-connections` (503) without upgrading,
//! otherwise answer 101 and start the session on the upgraded connection.

use std::sync::Arc;

use http::{HeaderMap, Request, StatusCode, header};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use quid_shared::ErrorCode;
use tokio::net::{TcpStream, UnixStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;
use warp::reply::Response;

use crate::auth::token_from_request;
use crate::http::error::error_response;
use crate::metrics::{DropReason, count_drop};
use crate::state::AppState;

use super::duplex::Duplex;
use super::outbox::Outbox;
use super::raw::RawSocket;
use super::session::Session;

/// Answers an upgrade request; on success the session runs as a tracked task.
pub async fn upgrade(state: Arc<AppState>, mut request: Request<Incoming>) -> Response {
    if !state.origin_allowed(request.headers()) {
        count_drop(DropReason::Origin);
        return error_response(ErrorCode::Forbidden, "origin not allowed");
    }
    let token = token_from_request(request.headers(), request.uri().query());
    let checked = match token {
        Some(token) => Some(state.authenticate(token).await),
        None => None,
    };
    let (user, ended) = match checked {
        Some(Ok(caller)) => caller,
        Some(Err(e)) => {
            count_drop(DropReason::Auth);
            return error_response(ErrorCode::Unauthorized, &e.to_string());
        }
        None => {
            count_drop(DropReason::Auth);
            return error_response(
                ErrorCode::Unauthorized,
                "a token is required (Authorization: Bearer, token cookie or ?token=)",
            );
        }
    };
    let Some(slot) = state.connection_slot() else {
        count_drop(DropReason::Capacity);
        return error_response(
            ErrorCode::Unavailable,
            "the server is at its connection limit; try again later",
        );
    };
    let Some(key) = websocket_key(request.method(), request.headers()) else {
        return error_response(
            ErrorCode::BadRequest,
            "expected a WebSocket upgrade (GET with Upgrade: websocket, version 13)",
        );
    };
    let accept = derive_accept_key(key.as_bytes());
    let on_upgrade = hyper::upgrade::on(&mut request);
    let session_state = Arc::clone(&state);
    state.tasks.spawn(async move {
        // the place is given back when the session (or a failed upgrade) ends
        let _slot = slot;
        match on_upgrade.await {
            Ok(upgraded) => {
                let (raw, read_buf) = match upgraded.downcast::<TokioIo<TcpStream>>() {
                    Ok(parts) => (RawSocket::Tcp(parts.io.into_inner()), parts.read_buf),
                    Err(upgraded) => match upgraded.downcast::<TokioIo<UnixStream>>() {
                        Ok(parts) => (RawSocket::Unix(parts.io.into_inner()), parts.read_buf),
                        Err(_) => {
                            tracing::error!("upgraded connection is not a socket we know");
                            return;
                        }
                    },
                };
                let outbox = Arc::new(Outbox::new(
                    raw,
                    session_state.config.outgoing_queue,
                    Arc::clone(&session_state.conn_metrics),
                ));
                let socket = WebSocketStream::from_raw_socket(
                    Duplex::new(Arc::clone(&outbox), read_buf),
                    Role::Server,
                    Some(super::socket_config()),
                )
                .await;
                Session::new(session_state, user, ended, socket, outbox)
                    .run()
                    .await;
            }
            Err(e) => tracing::debug!(error = %e, "upgrade failed"),
        }
    });
    let mut response = Response::new(Default::default());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(
        header::CONNECTION,
        http::HeaderValue::from_static("upgrade"),
    );
    headers.insert(header::UPGRADE, http::HeaderValue::from_static("websocket"));
    if let Ok(value) = http::HeaderValue::from_str(&accept) {
        headers.insert(header::SEC_WEBSOCKET_ACCEPT, value);
    }
    response
}

/// The client's `Sec-WebSocket-Key` if this is a well-formed upgrade request.
fn websocket_key<'a>(method: &http::Method, headers: &'a HeaderMap) -> Option<&'a str> {
    let has_token = |name: header::HeaderName, token: &str| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    };
    let version_ok = headers
        .get(header::SEC_WEBSOCKET_VERSION)
        .is_some_and(|v| v == "13");
    if method != http::Method::GET
        || !has_token(header::UPGRADE, "websocket")
        || !has_token(header::CONNECTION, "upgrade")
        || !version_ok
    {
        return None;
    }
    headers
        .get(header::SEC_WEBSOCKET_KEY)
        .and_then(|k| k.to_str().ok())
}
