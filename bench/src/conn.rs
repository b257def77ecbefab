//! Authenticated WebSocket connections to the server under test: the upgrade is done on
//! the async runtime, then the socket leaves it and becomes a [`Link`] that the reader
//! threads read and publishers write, and the frames the load generator sends.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use quid_shared::{ClientFrame, Id};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::BenchError;
use crate::scan::stamped_content;
use crate::wire::{self, OP_CLOSE, OP_PONG, OP_TEXT, Upgrade};

/// How long a TCP connect plus upgrade may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long one frame may wait for room in the socket's send buffer.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest upgrade answer read before giving up on it.
const MAX_HEAD: usize = 16 * 1024;

/// An open connection: a non-blocking socket whose writes are serialised, so that a
/// publisher's sends and the reader's pongs never interleave inside a frame.
pub struct Link {
    stream: TcpStream,
    writing: Mutex<()>,
}

impl Link {
    /// Writes `bytes` whole, waiting (bounded) while the send buffer is full.
    pub fn send(&self, bytes: &[u8]) -> io::Result<()> {
        let _one_writer = self.writing.lock().unwrap_or_else(|p| p.into_inner());
        let deadline = Instant::now() + WRITE_TIMEOUT;
        let mut rest = bytes;
        while !rest.is_empty() {
            match (&self.stream).write(rest) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => rest = &rest[n..],
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    wait_writable(&self.stream, deadline)?;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// One non-blocking read.
    pub fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        (&self.stream).read(buf)
    }

    /// The socket, to register with a poller.
    pub fn fd(&self) -> std::os::fd::RawFd {
        self.stream.as_raw_fd()
    }

    /// Sends a normal close frame (best effort) and shuts the socket down.
    pub fn close(&self) {
        let mut frame = Vec::with_capacity(8);
        wire::put_client_frame(&mut frame, OP_CLOSE, &1000u16.to_be_bytes(), mask());
        let _ = self.send(&frame);
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }
}

/// Waits until `stream` can take bytes again, or `deadline` passes.
fn wait_writable(stream: &TcpStream, deadline: Instant) -> io::Result<()> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(io::ErrorKind::TimedOut.into());
    }
    let mut fd = libc::pollfd {
        fd: stream.as_raw_fd(),
        events: libc::POLLOUT,
        revents: 0,
    };
    let ms = libc::c_int::try_from(left.as_millis().min(100)).unwrap_or(100);
    // SAFETY: `fd` is one valid pollfd that outlives the call.
    let r = unsafe { libc::poll(&mut fd, 1, ms) };
    if r < 0 {
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
    Ok(())
}

/// Connects to the WebSocket endpoint at `addr` with `Authorization: Bearer <token>`;
/// returns the open link and any bytes that arrived right behind the upgrade answer.
pub async fn connect(addr: SocketAddr, token: &str) -> Result<(Link, Vec<u8>), BenchError> {
    let attempt = async {
        let io = |what: &str| {
            let what = format!("{what} {addr}");
            move |e| BenchError::io(what, e)
        };
        let mut tcp = tokio::net::TcpStream::connect(addr)
            .await
            .map_err(io("connecting to"))?;
        tcp.set_nodelay(true).map_err(io("TCP_NODELAY on"))?;
        let request = wire::upgrade_request(&addr.to_string(), crate::target::WS_PATH, token);
        tcp.write_all(&request)
            .await
            .map_err(io("sending the upgrade to"))?;
        let mut head = Vec::with_capacity(256);
        let mut buf = [0u8; 1024];
        let end = loop {
            let n = tcp
                .read(&mut buf)
                .await
                .map_err(io("reading the upgrade from"))?;
            if n == 0 {
                return Err(BenchError::Protocol(
                    "connection closed during the upgrade".into(),
                ));
            }
            head.extend_from_slice(&buf[..n]);
            match wire::upgrade_answer(&head) {
                Upgrade::Accepted(end) => break end,
                Upgrade::Refused(why) => {
                    return Err(BenchError::Protocol(format!("upgrade refused: {why}")));
                }
                Upgrade::Incomplete if head.len() > MAX_HEAD => {
                    return Err(BenchError::Protocol("upgrade answer too long".into()));
                }
                Upgrade::Incomplete => {}
            }
        };
        let stream = tcp.into_std().map_err(io("detaching the socket of"))?;
        let link = Link {
            stream,
            writing: Mutex::new(()),
        };
        Ok((link, head.split_off(end)))
    };
    tokio::time::timeout(CONNECT_TIMEOUT, attempt)
        .await
        .map_err(|_| BenchError::Timeout(format!("WebSocket connect to {addr}")))?
}

/// A mask key for a client frame. Any key is valid; they only have to vary.
fn mask() -> [u8; 4] {
    static NEXT: AtomicU32 = AtomicU32::new(0x9E37_79B9);
    NEXT.fetch_add(0x6D2B_79F5, Ordering::Relaxed).to_ne_bytes()
}

fn put_json(out: &mut Vec<u8>, frame: &ClientFrame) {
    // Serialising our own enum of strings and numbers cannot fail.
    let json = serde_json::to_vec(frame).unwrap_or_default();
    wire::put_client_frame(out, OP_TEXT, &json, mask());
}

/// `join {group, since}` as a frame.
pub fn join(group: Id, since: i64) -> Vec<u8> {
    let mut out = Vec::new();
    put_json(
        &mut out,
        &ClientFrame::Join {
            group,
            since: Some(since),
        },
    );
    out
}

/// Appends a `send` frame whose content carries `stamp` and is padded to `payload` bytes.
pub fn put_send(out: &mut Vec<u8>, group: Id, stamp: u64, payload: usize, client_id: String) {
    put_json(
        out,
        &ClientFrame::Send {
            group,
            content: stamped_content(stamp, payload),
            client_id,
            reply_to: None,
            to: None,
        },
    );
}

/// The pong that answers a ping carrying `payload`.
pub fn pong(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 6);
    wire::put_client_frame(&mut out, OP_PONG, payload, mask());
    out
}
