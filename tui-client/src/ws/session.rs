//! One connected session: open the socket with the token, rejoin and resend, then pump
//! frames both ways until the connection ends, and say why it ended.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use quid_shared::{ClientFrame, Id, ServerFrame, close_code};
use tokio::net::TcpStream;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::http::header::AUTHORIZATION;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{self, Message as WsMessage};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::{Cursors, Manager, WsCommand, WsEvent};

type Stream = WebSocketStream<MaybeTlsStream<TcpStream>>;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How often we ping the server.
const PING_EVERY: Duration = Duration::from_secs(15);
/// Silence after which the connection is considered dead.
const IDLE_LIMIT: Duration = Duration::from_secs(45);

/// The reason given when nothing listens at the server's address.
pub(super) const UNREACHABLE: &str = "server unreachable";

/// Why a session (or an attempt to open one) ended.
pub(super) enum SessionEnd {
    /// The handle was dropped.
    Cancelled,
    /// The event receiver is gone: nobody listens any more.
    CallerGone,
    /// Retrying cannot help (e.g. the token is refused).
    Fatal(String),
    /// The connection dropped; retry later.
    Lost(String),
}

/// Opens the WebSocket with `Authorization: Bearer <token>`.
pub(super) async fn connect(url: &str, token: &str) -> Result<Stream, SessionEnd> {
    let mut request = url
        .into_client_request()
        .map_err(|e| SessionEnd::Fatal(format!("bad server URL {url}: {e}")))?;
    let bearer = HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|_| SessionEnd::Fatal("the token contains invalid characters".into()))?;
    request.headers_mut().insert(AUTHORIZATION, bearer);
    let tls = tokio_tungstenite::Connector::Rustls(crate::tls::client_config());
    let connecting =
        tokio_tungstenite::connect_async_tls_with_config(request, None, false, Some(tls));
    match tokio::time::timeout(CONNECT_TIMEOUT, connecting).await {
        Err(_) => Err(SessionEnd::Lost("connection timed out".into())),
        Ok(Ok((stream, _response))) => Ok(stream),
        Ok(Err(tungstenite::Error::Http(response))) => Err(match response.status().as_u16() {
            401 => SessionEnd::Fatal("the server refused the token; run `quid login`".into()),
            403 => SessionEnd::Fatal("the server refused the connection (forbidden)".into()),
            status => SessionEnd::Lost(format!("the server answered HTTP {status}")),
        }),
        Ok(Err(e)) => Err(SessionEnd::Lost(describe(&e))),
    }
}

/// Runs a connected session until it ends.
pub(super) async fn run(manager: &mut Manager, mut stream: Stream) -> SessionEnd {
    let mut opening: Vec<ClientFrame> = manager
        .cursors
        .joins()
        .into_iter()
        .map(|(group, since)| ClientFrame::Join { group, since })
        .collect();
    opening.extend(
        manager
            .pending
            .iter()
            .filter_map(|p| frame_for(p, &manager.cursors)),
    );
    for frame in opening {
        if let Err(end) = send(&mut stream, &frame).await {
            return end;
        }
    }
    let mut ping = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut last_heard = Instant::now();
    loop {
        tokio::select! {
            _ = manager.cancel.cancelled() => {
                let _ = stream.close(None).await;
                return SessionEnd::Cancelled;
            }
            command = manager.commands.recv() => {
                let Some(command) = command else { return SessionEnd::CallerGone };
                manager.record(command.clone());
                let frame = frame_for(&command, &manager.cursors);
                if let Some(frame) = frame
                    && let Err(end) = send(&mut stream, &frame).await
                {
                    return end;
                }
            }
            incoming = stream.next() => {
                last_heard = Instant::now();
                match incoming {
                    None => return SessionEnd::Lost("connection closed".into()),
                    Some(Err(e)) => return SessionEnd::Lost(describe(&e)),
                    Some(Ok(WsMessage::Text(text))) => {
                        if !handle_frame(manager, text.as_str()) {
                            return SessionEnd::CallerGone;
                        }
                    }
                    Some(Ok(WsMessage::Close(frame))) => return closed(frame),
                    Some(Ok(_)) => {}
                }
            }
            _ = ping.tick() => {
                if last_heard.elapsed() > IDLE_LIMIT {
                    return SessionEnd::Lost("the server stopped answering".into());
                }
                if let Err(end) = send(&mut stream, &ClientFrame::Ping { nonce: None }).await {
                    return end;
                }
            }
        }
    }
}

/// The frame a command puts on the wire.
/// A join asks for everything after the cursor, which may be further than the command's `since`.
fn frame_for(command: &WsCommand, cursors: &Cursors) -> Option<ClientFrame> {
    Some(match command.clone() {
        WsCommand::Join { group, .. } => ClientFrame::Join {
            group,
            since: cursors.since(group)?,
        },
        WsCommand::Leave { group } => ClientFrame::Leave { group },
        WsCommand::Once(frame) => frame,
        WsCommand::Reconnect => return None,
        WsCommand::Send {
            group,
            content,
            client_id,
            to,
        } => ClientFrame::Send {
            group,
            content,
            client_id,
            reply_to: None,
            to,
        },
    })
}

/// Handles one server frame; returns `false` when nobody listens any more.
fn handle_frame(manager: &mut Manager, text: &str) -> bool {
    let frame: ServerFrame = match serde_json::from_str(text) {
        Ok(frame) => frame,
        Err(e) => {
            tracing::warn!(error = %e, "ignoring a frame this client cannot read");
            return true;
        }
    };
    match frame {
        ServerFrame::NewMessage { message } => {
            !manager.cursors.accept_stream(&message) || manager.emit(WsEvent::Message(message))
        }
        ServerFrame::Ack { client_id, message } => {
            manager.pending.retain(|p| !is_send_with(p, &client_id));
            let listening =
                !manager.cursors.accept_ack(&message) || manager.emit(WsEvent::Message(message));
            listening && manager.emit(WsEvent::Acked { client_id })
        }
        ServerFrame::Joined { group, head } => {
            manager.cursors.joined(group, head);
            manager.emit(WsEvent::Joined { group, head })
        }
        ServerFrame::Left { group } => left(manager, group),
        ServerFrame::Presence { group, online } => {
            manager.emit(WsEvent::Presence { group, online })
        }
        ServerFrame::Status {
            group,
            user,
            online,
        } => manager.emit(WsEvent::Status {
            group,
            user,
            online,
        }),
        ServerFrame::Typing {
            group,
            user,
            private,
        } => manager.emit(WsEvent::Typing {
            group,
            user,
            private,
        }),
        ServerFrame::Read { group, seq } => manager.emit(WsEvent::Read { group, seq }),
        ServerFrame::Added { group } => manager.emit(WsEvent::Added {
            group: Box::new(group),
        }),
        ServerFrame::Member {
            group,
            change,
            user,
            by,
        } => manager.emit(WsEvent::Member {
            group,
            change,
            user,
            by,
        }),
        ServerFrame::Pong { .. } => true,
        ServerFrame::Error {
            code,
            message,
            reference,
        } => {
            if let Some(reference) = &reference {
                manager.pending.retain(|p| !is_send_with(p, reference));
            }
            manager.emit(WsEvent::Error {
                code,
                message,
                reference,
            })
        }
    }
}

/// `left {group}`: the answer to our own `leave` changes nothing (recording the `leave`
/// already stopped following the group); a `left` for a group still followed is the
/// server's own: the membership ended, so the group is forgotten (not rejoined) and the
/// caller told.
fn left(manager: &mut Manager, group: Id) -> bool {
    if !manager.cursors.contains(group) {
        return true;
    }
    manager.cursors.unsubscribe(group);
    manager.emit(WsEvent::Removed { group })
}

fn is_send_with(command: &WsCommand, id: &str) -> bool {
    matches!(command, WsCommand::Send { client_id, .. } if client_id == id)
}

async fn send(stream: &mut Stream, frame: &ClientFrame) -> Result<(), SessionEnd> {
    let text = serde_json::to_string(frame)
        .map_err(|e| SessionEnd::Fatal(format!("cannot encode a frame: {e}")))?;
    stream
        .send(WsMessage::text(text))
        .await
        .map_err(|e| SessionEnd::Lost(describe(&e)))
}

/// Why the server closed the socket, in words, and whether to retry.
fn closed(frame: Option<CloseFrame>) -> SessionEnd {
    let Some(frame) = frame else {
        return SessionEnd::Lost("the server closed the connection".into());
    };
    match u16::from(frame.code) {
        close_code::UNAUTHORIZED => {
            SessionEnd::Fatal("the session expired; run `quid login`".into())
        }
        close_code::GOING_AWAY => SessionEnd::Lost("the server is restarting".into()),
        close_code::SLOW_READER => SessionEnd::Lost("too slow to keep up; catching up".into()),
        close_code::FLOOD => SessionEnd::Lost("sending too fast".into()),
        close_code::IDLE_TIMEOUT => SessionEnd::Lost("idle timeout".into()),
        code if frame.reason.is_empty() => {
            SessionEnd::Lost(format!("closed by the server ({code})"))
        }
        code => SessionEnd::Lost(format!("closed by the server ({code}: {})", frame.reason)),
    }
}

fn describe(error: &tungstenite::Error) -> String {
    match error {
        tungstenite::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            UNREACHABLE.into()
        }
        tungstenite::Error::Io(io) => io.to_string(),
        tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => {
            "connection closed".into()
        }
        other => other.to_string(),
    }
}
