//! A WebSocket test client: frames in and out as `quid_shared` types, a backlog for
//! frames that arrive while waiting for a specific one, and close codes. Every wait has
//! one deadline, however many other frames arrive meanwhile, and fails saying what it
//! waited for.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use futures_util::{SinkExt, StreamExt};
use quid_shared::{ClientFrame, Id, Message, ServerFrame};
use tokio::net::{TcpSocket, TcpStream};
use tokio::time::Instant;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{self, Message as WsMessage};

use crate::WAIT;

/// How a test client connects.
#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    /// Sent as `Authorization: Bearer`.
    pub bearer: Option<String>,
    /// Sent as the `token` cookie.
    pub cookie: Option<String>,
    /// Sent as `?token=`.
    pub query: Option<String>,
    /// Sent as the `Origin` header.
    pub origin: Option<String>,
    /// Kernel receive buffer of the client socket (small = fills up fast when not read).
    pub recv_buffer: Option<u32>,
}

impl ClientOptions {
    /// Authenticate with a bearer header.
    pub fn bearer(token: &str) -> ClientOptions {
        ClientOptions {
            bearer: Some(token.to_owned()),
            ..ClientOptions::default()
        }
    }
}

/// What arrived on a socket.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // a test type; frames are read one at a time
pub enum Event {
    Frame(ServerFrame),
    /// The server closed the connection, with its close code if it sent one.
    Closed(Option<u16>),
}

/// One connected client.
pub struct WsClient {
    socket: WebSocketStream<TcpStream>,
    backlog: VecDeque<ServerFrame>,
    /// Whether frames about the people rather than the messages (presence, typing,
    /// member changes, read positions, `added`) are read; most tests skip them.
    live: bool,
}

/// Whether `frame` is about the people rather than the messages: presence and status, typing,
/// member changes, read positions and `added` arrive whenever someone comes, goes or
/// types, so tests that do not look at them do not see them.
fn is_live(frame: &ServerFrame) -> bool {
    matches!(
        frame,
        ServerFrame::Presence { .. }
            | ServerFrame::Status { .. }
            | ServerFrame::Typing { .. }
            | ServerFrame::Member { .. }
            | ServerFrame::Read { .. }
            | ServerFrame::Added { .. }
    )
}

impl WsClient {
    /// Connects to `/ws`; fails with the HTTP status if the upgrade is refused.
    pub async fn connect(addr: SocketAddr, options: ClientOptions) -> Result<WsClient> {
        let url = match &options.query {
            Some(token) => format!("ws://{addr}/ws?token={token}"),
            None => format!("ws://{addr}/ws"),
        };
        let mut request = url.into_client_request()?;
        let headers = request.headers_mut();
        if let Some(token) = &options.bearer {
            headers.insert(
                "authorization",
                HeaderValue::from_str(&format!("Bearer {token}"))?,
            );
        }
        if let Some(token) = &options.cookie {
            headers.insert("cookie", HeaderValue::from_str(&format!("token={token}"))?);
        }
        if let Some(origin) = &options.origin {
            headers.insert("origin", HeaderValue::from_str(origin)?);
        }
        let socket = if addr.is_ipv4() {
            TcpSocket::new_v4()?
        } else {
            TcpSocket::new_v6()?
        };
        if let Some(size) = options.recv_buffer {
            socket.set_recv_buffer_size(size)?;
        }
        let stream = tokio::time::timeout(WAIT, socket.connect(addr))
            .await
            .context("connect timed out")??;
        let (socket, _response) =
            tokio::time::timeout(WAIT, tokio_tungstenite::client_async(request, stream))
                .await
                .context("handshake timed out")?
                .map_err(|e| match e {
                    tungstenite::Error::Http(response) => {
                        anyhow!("upgrade refused: HTTP {}", response.status().as_u16())
                    }
                    other => anyhow!(other),
                })?;
        Ok(WsClient {
            socket,
            backlog: VecDeque::new(),
            live: false,
        })
    }

    /// From now on, also read presence, typing, member changes, read positions and
    /// `added` frames.
    pub fn read_live_frames(&mut self) {
        self.live = true;
    }

    /// Sends a frame.
    pub async fn send_frame(&mut self, frame: &ClientFrame) -> Result<()> {
        self.send_text(&serde_json::to_string(frame)?).await
    }

    /// Sends raw text (for malformed frames).
    pub async fn send_text(&mut self, text: &str) -> Result<()> {
        tokio::time::timeout(WAIT, self.socket.send(WsMessage::text(text)))
            .await
            .context("send timed out")??;
        Ok(())
    }

    /// Sends a binary frame.
    pub async fn send_binary(&mut self, bytes: Vec<u8>) -> Result<()> {
        tokio::time::timeout(WAIT, self.socket.send(WsMessage::binary(bytes)))
            .await
            .context("send timed out")??;
        Ok(())
    }

    /// The next frame or close, waiting at most `wait`; `None` on timeout.
    pub async fn next_event_within(&mut self, wait: Duration) -> Result<Option<Event>> {
        self.next_event_until(Instant::now() + wait).await
    }

    /// The next frame or close before `deadline`; `None` once it has passed.
    async fn next_event_until(&mut self, deadline: Instant) -> Result<Option<Event>> {
        if let Some(frame) = self.backlog.pop_front() {
            return Ok(Some(Event::Frame(frame)));
        }
        loop {
            let next = match tokio::time::timeout_at(deadline, self.socket.next()).await {
                Err(_) => return Ok(None),
                Ok(next) => next,
            };
            match next {
                None => return Ok(Some(Event::Closed(None))),
                Some(Err(
                    tungstenite::Error::ConnectionClosed
                    | tungstenite::Error::AlreadyClosed
                    | tungstenite::Error::Io(_)
                    | tungstenite::Error::Protocol(_),
                )) => return Ok(Some(Event::Closed(None))),
                Some(Err(e)) => return Err(e.into()),
                Some(Ok(WsMessage::Text(text))) => {
                    let frame: ServerFrame = serde_json::from_str(&text)
                        .with_context(|| format!("unexpected frame: {text}"))?;
                    if !self.live && is_live(&frame) {
                        continue;
                    }
                    return Ok(Some(Event::Frame(frame)));
                }
                Some(Ok(WsMessage::Close(close))) => {
                    return Ok(Some(Event::Closed(close.map(|c| u16::from(c.code)))));
                }
                Some(Ok(_)) => continue,
            }
        }
    }

    /// The next event, failing after [`WAIT`].
    pub async fn next_event(&mut self) -> Result<Event> {
        self.next_event_within(WAIT)
            .await?
            .ok_or_else(|| anyhow!("no frame within {WAIT:?}"))
    }

    /// The next frame, failing on close or after [`WAIT`].
    pub async fn next_frame(&mut self) -> Result<ServerFrame> {
        match self.next_event().await? {
            Event::Frame(frame) => Ok(frame),
            Event::Closed(code) => bail!("connection closed ({code:?}) while waiting for a frame"),
        }
    }

    /// Fails if any frame arrives within `wait`. A silence window alone passes on a leak
    /// that comes late: follow it with a frame that must come next
    /// ([`expect_pong_next`](Self::expect_pong_next), or a later message checked by seq).
    pub async fn expect_no_frame(&mut self, wait: Duration) -> Result<()> {
        match self.next_event_within(wait).await? {
            None => Ok(()),
            Some(event) => bail!("expected silence, got {event:?}"),
        }
    }

    /// Sends a ping and fails unless the very next frame is its pong: whatever the server
    /// had queued for this connection before it read the ping would come first.
    pub async fn expect_pong_next(&mut self) -> Result<()> {
        let nonce = format!("barrier-{}", uuid::Uuid::new_v4());
        self.send_frame(&ClientFrame::Ping {
            nonce: Some(nonce.clone()),
        })
        .await?;
        match self.next_frame().await? {
            ServerFrame::Pong { nonce: Some(n) } if n == nonce => Ok(()),
            other => bail!("expected the pong of {nonce} next, got {other:?}"),
        }
    }

    /// Reads until the server closes, for at most [`WAIT`]; returns its close code.
    /// Frames before are dropped.
    pub async fn expect_close(&mut self) -> Result<Option<u16>> {
        let deadline = Instant::now() + WAIT;
        loop {
            match self.next_event_until(deadline).await? {
                Some(Event::Closed(code)) => return Ok(code),
                Some(Event::Frame(_)) => continue,
                None => bail!("the server did not close the connection within {WAIT:?}"),
            }
        }
    }

    /// Waits, without reading — so without answering the server's pings — until the
    /// server's close frame has arrived, and returns its code. It looks at the bytes
    /// the kernel holds for the socket, so it works only before anything was read.
    pub async fn wait_close_unread(&mut self) -> Result<Option<u16>> {
        if !self.backlog.is_empty() {
            bail!("frames were read already");
        }
        let deadline = Instant::now() + WAIT;
        let mut buf = vec![0; 64 * 1024];
        loop {
            let peek = self.socket.get_ref().peek(&mut buf);
            let n = tokio::time::timeout_at(deadline, peek)
                .await
                .map_err(|_| anyhow!("no close frame within {WAIT:?}"))??;
            if let Some(code) = close_code_in(&buf[..n]) {
                return Ok(code);
            }
            if n == 0 {
                bail!("the connection ended without a close frame");
            }
            if Instant::now() >= deadline {
                bail!("no close frame within {WAIT:?}");
            }
            // what is there is no close frame; look again shortly
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits for the first frame matching `pick` (for at most [`WAIT`]), keeping the
    /// others for later reads.
    pub async fn wait_for<T>(
        &mut self,
        mut pick: impl FnMut(&ServerFrame) -> Option<T>,
    ) -> Result<T> {
        self.take_until(WAIT, |frame| match pick(frame) {
            Some(found) => Pick::Done(found),
            None => Pick::Keep,
        })
        .await
    }

    /// Reads frames for at most `wait` until `pick` is done with one: frames it takes
    /// are consumed, the ones it keeps are read again later, in their order.
    async fn take_until<T>(
        &mut self,
        wait: Duration,
        mut pick: impl FnMut(&ServerFrame) -> Pick<T>,
    ) -> Result<T> {
        let deadline = Instant::now() + wait;
        let mut kept = Vec::new();
        let outcome = loop {
            let frame = match self.next_event_until(deadline).await {
                Ok(Some(Event::Frame(frame))) => frame,
                Ok(Some(Event::Closed(code))) => {
                    break Err(anyhow!("connection closed ({code:?}) while waiting"));
                }
                Ok(None) => {
                    break Err(anyhow!(
                        "the awaited frame did not come within {wait:?} ({} other frames came: {:?})",
                        kept.len(),
                        kept.last()
                    ));
                }
                Err(e) => break Err(e),
            };
            match pick(&frame) {
                Pick::Done(found) => break Ok(found),
                Pick::Take => {}
                Pick::Keep => kept.push(frame),
            }
        };
        for frame in kept.into_iter().rev() {
            self.backlog.push_front(frame);
        }
        outcome
    }

    /// Joins `group`; returns the replayed messages and the `joined` head. Fails on the
    /// join's error, or if `joined` does not come within [`WAIT`]; frames of other
    /// groups and other replies are kept for later reads.
    pub async fn join(&mut self, group: Id, since: Option<i64>) -> Result<(Vec<Message>, i64)> {
        self.send_frame(&ClientFrame::Join { group, since }).await?;
        let mut replay = Vec::new();
        let head = self
            .take_until(WAIT, |frame| match frame {
                ServerFrame::NewMessage { message } if message.group == group => {
                    replay.push(message.clone());
                    Pick::Take
                }
                ServerFrame::Joined { group: g, head } if *g == group => Pick::Done(Ok(*head)),
                ServerFrame::Error {
                    code,
                    message,
                    reference: Some(r),
                } if r == "join" => Pick::Done(Err(anyhow!("join refused: {code:?}: {message}"))),
                _ => Pick::Keep,
            })
            .await??;
        Ok((replay, head))
    }

    /// Sends every frame of `sends` (each a `send` with its own client id), with at most
    /// `window` awaiting their ack, and returns the acknowledged messages in the order
    /// sent. Fails on the first refusal.
    pub async fn send_all(&mut self, sends: &[ClientFrame], window: usize) -> Result<Vec<Message>> {
        let ids = sends
            .iter()
            .map(|frame| match frame {
                ClientFrame::Send { client_id, .. } => Ok(client_id.clone()),
                other => Err(anyhow!("not a send: {other:?}")),
            })
            .collect::<Result<Vec<_>>>()?;
        let mut acked = std::collections::HashMap::new();
        let mut sent = 0;
        while acked.len() < sends.len() {
            while sent < sends.len() && sent - acked.len() < window.max(1) {
                self.send_frame(&sends[sent]).await?;
                sent += 1;
            }
            let (id, message) = self
                .wait_for(|frame| match frame {
                    ServerFrame::Ack { client_id, message } => {
                        Some(Ok((client_id.clone(), message.clone())))
                    }
                    ServerFrame::Error {
                        reference: Some(r),
                        code,
                        message,
                    } if ids.contains(r) => {
                        Some(Err(anyhow!("send {r} refused: {code:?}: {message}")))
                    }
                    _ => None,
                })
                .await??;
            acked.insert(id, message);
        }
        ids.iter()
            .map(|id| acked.remove(id).ok_or_else(|| anyhow!("{id} acked twice?")))
            .collect()
    }

    /// Sends a message and waits for its ack (other frames stay queued).
    pub async fn send_message(
        &mut self,
        group: Id,
        content: &str,
        client_id: &str,
    ) -> Result<Message> {
        self.send_frame(&ClientFrame::Send {
            group,
            content: content.to_owned(),
            client_id: client_id.to_owned(),
            reply_to: None,
            to: None,
        })
        .await?;
        self.wait_ack(client_id).await
    }

    /// Waits for the ack (or error) answering `client_id`.
    pub async fn wait_ack(&mut self, client_id: &str) -> Result<Message> {
        let id = client_id.to_owned();
        self.wait_for(|frame| match frame {
            ServerFrame::Ack { client_id, message } if *client_id == id => {
                Some(Ok(message.clone()))
            }
            ServerFrame::Error {
                reference: Some(r),
                code,
                message,
            } if *r == id => Some(Err(anyhow!("send refused: {code:?}: {message}"))),
            _ => None,
        })
        .await?
    }

    /// The next `new-message`, skipping acks, within [`WAIT`]; any other frame fails.
    pub async fn next_message(&mut self) -> Result<Message> {
        let deadline = Instant::now() + WAIT;
        loop {
            match self.next_event_until(deadline).await? {
                Some(Event::Frame(ServerFrame::NewMessage { message })) => return Ok(message),
                Some(Event::Frame(ServerFrame::Ack { .. })) => continue,
                Some(other) => bail!("expected new-message, got {other:?}"),
                None => bail!("no new-message within {WAIT:?}"),
            }
        }
    }
}

/// What [`WsClient::take_until`] does with a frame.
enum Pick<T> {
    /// Not this one: read it again later.
    Keep,
    /// Consumed; keep waiting.
    Take,
    /// Found.
    Done(T),
}

/// The code of the first close frame in `bytes` (server frames, unmasked), if a whole
/// one is there: `Some(None)` for a close without a code.
fn close_code_in(bytes: &[u8]) -> Option<Option<u16>> {
    let mut at = 0;
    while bytes.len() >= at + 2 {
        let opcode = bytes[at] & 0x0f;
        let (len, header) = match bytes[at + 1] & 0x7f {
            126 => (
                usize::from(u16::from_be_bytes(
                    bytes.get(at + 2..at + 4)?.try_into().ok()?,
                )),
                4,
            ),
            127 => (
                usize::try_from(u64::from_be_bytes(
                    bytes.get(at + 2..at + 10)?.try_into().ok()?,
                ))
                .ok()?,
                10,
            ),
            short => (usize::from(short), 2),
        };
        let payload = bytes.get(at + header..at + header + len)?;
        if opcode == 0x8 {
            return Some(
                payload
                    .get(..2)
                    .map(|code| u16::from_be_bytes([code[0], code[1]])),
            );
        }
        at += header + len;
    }
    None
}
