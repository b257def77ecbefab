//! The WebSocket wire format as far as a load generator needs it, written out by hand so
//! a received frame costs one `read` and a scan, not a framework's wake-ups and copies:
//! the upgrade request and its answer, masked client frames, and unmasked server frames.

/// The `Sec-WebSocket-Key` every connection sends (RFC 6455's own example; the server
/// only has to hash it) and the `Sec-WebSocket-Accept` the server must answer with.
const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
const ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

const FIN: u8 = 0x80;
pub const OP_TEXT: u8 = 0x1;
pub const OP_CLOSE: u8 = 0x8;
pub const OP_PING: u8 = 0x9;
pub const OP_PONG: u8 = 0xA;

/// The upgrade request for `GET {path}` on `host`, authenticated with `token`.
pub fn upgrade_request(host: &str, path: &str, token: &str) -> Vec<u8> {
    format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\n\
         Authorization: Bearer {token}\r\n\r\n"
    )
    .into_bytes()
}

/// What the bytes read so far say about the upgrade.
#[derive(Debug, PartialEq, Eq)]
pub enum Upgrade {
    /// The head of the answer is not complete yet.
    Incomplete,
    /// `101` with the right accept key; the head was this many bytes long (frames may
    /// follow it in the same read).
    Accepted(usize),
    /// Anything else: the status line, or what was wrong.
    Refused(String),
}

/// Reads the server's answer to [`upgrade_request`] from the bytes received so far.
pub fn upgrade_answer(bytes: &[u8]) -> Upgrade {
    let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Upgrade::Incomplete;
    };
    let head = String::from_utf8_lossy(&bytes[..end]);
    let status = head.lines().next().unwrap_or_default();
    if !status.starts_with("HTTP/1.1 101") {
        let body = String::from_utf8_lossy(&bytes[end + 4..]);
        return Upgrade::Refused(format!("{status} {}", body.trim()));
    }
    let accepted = head.lines().any(|line| {
        line.split_once(':').is_some_and(|(name, value)| {
            name.eq_ignore_ascii_case("sec-websocket-accept") && value.trim() == ACCEPT
        })
    });
    if accepted {
        Upgrade::Accepted(end + 4)
    } else {
        Upgrade::Refused("101 without the expected Sec-WebSocket-Accept".into())
    }
}

/// Appends a masked client frame (`opcode`, final) carrying `payload` to `out`.
pub fn put_client_frame(out: &mut Vec<u8>, opcode: u8, payload: &[u8], mask: [u8; 4]) {
    out.push(FIN | opcode);
    let len = payload.len();
    if len < 126 {
        out.push(0x80 | len as u8);
    } else if let Ok(len) = u16::try_from(len) {
        out.push(0x80 | 126);
        out.extend_from_slice(&len.to_be_bytes());
    } else {
        out.push(0x80 | 127);
        out.extend_from_slice(&(len as u64).to_be_bytes());
    }
    out.extend_from_slice(&mask);
    out.extend(payload.iter().zip(mask.iter().cycle()).map(|(b, m)| b ^ m));
}

/// One frame read from the server.
#[derive(Debug, PartialEq, Eq)]
pub struct Frame<'a> {
    pub opcode: u8,
    pub payload: &'a [u8],
}

/// Why the server's bytes are not frames this client can read.
#[derive(Debug, PartialEq, Eq)]
pub enum Malformed {
    /// Servers never mask their frames.
    Masked,
    /// Longer than `max` bytes.
    TooLong,
}

/// The first complete frame in `buf` and the bytes it took, `None` while incomplete.
pub fn next_frame(buf: &[u8], max: usize) -> Result<Option<(Frame<'_>, usize)>, Malformed> {
    let [first, second, ..] = *buf else {
        return Ok(None);
    };
    if second & 0x80 != 0 {
        return Err(Malformed::Masked);
    }
    let (len, head) = match second & 0x7F {
        126 => match buf.get(2..4) {
            Some(b) => (u64::from(u16::from_be_bytes([b[0], b[1]])), 4),
            None => return Ok(None),
        },
        127 => match buf.get(2..10).and_then(|b| <[u8; 8]>::try_from(b).ok()) {
            Some(b) => (u64::from_be_bytes(b), 10),
            None => return Ok(None),
        },
        short => (u64::from(short), 2),
    };
    let len = usize::try_from(len)
        .ok()
        .filter(|len| *len <= max)
        .ok_or(Malformed::TooLong)?;
    Ok(buf.get(head..head + len).map(|payload| {
        let frame = Frame {
            opcode: first & 0x0F,
            payload,
        };
        (frame, head + len)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unmask(frame: &[u8]) -> (u8, Vec<u8>) {
        let (len, at) = match frame[1] & 0x7F {
            126 => (u16::from_be_bytes([frame[2], frame[3]]) as usize, 4),
            n => (n as usize, 2),
        };
        let mask = &frame[at..at + 4];
        let body = &frame[at + 4..];
        assert_eq!(body.len(), len);
        (
            frame[0],
            body.iter()
                .zip(mask.iter().cycle())
                .map(|(b, m)| b ^ m)
                .collect(),
        )
    }

    /// Client frames are final, masked and carry their payload.
    #[test]
    fn client_frames_round_trip() {
        for len in [0, 5, 125, 126, 300, 70_000] {
            let payload: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let mut out = Vec::new();
            put_client_frame(&mut out, OP_TEXT, &payload, [1, 2, 3, 4]);
            if len >= 65_536 {
                assert_eq!(out[1], 0x80 | 127);
                continue;
            }
            let (first, body) = unmask(&out);
            assert_eq!(first, FIN | OP_TEXT);
            assert_eq!(body, payload);
        }
    }

    /// Server frames of every length encoding are found, and incomplete ones wait.
    #[test]
    fn server_frames_are_split_out() {
        let mut buf = vec![FIN | OP_TEXT, 3, b'a', b'b', b'c'];
        buf.extend_from_slice(&[FIN | OP_PING, 0]);
        let mut long = vec![FIN | OP_TEXT, 126, 0x01, 0x00];
        long.extend(std::iter::repeat_n(b'x', 256));
        buf.extend_from_slice(&long);
        let (f, n) = next_frame(&buf, 1 << 20).unwrap().unwrap();
        assert_eq!((f.opcode, f.payload, n), (OP_TEXT, &b"abc"[..], 5));
        let (f, n2) = next_frame(&buf[n..], 1 << 20).unwrap().unwrap();
        assert_eq!((f.opcode, f.payload.len(), n2), (OP_PING, 0, 2));
        let rest = &buf[n + n2..];
        for cut in 0..rest.len() {
            assert_eq!(next_frame(&rest[..cut], 1 << 20), Ok(None));
        }
        let (f, _) = next_frame(rest, 1 << 20).unwrap().unwrap();
        assert_eq!(f.payload.len(), 256);
        assert_eq!(next_frame(rest, 100), Err(Malformed::TooLong));
        assert_eq!(next_frame(&[0x81, 0x85], 100), Err(Malformed::Masked));
    }

    /// Only a `101` with the right accept key opens the connection.
    #[test]
    fn upgrade_answers_are_checked() {
        let ok = format!(
            "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\
             sec-websocket-accept: {ACCEPT}\r\n\r\n\x01\x00"
        );
        let head = ok.len() - 2;
        assert_eq!(upgrade_answer(ok.as_bytes()), Upgrade::Accepted(head));
        assert_eq!(
            upgrade_answer(&ok.as_bytes()[..head - 1]),
            Upgrade::Incomplete
        );
        let refused =
            upgrade_answer(b"HTTP/1.1 401 Unauthorized\r\n\r\n{\"code\":\"unauthorized\"}");
        assert!(
            matches!(refused, Upgrade::Refused(s) if s.contains("401") && s.contains("unauthorized"))
        );
        let wrong = "HTTP/1.1 101 Switching Protocols\r\nsec-websocket-accept: nope\r\n\r\n";
        assert!(matches!(
            upgrade_answer(wrong.as_bytes()),
            Upgrade::Refused(_)
        ));
    }
}
