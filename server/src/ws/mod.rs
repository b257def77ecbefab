//! The WebSocket endpoint `GET /ws`: our own upgrade (auth, origin check, accept key),
//! the per-connection session loop, and the outgoing path. It bypasses warp's `ws()`
//! filter so that the socket is ours: tungstenite reads client frames (with a small
//! buffer), while everything sent goes through the connection's outbox, which writes
//! frames encoded once for all recipients straight into the socket.
//!
//! Layout: `upgrade` (HTTP side), `session` (the loop), `link` (a connection as the loop
//! and a join share it), `end` (why a session ends), `join` (exact replay), `outbox`
//! (outgoing bytes and join gates), `raw` (the socket: TCP, or the plaintext side of
//! TLS), `gates` (a connection's groups, sorted), `duplex`
//! (the stream tungstenite sees), `wire` (the session's own frames), `ack` (acks around the
//! message's shared JSON), `frames` (parsing client frames, error frames), `live` (edits,
//! reactions, read positions, typing and presence).

mod ack;
mod duplex;
mod end;
mod frames;
mod gates;
mod join;
mod link;
mod live;
mod outbox;
pub(crate) mod raw;
mod session;
mod upgrade;
mod wire;

pub use upgrade::upgrade;

use quid_shared::limits::MAX_FRAME_BYTES;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// tungstenite settings for server sockets: small buffers, 64 KiB frame limit.
///
/// The read buffer is allocated for every connection up front, so it is kept at 512 bytes
/// (client frames are small; a larger one is read in several steps). tungstenite writes
/// only control frames (pong, close); they go straight to the outbox.
pub fn socket_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(512)
        .write_buffer_size(0)
        .max_write_buffer_size(4 * MAX_FRAME_BYTES)
        .max_message_size(Some(MAX_FRAME_BYTES))
        .max_frame_size(Some(MAX_FRAME_BYTES))
}
