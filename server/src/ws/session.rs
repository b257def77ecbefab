//! One WebSocket connection after the upgrade: a loop that `select!`s over the next
//! client frame, the hub's outgoing queue (everything queued is written with one flush),
//! pending acks, the ping timer, the slow-reader signal and server shutdown.

use std::collections::HashMap;
use std::future::Future;
use std::num::NonZeroU32;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use futures_util::stream::FuturesUnordered;
use futures_util::{SinkExt, StreamExt};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use quid_shared::{ClientFrame, ErrorCode, Id, ServerFrame, close_code};
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Bytes, Error as WsError, Message, Utf8Bytes};
use tokio_util::sync::CancellationToken;

use super::frames;
use crate::auth::AuthUser;
use crate::hub::{ConnId, Published, Subscriber};
use crate::metrics::{DropReason, count_drop};
use crate::pipeline::{Pipeline, PipelineError, UserPost};
use crate::state::AppState;

/// The upgraded socket.
pub(super) type Socket = WebSocketStream<TokioIo<Upgraded>>;

/// Frames delivered from the queue per write.
const BATCH: usize = 128;

type Reply = Pin<Box<dyn Future<Output = ServerFrame> + Send>>;

/// Why a session ended; decides the close code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum End {
    ClientClosed,
    Shutdown,
    SlowReader,
    Oversized,
    Flood,
    Idle,
    Unsupported,
    Broken,
}

impl End {
    fn close_frame(self) -> Option<(u16, &'static str)> {
        match self {
            End::ClientClosed | End::Broken => None,
            End::Shutdown => Some((close_code::GOING_AWAY, "server shutting down")),
            End::SlowReader => Some((
                close_code::SLOW_READER,
                "outgoing queue overflowed; reconnect and join with since",
            )),
            End::Oversized => Some((close_code::TOO_BIG, "frame larger than 64 KiB")),
            End::Flood => Some((close_code::FLOOD, "rate limit exceeded")),
            End::Idle => Some((close_code::IDLE_TIMEOUT, "no pong received")),
            End::Unsupported => Some((close_code::UNSUPPORTED, "binary frames are not supported")),
        }
    }

    fn drop_reason(self) -> Option<DropReason> {
        match self {
            End::Oversized => Some(DropReason::Oversized),
            End::Flood => Some(DropReason::Flood),
            End::Idle => Some(DropReason::Idle),
            End::Unsupported => Some(DropReason::Protocol),
            // slow readers are counted by the hub when it detects them
            _ => None,
        }
    }
}

pub(super) struct Session {
    pub(super) state: Arc<AppState>,
    pub(super) user: AuthUser,
    pub(super) conn: ConnId,
    pub(super) socket: Socket,
    queue: mpsc::Sender<Arc<Published>>,
    inbox: mpsc::Receiver<Arc<Published>>,
    pub(super) slow: CancellationToken,
    /// Joined groups, each with the last seq delivered on this connection.
    pub(super) joined: HashMap<Id, i64>,
    limiter: DefaultDirectRateLimiter,
    limited_in_row: u32,
    pending: FuturesUnordered<Reply>,
    awaiting_pong: bool,
}

impl Session {
    pub(super) fn new(state: Arc<AppState>, user: AuthUser, socket: Socket) -> Session {
        let (queue, inbox) = mpsc::channel(state.config.outgoing_queue.max(1));
        let rate = NonZeroU32::new(state.config.rate_limit).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(state.config.rate_burst).unwrap_or(NonZeroU32::MIN);
        let conn = state.next_conn_id();
        state.conn_metrics.active.increment(1);
        tracing::debug!(conn, user = %user.id, "connect");
        Session {
            limiter: RateLimiter::direct(Quota::per_second(rate).allow_burst(burst)),
            state,
            user,
            conn,
            socket,
            queue,
            inbox,
            slow: CancellationToken::new(),
            joined: HashMap::new(),
            limited_in_row: 0,
            pending: FuturesUnordered::new(),
            awaiting_pong: false,
        }
    }

    /// This connection as the hub sees it.
    pub(super) fn subscriber(&self) -> Subscriber {
        Subscriber {
            conn: self.conn,
            user: self.user.id,
            queue: self.queue.clone(),
            slow: self.slow.clone(),
        }
    }

    /// Serves the connection until it ends, then closes it with the right code.
    pub(super) async fn run(mut self) {
        let period = self.state.config.ping_interval;
        let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let max_in_flight = self.state.config.max_in_flight.max(1);
        let shutdown = self.state.shutdown.clone();
        let mut batch: Vec<Arc<Published>> = Vec::new();
        // Every handler below is boxed: a task is as large as its largest await point, so
        // inlined handlers would size every idle connection's task for the busiest step
        // (in a debug build 2.8 KB -> 1.7 KB per connection). The price is one small
        // allocation per event handled.
        let end = loop {
            let step = tokio::select! {
                biased;
                _ = shutdown.cancelled() => Err(End::Shutdown),
                _ = self.slow.cancelled() => Err(End::SlowReader),
                _ = self.inbox.recv_many(&mut batch, BATCH) => {
                    Box::pin(self.deliver(&mut batch)).await
                }
                Some(reply) = self.pending.next(), if !self.pending.is_empty() => {
                    Box::pin(self.send(&reply)).await
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

    /// Writes queued frames of joined groups, skipping any seq already delivered, with
    /// one flush for the whole batch.
    async fn deliver(&mut self, batch: &mut Vec<Arc<Published>>) -> Result<(), End> {
        let mut count = 0u64;
        let mut oldest: Option<Instant> = None;
        for published in batch.drain(..) {
            let Some(last) = self.joined.get_mut(&published.message.group) else {
                continue;
            };
            if published.message.seq <= *last {
                continue;
            }
            *last = published.message.seq;
            oldest.get_or_insert(published.at);
            let frame = Message::Text(published.frame.clone());
            guard(self.socket.feed(frame), &self.slow, &self.state.shutdown).await?;
            count += 1;
        }
        if batch.capacity() > BATCH {
            batch.shrink_to(BATCH);
        }
        if count > 0 {
            guard(self.socket.flush(), &self.slow, &self.state.shutdown).await?;
            let metrics = &self.state.conn_metrics;
            metrics.frames_delivered.increment(count);
            if let Some(oldest) = oldest {
                metrics
                    .delivery_latency
                    .record(oldest.elapsed().as_secs_f64());
            }
        }
        Ok(())
    }

    /// Sends one frame now.
    pub(super) async fn send(&mut self, frame: &ServerFrame) -> Result<(), End> {
        let message = frames::encode(frame);
        guard(self.socket.send(message), &self.slow, &self.state.shutdown).await
    }

    /// Queues one frame; it goes out with the next flush.
    pub(super) async fn feed(&mut self, frame: &ServerFrame) -> Result<(), End> {
        let message = frames::encode(frame);
        guard(self.socket.feed(message), &self.slow, &self.state.shutdown).await
    }

    /// Writes out everything queued.
    pub(super) async fn flush(&mut self) -> Result<(), End> {
        guard(self.socket.flush(), &self.slow, &self.state.shutdown).await
    }

    async fn on_ping_tick(&mut self) -> Result<(), End> {
        if self.awaiting_pong {
            return Err(End::Idle);
        }
        self.awaiting_pong = true;
        guard(
            self.socket.send(Message::Ping(Bytes::new())),
            &self.slow,
            &self.state.shutdown,
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
                tracing::debug!(conn = self.conn, error = %e, "socket error");
                return Err(End::Broken);
            }
            Some(Ok(message)) => message,
        };
        self.awaiting_pong = false;
        match message {
            Message::Text(text) => {
                self.state.conn_metrics.frames_received.increment(1);
                self.on_text(text).await
            }
            Message::Binary(_) => Err(End::Unsupported),
            // tungstenite queues the pong; push it out
            Message::Ping(_) => guard(self.socket.flush(), &self.slow, &self.state.shutdown).await,
            Message::Pong(_) | Message::Frame(_) => Ok(()),
            Message::Close(_) => Err(End::ClientClosed),
        }
    }

    async fn on_text(&mut self, text: Utf8Bytes) -> Result<(), End> {
        if self.limiter.check().is_err() {
            self.limited_in_row += 1;
            if self.limited_in_row > self.state.config.rate_burst {
                return Err(End::Flood);
            }
            let error = frames::error(
                ErrorCode::RateLimited,
                "too many frames; slow down",
                frames::reference_of(&text),
            );
            return self.send(&error).await;
        }
        self.limited_in_row = 0;
        match frames::parse(&text) {
            Err(bad) => self.send(&bad.into_frame()).await,
            Ok(ClientFrame::Ping { nonce }) => self.send(&ServerFrame::Pong { nonce }).await,
            // boxed for the same reason as the handlers in `run`
            Ok(ClientFrame::Join { group, since }) => {
                Box::pin(super::join::join(self, group, since)).await
            }
            Ok(ClientFrame::Leave { group }) => {
                if self.joined.remove(&group).is_some() {
                    self.state.hub.unsubscribe(group, self.conn);
                }
                self.send(&ServerFrame::Left { group }).await
            }
            Ok(ClientFrame::Send {
                group,
                content,
                client_id,
                reply_to,
                to,
            }) => {
                let post = UserPost {
                    author: self.user.as_ref(),
                    group,
                    content,
                    client_id: Some(client_id),
                    reply_to,
                    to,
                };
                self.pending
                    .push(Box::pin(post_and_ack(self.state.pipeline.clone(), post)));
                Ok(())
            }
        }
    }

    async fn close(mut self, end: End) {
        for group in self.joined.keys() {
            self.state.hub.unsubscribe(*group, self.conn);
        }
        if let Some(reason) = end.drop_reason() {
            count_drop(reason);
        }
        if end != End::Broken {
            let frame = end.close_frame().map(|(code, reason)| CloseFrame {
                code: CloseCode::from(code),
                reason: Utf8Bytes::from_static(reason),
            });
            let timeout = self.state.config.close_timeout;
            let _ = tokio::time::timeout(timeout, self.socket.close(frame)).await;
        }
        self.state.conn_metrics.active.decrement(1);
        tracing::debug!(conn = self.conn, user = %self.user.id, reason = ?end, "disconnect");
    }
}

/// Runs a `send` through the pipeline and turns the outcome into `ack` or `error`.
async fn post_and_ack(pipeline: Pipeline, post: UserPost) -> ServerFrame {
    let client_id = post.client_id.clone().unwrap_or_default();
    match pipeline.post(post).await {
        Ok(posted) => ServerFrame::Ack {
            client_id,
            message: posted.message,
        },
        Err(e) => {
            let message = match &e {
                PipelineError::Store(store) => {
                    tracing::error!(error = %store, "send failed in the store");
                    "the message could not be stored; try again".to_owned()
                }
                other => other.to_string(),
            };
            frames::error(e.code(), message, Some(client_id))
        }
    }
}

/// Awaits a socket write unless the connection is found slow or the server stops.
pub(super) async fn guard<F>(
    write: F,
    slow: &CancellationToken,
    shutdown: &CancellationToken,
) -> Result<(), End>
where
    F: Future<Output = Result<(), WsError>>,
{
    tokio::select! {
        biased;
        result = write => result.map_err(|_| End::Broken),
        _ = slow.cancelled() => Err(End::SlowReader),
        _ = shutdown.cancelled() => Err(End::Shutdown),
    }
}
