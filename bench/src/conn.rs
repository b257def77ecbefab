//! Authenticated WebSocket connections to the server under test: a [`Link`] is a
//! non-blocking socket that the reader threads read (they also finish its upgrade) and
//! publishers write, and the frames the load generator sends.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, TryLockError};
use std::time::{Duration, Instant};

use quid_shared::{ClientFrame, Id};
use socket2::{Domain, Protocol, Socket, Type};

use crate::scan::stamped_content;
use crate::wire::{self, OP_CLOSE, OP_PONG, OP_TEXT};

/// How long a TCP connect plus upgrade may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long one frame may wait for room in the socket's send buffer.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// An open connection: a non-blocking socket whose writes are serialised, so that a
/// publisher's sends and the reader's pongs never interleave inside a frame.
pub struct Link {
    stream: TcpStream,
    /// Held while writing; holds the rest of a frame the reader began but the socket did
    /// not take, which goes out before anything else.
    writing: Mutex<Vec<u8>>,
}

impl Link {
    /// Writes `bytes` whole, after any bytes still waiting, waiting (bounded) while the
    /// send buffer is full. On an error, what was not written stays waiting, so the
    /// stream never skips part of a frame.
    pub fn send(&self, bytes: &[u8]) -> io::Result<()> {
        let mut unsent = self.writing.lock().unwrap_or_else(|p| p.into_inner());
        let deadline = Instant::now() + WRITE_TIMEOUT;
        if unsent.is_empty() {
            let written = write_until(&self.stream, bytes, Some(deadline));
            if let Err((done, e)) = written {
                unsent.extend_from_slice(&bytes[done..]);
                return Err(e);
            }
            return Ok(());
        }
        unsent.extend_from_slice(bytes);
        flush(&self.stream, &mut unsent, Some(deadline))
    }

    /// Writes `bytes` without waiting, for the reader thread, which serves every
    /// connection and must never block on one: what the socket does not take now goes
    /// out ahead of this link's next write, or when the socket can take it
    /// ([`Link::flush`]). Skipped when another thread is writing on the link (a pong can
    /// be: the server counts any frame as a sign of life).
    pub fn offer(&self, bytes: &[u8]) -> io::Result<()> {
        let mut unsent = match self.writing.try_lock() {
            Ok(unsent) => unsent,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            // whoever holds it writes the waiting bytes first
            Err(TryLockError::WouldBlock) => return Ok(()),
        };
        unsent.extend_from_slice(bytes);
        flush(&self.stream, &mut unsent, None)
    }

    /// Writes, without waiting, what earlier writes left waiting; for the reader thread
    /// when the socket reports room.
    pub fn flush(&self) -> io::Result<()> {
        self.offer(&[])
    }

    /// One non-blocking write, for a link no one else writes yet (the upgrade request).
    pub fn write_some(&self, bytes: &[u8]) -> io::Result<usize> {
        (&self.stream).write(bytes)
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

/// Writes `unsent` out, removing what was written; with no `deadline`, only what the
/// socket takes now.
fn flush(stream: &TcpStream, unsent: &mut Vec<u8>, deadline: Option<Instant>) -> io::Result<()> {
    let result = write_until(stream, unsent, deadline);
    let done = match &result {
        Ok(done) => *done,
        Err((done, _)) => *done,
    };
    unsent.drain(..done);
    result.map(drop).map_err(|(_, e)| e)
}

/// Writes `bytes` until all are written, the socket is full with no `deadline` to wait
/// for, or an error; returns how many were written (with the error, if any).
fn write_until(
    stream: &TcpStream,
    bytes: &[u8],
    deadline: Option<Instant>,
) -> Result<usize, (usize, io::Error)> {
    let mut done = 0;
    while done < bytes.len() {
        match (&*stream).write(&bytes[done..]) {
            Ok(0) => return Err((done, io::ErrorKind::WriteZero.into())),
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => match deadline {
                None => break,
                Some(deadline) => wait_writable(stream, deadline).map_err(|e| (done, e))?,
            },
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err((done, e)),
        }
    }
    Ok(done)
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

/// Starts a TCP connect to `addr` without waiting for it: a non-blocking socket whose
/// WebSocket upgrade the reader thread finishes ([`crate::swarm`]'s `Upgrading`).
pub fn dial(addr: SocketAddr) -> io::Result<Link> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_nonblocking(true)?;
    socket.set_tcp_nodelay(true)?;
    match socket.connect(&addr.into()) {
        Ok(()) => {}
        Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {}
        Err(e) => return Err(e),
    }
    Ok(Link {
        stream: socket.into(),
        writing: Mutex::new(Vec::new()),
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A connected link and the peer's end of it.
    fn pair() -> (Link, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let link = dial(listener.local_addr().unwrap()).unwrap();
        let (peer, _) = listener.accept().unwrap();
        (link, peer)
    }

    /// The bytes `from..from + len` of a stream that never repeats (a running counter).
    fn pattern(from: usize, len: usize) -> Vec<u8> {
        (from..from + len)
            .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[i % 4])
            .collect()
    }

    /// On a socket whose peer does not read, `offer` returns at once instead of waiting
    /// for room; what it could not write goes out, in order, ahead of the next `send`,
    /// or when `flush` finds room.
    #[test]
    fn offer_never_waits_and_keeps_order() {
        let (link, mut peer) = pair();
        let link = std::sync::Arc::new(link);
        let (done, finished) = std::sync::mpsc::channel();
        let offering = std::sync::Arc::clone(&link);
        // off the test thread, so that an `offer` that blocks fails the test, not hangs it
        std::thread::spawn(move || {
            let mut offered = 0;
            // far more than the socket buffers hold: every call must return at once
            while offered < 64 * 1024 * 1024 && offering.writing.lock().unwrap().is_empty() {
                offering.offer(&pattern(offered, 64 * 1024)).unwrap();
                offered += 64 * 1024;
            }
            // another offer, and a flush, while bytes wait: queued behind them
            offering.offer(&pattern(offered, 1000)).unwrap();
            offering.flush().unwrap();
            let _ = done.send(offered + 1000);
        });
        let offered = finished
            .recv_timeout(Duration::from_secs(20))
            .expect("offer waited for the socket");
        assert!(offered < 64 * 1024 * 1024, "the send buffer never filled");
        assert!(!link.writing.lock().unwrap().is_empty());
        let reader = std::thread::spawn(move || {
            let mut all = Vec::new();
            peer.read_to_end(&mut all).unwrap();
            all
        });
        link.send(&pattern(offered, 4)).unwrap();
        assert!(link.writing.lock().unwrap().is_empty());
        link.stream.shutdown(std::net::Shutdown::Write).unwrap();
        let all = reader.join().unwrap();
        assert_eq!(all.len(), offered + 4);
        assert!(all == pattern(0, offered + 4), "bytes out of order");
    }

    /// Bytes left waiting by `offer` go out with `flush` once the peer reads, with no
    /// other write on the link.
    #[test]
    fn flush_sends_what_waits() {
        let (link, mut peer) = pair();
        let mut offered = 0;
        while link.writing.lock().unwrap().is_empty() {
            link.offer(&pattern(offered, 64 * 1024)).unwrap();
            offered += 64 * 1024;
        }
        let reader = std::thread::spawn(move || {
            let mut all = vec![0; offered];
            peer.read_exact(&mut all).unwrap();
            all
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        while !link.writing.lock().unwrap().is_empty() {
            assert!(Instant::now() < deadline, "flush never finished");
            link.flush().unwrap();
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(reader.join().unwrap() == pattern(0, offered));
    }
}
