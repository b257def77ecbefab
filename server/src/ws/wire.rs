//! The session's own server frames as bytes: a [`ServerFrame`] serialized into one text
//! frame (the framing itself is the hub's, [`crate::hub::frame`], which builds every
//! published message's frame once for all recipients).

use quid_shared::ServerFrame;

use crate::hub::frame::put_text_frame;

/// Appends `frame` as JSON in one text frame to `out`.
pub fn put_server_frame(out: &mut Vec<u8>, frame: &ServerFrame) {
    match serde_json::to_vec(frame) {
        Ok(json) => put_text_frame(out, &[&json]),
        Err(e) => {
            tracing::error!(error = %e, "cannot serialize a server frame");
            put_text_frame(
                out,
                &[br#"{"type":"error","code":"internal","message":"internal error"}"#],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hub::frame::text_frame;
    use std::io::Cursor;
    use tokio_tungstenite::tungstenite::protocol::Role;
    use tokio_tungstenite::tungstenite::{Message, WebSocket};

    /// What a client (tungstenite) reads from our bytes.
    fn read_all(bytes: Vec<u8>) -> Vec<String> {
        let mut ws = WebSocket::from_raw_socket(Cursor::new(bytes), Role::Client, None);
        let mut texts = Vec::new();
        while let Ok(message) = ws.read() {
            match message {
                Message::Text(text) => texts.push(text.to_string()),
                other => panic!("unexpected {other:?}"),
            }
        }
        texts
    }

    /// Frames of every length class (7-bit, 16-bit, 64-bit) decode to their payload.
    #[test]
    fn every_length_class_decodes() {
        let payloads: Vec<String> = [0usize, 1, 125, 126, 127, 65535, 65536, 70_000]
            .iter()
            .map(|&n| "x".repeat(n))
            .collect();
        let mut bytes = Vec::new();
        for payload in &payloads {
            bytes.extend_from_slice(&text_frame(&[payload.as_bytes()]));
        }
        assert_eq!(read_all(bytes), payloads);
    }

    /// A server frame is written as its JSON.
    #[test]
    fn server_frame_is_its_json() {
        let frame = ServerFrame::Pong {
            nonce: Some("n7".into()),
        };
        let mut bytes = Vec::new();
        put_server_frame(&mut bytes, &frame);
        let texts = read_all(bytes);
        let back: ServerFrame = serde_json::from_str(&texts[0]).unwrap();
        assert_eq!(back, frame);
    }
}
