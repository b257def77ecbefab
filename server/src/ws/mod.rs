//! The WebSocket endpoint `GET /ws`: our own upgrade (auth, origin check, accept key) and
//! the per-connection session loop. It bypasses warp's `ws()` filter so that tungstenite's
//! buffers can be kept small (a few KiB per idle connection instead of 128 KiB).

mod frames;
mod join;
mod session;
mod upgrade;

pub use upgrade::upgrade;

use quid_shared::limits::MAX_FRAME_BYTES;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// tungstenite settings for server sockets: small buffers, 64 KiB frame limit.
///
/// The read buffer is allocated for every connection up front, so it is kept at 1 KiB
/// (client frames are small; a larger one is read in several steps). Written frames
/// collect in the write buffer, allocated only once something is sent, up to 16 KiB
/// before it is written out, so a batch of queued frames goes out in one write at the
/// flush instead of one system call per frame.
pub fn socket_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(1024)
        .write_buffer_size(16 * 1024)
        .max_write_buffer_size(4 * MAX_FRAME_BYTES)
        .max_message_size(Some(MAX_FRAME_BYTES))
        .max_frame_size(Some(MAX_FRAME_BYTES))
}
