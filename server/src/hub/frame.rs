//! WebSocket text frames as bytes (RFC 6455 §5.2). Server frames are never masked, so a
//! message's frame is the same bytes for every recipient: the hub builds it once with
//! [`text_frame`] and shares it, and a delivery is a plain write of those bytes.

use bytes::{BufMut, Bytes, BytesMut};

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
