//! Authenticated WebSocket connections to the server under test, with small buffers so one
//! process can hold ten thousand of them, and the frames the load generator sends.

use std::net::SocketAddr;
use std::time::Duration;

use quid_shared::{ClientFrame, Id};
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::BenchError;
use crate::scan::stamped_content;

/// One client connection.
pub type Ws = WebSocketStream<TcpStream>;

/// How long a TCP connect plus upgrade may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

fn config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(16 * 1024)
        .max_message_size(Some(quid_shared::limits::MAX_FRAME_BYTES * 4))
}

/// Opens `ws_url` on `addr` with `Authorization: Bearer <token>`.
pub async fn connect(addr: SocketAddr, ws_url: &str, token: &str) -> Result<Ws, BenchError> {
    let attempt = async {
        let tcp = TcpStream::connect(addr)
            .await
            .map_err(|e| BenchError::io(format!("connecting to {addr}"), e))?;
        tcp.set_nodelay(true)
            .map_err(|e| BenchError::io("TCP_NODELAY", e))?;
        let mut req = ws_url.into_client_request()?;
        let bearer = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| BenchError::Protocol("token is not a valid header value".into()))?;
        req.headers_mut().insert("authorization", bearer);
        let (ws, _) = tokio_tungstenite::client_async_with_config(req, tcp, Some(config())).await?;
        Ok(ws)
    };
    tokio::time::timeout(CONNECT_TIMEOUT, attempt)
        .await
        .map_err(|_| BenchError::Timeout(format!("WebSocket connect to {addr}")))?
}

fn text(frame: &ClientFrame) -> Message {
    // Serialising our own enum of strings and numbers cannot fail.
    Message::text(serde_json::to_string(frame).unwrap_or_default())
}

/// `join {group, since}`.
pub fn join(group: Id, since: i64) -> Message {
    text(&ClientFrame::Join {
        group,
        since: Some(since),
    })
}

/// A `send` whose content carries `stamp` and is padded to `payload` bytes.
pub fn send(group: Id, stamp: u64, payload: usize, client_id: String) -> Message {
    text(&ClientFrame::Send {
        group,
        content: stamped_content(stamp, payload),
        client_id,
        reply_to: None,
        to: None,
    })
}
