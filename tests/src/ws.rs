//! A WebSocket test client: frames in and out as `quid_shared` types, with timeouts, a
//! backlog for frames that arrive while waiting for a specific one, and close codes.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use futures_util::{SinkExt, StreamExt};
use quid_shared::{ClientFrame, Id, Message, ServerFrame};
use tokio::net::{TcpSocket, TcpStream};
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
        })
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
        if let Some(frame) = self.backlog.pop_front() {
            return Ok(Some(Event::Frame(frame)));
        }
        let deadline = tokio::time::Instant::now() + wait;
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
                    let frame = serde_json::from_str(&text)
                        .with_context(|| format!("unexpected frame: {text}"))?;
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

    /// Fails if any frame arrives within `wait`.
    pub async fn expect_no_frame(&mut self, wait: Duration) -> Result<()> {
        match self.next_event_within(wait).await? {
            None => Ok(()),
            Some(event) => bail!("expected silence, got {event:?}"),
        }
    }

    /// Reads until the server closes; returns its close code. Frames before are dropped.
    pub async fn expect_close(&mut self) -> Result<Option<u16>> {
        loop {
            match self.next_event().await? {
                Event::Closed(code) => return Ok(code),
                Event::Frame(_) => continue,
            }
        }
    }

    /// Waits for the first frame matching `pick`, keeping the others for later reads.
    pub async fn wait_for<T>(
        &mut self,
        mut pick: impl FnMut(&ServerFrame) -> Option<T>,
    ) -> Result<T> {
        let mut skipped = Vec::new();
        let found = loop {
            let frame = match self.next_event().await {
                Ok(Event::Frame(frame)) => frame,
                Ok(Event::Closed(code)) => {
                    self.restore(skipped);
                    bail!("connection closed ({code:?}) while waiting");
                }
                Err(e) => {
                    self.restore(skipped);
                    return Err(e);
                }
            };
            match pick(&frame) {
                Some(found) => break found,
                None => skipped.push(frame),
            }
        };
        self.restore(skipped);
        Ok(found)
    }

    fn restore(&mut self, skipped: Vec<ServerFrame>) {
        for frame in skipped.into_iter().rev() {
            self.backlog.push_front(frame);
        }
    }

    /// Joins `group`; returns the replayed messages and the `joined` head. Fails on error.
    pub async fn join(&mut self, group: Id, since: Option<i64>) -> Result<(Vec<Message>, i64)> {
        self.send_frame(&ClientFrame::Join { group, since }).await?;
        let mut replay = Vec::new();
        loop {
            match self.next_frame().await? {
                ServerFrame::NewMessage { message } if message.group == group => {
                    replay.push(message)
                }
                ServerFrame::Joined { group: g, head } if g == group => return Ok((replay, head)),
                ServerFrame::Error { code, message, .. } => {
                    bail!("join refused: {code:?}: {message}")
                }
                other => self.backlog.push_back(other),
            }
        }
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

    /// The next `new-message`, skipping acks; any other frame fails.
    pub async fn next_message(&mut self) -> Result<Message> {
        loop {
            match self.next_frame().await? {
                ServerFrame::NewMessage { message } => return Ok(message),
                ServerFrame::Ack { .. } => continue,
                other => bail!("expected new-message, got {other:?}"),
            }
        }
    }
}
