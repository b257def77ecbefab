//! Server-to-client WebSocket frames as bytes (RFC 6455 §5.2). Server frames are never
//! masked, so a message's frame is the same bytes for every recipient: it is built once
//! and shared, and a delivery is a plain write of those bytes.

use bytes::{BufMut, Bytes, BytesMut};
use quid_shared::ServerFrame;

/// FIN bit + opcode 1 (text).
const FIN_TEXT: u8 = 0x81;

/// One unfragmented text frame carrying `parts`, one after the other.
pub fn text_frame(parts: &[&[u8]]) -> Bytes {
    let len: usize = parts.iter().map(|part| part.len()).sum();
    let mut frame = BytesMut::with_capacity(len + 10);
    put_text_frame(&mut frame, parts);
    frame.freeze()
}

/// Appends one unfragmented text frame carrying `parts`, one after the other, to `out`.
pub fn put_text_frame(out: &mut impl BufMut, parts: &[&[u8]]) {
    out.put_u8(FIN_TEXT);
    match parts.iter().map(|part| part.len()).sum::<usize>() {
        len @ 0..=125 => out.put_u8(len as u8),
        len @ 126..=0xFFFF => {
            out.put_u8(126);
            out.put_u16(len as u16);
        }
        len => {
            out.put_u8(127);
            out.put_u64(len as u64);
        }
    }
    for part in parts {
        out.put_slice(part);
    }
}

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
