//! One WebSocket connection after the upgrade: a loop that `select!`s over the next
//! client frame, bytes left waiting in the outbox, pending acks, the ping timer, the
//! slow-reader signal, the end of the token's session and server shutdown. Published messages do not pass through this
//! task: the publisher writes them into the socket through the [`Outbox`].

use std::future::Future;
use std::num::NonZeroU32;
use std::pin::Pin;
use std::sync::Arc;

use futures_util::stream::FuturesUnordered;
use futures_util::{FutureExt, SinkExt, StreamExt};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use quid_shared::{ClientFrame, ErrorCode, ServerFrame};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Bytes, Error as WsError, Message, Utf8Bytes};
use tokio_util::sync::CancellationToken;

use super::ack::Ack;
use super::duplex::Duplex;
use super::end::{End, guard};
use super::frames;
use super::link::Link;
use super::live;
use super::outbox::{Outbox, Outgoing};
use crate::auth::AuthUser;
use crate::metrics::count_drop;
use crate::pipeline::{Change, ChangeRequest, Pipeline, PipelineError};
use crate::state::AppState;
use crate::store::{Draft, Recipient};

/// The upgraded socket as tungstenite reads it.
pub(super) type Socket = WebSocketStream<Duplex>;

type Reply = Pin<Box<dyn Future<Output = Outgoing> + Send>>;

pub(super) struct Session {
    link: Link,
    /// Cancelled when the token's session ends (logout, password change, deletion).
    session_ended: CancellationToken,
    socket: Socket,
    limiter: DefaultDirectRateLimiter,
    limited_in_row: u32,
    pending: FuturesUnordered<Reply>,
    awaiting_pong: bool,
    typing: live::TypingThrottle,
}

impl Session {
    pub(super) fn new(
        state: Arc<AppState>,
        user: AuthUser,
        session_ended: CancellationToken,
        socket: Socket,
        outbox: Arc<Outbox>,
    ) -> Session {
        let rate = NonZeroU32::new(state.config.rate_limit).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(state.config.rate_burst).unwrap_or(NonZeroU32::MIN);
        let conn = state.next_conn_id();
        state.conn_metrics.active.increment(1);
        tracing::debug!(conn, user = %user.id, "connect");
        let sink: Arc<dyn crate::hub::Sink> = outbox.clone();
        if state.presence.connect(user.id, conn, sink) {
            live::announce(Arc::clone(&state), user.id, true);
        }
        Session {
            limiter: RateLimiter::direct_with_clock(
                Quota::per_second(rate).allow_burst(burst),
                state.rate_clock.clone(),
            ),
            session_ended,
            link: Link {
                state,
                user,
                conn,
                outbox,
            },
            socket,
            limited_in_row: 0,
            pending: FuturesUnordered::new(),
            awaiting_pong: false,
            typing: live::TypingThrottle::default(),
        }
    }

    /// Serves the connection until it ends, then closes it with the right code.
    pub(super) async fn run(mut self) {
        let period = self.link.state.config.ping_interval;
        let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let max_in_flight = self.link.state.config.max_in_flight.max(1);
        let shutdown = self.link.state.shutdown.clone();
        let session_ended = self.session_ended.clone();
        let outbox = Arc::clone(&self.link.outbox);
        // Every handler below is boxed: a task is as large as its largest await point, so
        // inlined handlers would size every idle connection's task for the busiest step
        // (in a debug build 2.8 KB -> 1.7 KB per connection). The price is one small
        // allocation per event handled.
        let end = loop {
            let step = tokio::select! {
                biased;
                _ = shutdown.cancelled() => Err(End::Shutdown),
                _ = session_ended.cancelled() => Err(End::SessionEnded),
                _ = outbox.slow.cancelled() => Err(End::SlowReader),
                _ = outbox.has_waiting() => Box::pin(self.link.drain()).await,
                Some(reply) = self.pending.next(), if !self.pending.is_empty() => {
                    self.reply(reply)
                }
                incoming = self.socket.next(), if self.pending.len() < max_in_flight => {
                    Box::pin(self.on_incoming(incoming)).await
                }
                _ = ping.tick() => Box::pin(self.on_ping_tick()).await,
            };
            if let Err(end) = step {
                break end;
            }
        };
        Box::pin(self.close(end)).await;
    }

    /// Sends one finished reply, with every other one already finished, in one write.
    fn reply(&mut self, first: Outgoing) -> Result<(), End> {
        let mut replies = vec![first];
        while let Some(Some(reply)) = self.pending.next().now_or_never() {
            replies.push(reply);
        }
        Ok(self.link.outbox.send(replies)?)
    }

    /// Sends one frame now.
    fn send(&self, frame: ServerFrame) -> Result<(), End> {
        self.link.send(frame)
    }

    /// Each ping interval: a connection whose token has expired is closed (4001), one
    /// that did not answer the last ping is idle (4000), the others are pinged.
    async fn on_ping_tick(&mut self) -> Result<(), End> {
        if self.link.user.expired() {
            return Err(End::Expired);
        }
        if self.awaiting_pong {
            return Err(End::Idle);
        }
        self.awaiting_pong = true;
        guard(
            self.socket.send(Message::Ping(Bytes::new())),
            &self.link.outbox.slow,
            &self.link.state.shutdown,
        )
        .await
    }

    async fn on_incoming(&mut self, incoming: Option<Result<Message, WsError>>) -> Result<(), End> {
        let message = match incoming {
            None => return Err(End::ClientClosed),
            Some(Err(WsError::Capacity(_))) => return Err(End::Oversized),
            Some(Err(WsError::ConnectionClosed | WsError::AlreadyClosed)) => {
                return Err(End::ClientClosed);
            }
            Some(Err(e)) => {
                tracing::debug!(conn = self.link.conn, error = %e, "socket error");
                return Err(End::Broken);
            }
            Some(Ok(message)) => message,
        };
        self.awaiting_pong = false;
        match message {
            Message::Text(text) => {
                self.link.state.conn_metrics.frames_received.increment(1);
                self.on_text(text).await
            }
            Message::Binary(_) => Err(End::Unsupported),
            // tungstenite queues the pong; push it out
            Message::Ping(_) => {
                guard(
                    self.socket.flush(),
                    &self.link.outbox.slow,
                    &self.link.state.shutdown,
                )
                .await
            }
            Message::Pong(_) | Message::Frame(_) => Ok(()),
            Message::Close(_) => Err(End::ClientClosed),
        }
    }

    async fn on_text(&mut self, text: Utf8Bytes) -> Result<(), End> {
        if self.limiter.check().is_err() {
            self.limited_in_row += 1;
            if self.limited_in_row > self.link.state.config.rate_burst {
                return Err(End::Flood);
            }
            let error = frames::error(
                ErrorCode::RateLimited,
                "too many frames; slow down",
                frames::reference_of(&text),
            );
            return self.send(error);
        }
        self.limited_in_row = 0;
        match frames::parse(&text) {
            Err(bad) => self.send(bad.into_frame()),
            Ok(ClientFrame::Ping { nonce }) => self.send(ServerFrame::Pong { nonce }),
            // boxed for the same reason as the handlers in `run`
            Ok(ClientFrame::Join { group, since }) => {
                Box::pin(super::join::join(&self.link, group, since)).await
            }
            Ok(ClientFrame::Leave { group }) => {
                if self.link.outbox.leave(group) {
                    self.link.state.hub.unsubscribe(group, self.link.conn);
                }
                self.send(ServerFrame::Left { group })
            }
            Ok(ClientFrame::Send {
                group,
                content,
                client_id,
                reply_to,
                to,
            }) => {
                let post = Draft {
                    client_id: Some(client_id),
                    reply_to,
                    to: to.map(Recipient::Named),
                    ..Draft::user(self.link.user.as_ref(), group, content)
                };
                self.pending.push(Box::pin(post_and_ack(
                    self.link.state.pipeline.clone(),
                    post,
                )));
                Ok(())
            }
            Ok(ClientFrame::Edit {
                group,
                seq,
                content,
            }) => self.change(group, seq, Change::Edit(content), "edit"),
            Ok(ClientFrame::Delete { group, seq }) => {
                self.change(group, seq, Change::Delete, "delete")
            }
            Ok(ClientFrame::React {
                group,
                seq,
                emoji,
                remove,
            }) => self.change(group, seq, Change::React(emoji, !remove), "react"),
            Ok(ClientFrame::Read { group, seq }) => {
                let state = Arc::clone(&self.link.state);
                let (user, conn) = (self.link.user.id, self.link.conn);
                self.pending
                    .push(Box::pin(live::read(state, user, conn, group, seq)));
                Ok(())
            }
            Ok(ClientFrame::Typing { group, to }) => {
                match Box::pin(live::typing(&self.link, &mut self.typing, group, to)).await {
                    Some(frame) => self.send(frame),
                    None => Ok(()),
                }
            }
        }
    }

    /// Queues a change of an earlier message; its outcome arrives as its own message.
    fn change(
        &mut self,
        group: quid_shared::Id,
        seq: i64,
        change: Change,
        reference: &'static str,
    ) -> Result<(), End> {
        let request = ChangeRequest {
            group,
            seq,
            by: self.link.user.as_ref(),
            change,
        };
        let state = Arc::clone(&self.link.state);
        self.pending
            .push(Box::pin(live::change(state, request, reference)));
        Ok(())
    }

    async fn close(mut self, end: End) {
        for group in self.link.outbox.leave_all() {
            self.link.state.hub.unsubscribe(group, self.link.conn);
        }
        let (user, conn) = (self.link.user.id, self.link.conn);
        if self.link.state.presence.disconnect(user, conn) {
            live::announce(Arc::clone(&self.link.state), user, false);
        }
        if let Some(reason) = end.drop_reason() {
            count_drop(reason);
        }
        if end != End::Broken {
            let frame = end.close_frame().map(|(code, reason)| CloseFrame {
                code: CloseCode::from(code),
                reason: Utf8Bytes::from_static(reason),
            });
            let timeout = self.link.state.config.close_timeout;
            let _ = self.socket.close(frame).await;
            let _ = tokio::time::timeout(timeout, self.link.outbox.drain()).await;
        }
        self.link.state.conn_metrics.active.decrement(1);
        tracing::debug!(conn = self.link.conn, user = %self.link.user.id, reason = ?end, "disconnect");
    }
}

/// Runs a `send` through the pipeline and turns the outcome into `ack` or `error`.
async fn post_and_ack(pipeline: Pipeline, post: Draft) -> Outgoing {
    let client_id = post.client_id.clone().unwrap_or_default();
    match pipeline.post(post).await {
        Ok(posted) => Outgoing::Ack(Ack::new(client_id, posted)),
        Err(e) => {
            let message = match &e {
                PipelineError::Store(store) => {
                    tracing::error!(error = %store, "send failed in the store");
                    "the message could not be stored; try again".to_owned()
                }
                other => other.to_string(),
            };
            Outgoing::Frame(frames::error(e.code(), message, Some(client_id)))
        }
    }
}
