//! The WebSocket connection manager: one task that keeps a connection to the server alive,
//! rejoins every group with `since` after each reconnect, resends unacknowledged messages,
//! and reports every change of connection state — so callers see a stream of messages in
//! which nothing is missing and nothing appears twice.
//!
//! Callers talk to it through a [`WsHandle`] (commands in) and a channel of [`WsEvent`]s
//! (events out); no state is shared.

mod backoff;
mod cursor;
mod session;

use std::fmt;
use std::time::Duration;

use quid_shared::{ClientFrame, ErrorCode, Group, Id, MemberChange, Message, UserRef};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

pub use cursor::Cursors;
use session::{SessionEnd, connect};

/// The connection as it truly is right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnState {
    /// Opening the connection.
    Connecting,
    /// Connected and authenticated.
    Connected,
    /// Lost; the next attempt starts in `in_secs` seconds. `reason` says what went wrong.
    Reconnecting { in_secs: u64, reason: String },
    /// Given up (e.g. the token was refused); nothing more will happen.
    Offline { reason: String },
}

impl fmt::Display for ConnState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnState::Connecting => write!(f, "connecting"),
            ConnState::Connected => write!(f, "connected"),
            ConnState::Reconnecting { in_secs, reason } => {
                write!(f, "reconnecting in {in_secs}s ({reason})")
            }
            ConnState::Offline { reason } => write!(f, "offline ({reason})"),
        }
    }
}

/// What the connection manager reports.
#[derive(Debug, Clone, PartialEq)]
pub enum WsEvent {
    /// The connection state changed.
    State(ConnState),
    /// A message not delivered before (live, replayed, or our own acknowledged one).
    Message(Message),
    /// A join's replay is complete; `head` is the group's latest seq.
    Joined { group: Id, head: i64 },
    /// The server confirmed a `send`.
    Acked { client_id: String },
    /// The server ended the subscription to `group` unasked: the user is no longer a
    /// member (removed, or left from elsewhere). The group is not rejoined. A `left` that
    /// answers our own [`WsCommand::Leave`] is not reported.
    Removed { group: Id },
    /// The members of `group` connected now.
    Presence { group: Id, online: Vec<Id> },
    /// Member `user` of `group` came online or went offline.
    Status { group: Id, user: Id, online: bool },
    /// `user` is typing in `group` (to me alone when `private`).
    Typing {
        group: Id,
        user: UserRef,
        private: bool,
    },
    /// I read `group` up to `seq` on another device.
    Read { group: Id, seq: i64 },
    /// I was added to `group`.
    Added { group: Box<Group> },
    /// The members of `group` changed.
    Member {
        group: Id,
        change: MemberChange,
        user: UserRef,
        by: Option<UserRef>,
    },
    /// The server refused a frame; `reference` is the client_id or frame type.
    Error {
        code: ErrorCode,
        message: String,
        reference: Option<String>,
    },
}

/// What callers ask of the connection manager.
#[derive(Debug, Clone, PartialEq)]
pub enum WsCommand {
    /// Subscribe to a group (kept across reconnects). `since` as in the `join` frame.
    Join { group: Id, since: Option<i64> },
    /// Unsubscribe.
    Leave { group: Id },
    /// Send a frame now if connected (typing, read positions); dropped when not.
    Once(ClientFrame),
    /// Try to connect now instead of waiting out the backoff.
    Reconnect,
    /// Send a message; resent with the same `client_id` until acknowledged.
    Send {
        group: Id,
        content: String,
        client_id: String,
        to: Option<String>,
    },
}

/// The caller's side of a running connection manager. Dropping it stops the task.
#[derive(Debug)]
pub struct WsHandle {
    commands: mpsc::UnboundedSender<WsCommand>,
    cancel: CancellationToken,
}

impl WsHandle {
    /// Queues a command; it is carried out as soon as the connection allows.
    pub fn command(&self, command: WsCommand) {
        // The task only ends when cancelled, and then nothing needs doing anyway.
        let _ = self.commands.send(command);
    }
}

impl Drop for WsHandle {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Starts the connection manager for `server` (an `http(s)://` base URL) and `token`.
/// Events go to `events`, converted into the caller's own event type.
pub fn spawn<E>(server: &str, token: &str, events: mpsc::UnboundedSender<E>) -> WsHandle
where
    E: From<WsEvent> + Send + 'static,
{
    let (commands, rx) = mpsc::unbounded_channel();
    let cancel = CancellationToken::new();
    let manager = Manager {
        url: ws_url(server),
        token: token.to_owned(),
        commands: rx,
        events: Box::new(move |event| events.send(E::from(event)).is_ok()),
        cursors: Cursors::default(),
        pending: Vec::new(),
        cancel: cancel.clone(),
    };
    tokio::spawn(manager.run());
    WsHandle { commands, cancel }
}

/// `http://host/x` -> `ws://host/x/ws`, `https` -> `wss`.
pub fn ws_url(server: &str) -> String {
    let base = server.trim_end_matches('/');
    let base = if let Some(rest) = base.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = base.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        base.to_owned()
    };
    format!("{base}/ws")
}

type Emit = Box<dyn Fn(WsEvent) -> bool + Send>;

/// The state the manager task owns.
struct Manager {
    url: String,
    token: String,
    commands: mpsc::UnboundedReceiver<WsCommand>,
    events: Emit,
    cursors: Cursors,
    /// Sends not yet acknowledged, in order.
    pending: Vec<WsCommand>,
    cancel: CancellationToken,
}

impl Manager {
    async fn run(mut self) {
        let mut attempt: u32 = 0;
        loop {
            self.emit(WsEvent::State(ConnState::Connecting));
            let end = tokio::select! {
                _ = self.cancel.cancelled() => return,
                connected = connect(&self.url, &self.token) => match connected {
                    Ok(stream) => {
                        attempt = 0;
                        self.emit(WsEvent::State(ConnState::Connected));
                        session::run(&mut self, stream).await
                    }
                    Err(end) => end,
                },
            };
            let reason = match end {
                SessionEnd::Cancelled | SessionEnd::CallerGone => return,
                SessionEnd::Fatal(reason) => {
                    self.emit(WsEvent::State(ConnState::Offline { reason }));
                    self.cancel.cancelled().await;
                    return;
                }
                SessionEnd::Lost(reason) => reason,
            };
            attempt = attempt.saturating_add(1);
            // a server that is down costs nothing to ask: asked every few seconds
            let delay = if reason == session::UNREACHABLE {
                backoff::delay_down(attempt)
            } else {
                backoff::delay(attempt)
            };
            if !self.wait_before_retry(delay, &reason).await {
                return;
            }
        }
    }

    /// Counts down to the next attempt, reporting each second and still taking commands.
    /// Returns `false` when the manager should stop.
    async fn wait_before_retry(&mut self, delay: Duration, reason: &str) -> bool {
        let deadline = Instant::now() + delay;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return true;
            }
            let in_secs = remaining.as_secs_f64().ceil() as u64;
            let state = ConnState::Reconnecting {
                in_secs,
                reason: reason.to_owned(),
            };
            if !self.emit(WsEvent::State(state)) {
                return false;
            }
            // Sleep until the number shown changes (or the deadline).
            let step = remaining.saturating_sub(Duration::from_secs(in_secs.saturating_sub(1)));
            let wake = Instant::now() + step.max(Duration::from_millis(1));
            loop {
                tokio::select! {
                    _ = self.cancel.cancelled() => return false,
                    _ = tokio::time::sleep_until(wake) => break,
                    command = self.commands.recv() => match command {
                        Some(WsCommand::Reconnect) => return true,
                        Some(command) => self.record(command),
                        None => return false,
                    },
                }
            }
        }
    }

    /// Applies a command to the state kept across connections (subscriptions and unacked
    /// sends), so that it survives reconnects.
    fn record(&mut self, command: WsCommand) {
        match &command {
            WsCommand::Join { group, since } => self.cursors.subscribe(*group, *since),
            WsCommand::Leave { group } => self.cursors.unsubscribe(*group),
            WsCommand::Send { .. } => self.pending.push(command),
            WsCommand::Once(_) | WsCommand::Reconnect => {}
        }
    }

    fn emit(&self, event: WsEvent) -> bool {
        (self.events)(event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// HTTP base URLs map to the WebSocket endpoint.
    #[test]
    fn ws_urls() {
        assert_eq!(ws_url("http://127.0.0.1:3001"), "ws://127.0.0.1:3001/ws");
        assert_eq!(ws_url("https://q.example/"), "wss://q.example/ws");
    }
}
