//! The socket under a WebSocket, written to without waiting by whoever has bytes for it:
//! the TCP connection itself, or, when the server speaks TLS, the plaintext end of a
//! local socket pair whose other end the TLS layer ([`crate::tls`]) encrypts onto the
//! network. Both answer the same non-blocking calls.

use std::io::{self, IoSlice};
use std::task::{Context, Poll};

use tokio::net::{TcpStream, UnixStream};

/// A connected stream the outbox writes into and tungstenite reads from.
pub(crate) enum RawSocket {
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl RawSocket {
    pub(super) fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        match self {
            RawSocket::Tcp(s) => s.try_write(buf),
            RawSocket::Unix(s) => s.try_write(buf),
        }
    }

    pub(super) fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        match self {
            RawSocket::Tcp(s) => s.try_write_vectored(bufs),
            RawSocket::Unix(s) => s.try_write_vectored(bufs),
        }
    }

    pub(super) fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            RawSocket::Tcp(s) => s.try_read(buf),
            RawSocket::Unix(s) => s.try_read(buf),
        }
    }

    pub(super) fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self {
            RawSocket::Tcp(s) => s.poll_read_ready(cx),
            RawSocket::Unix(s) => s.poll_read_ready(cx),
        }
    }

    pub(super) async fn writable(&self) -> io::Result<()> {
        match self {
            RawSocket::Tcp(s) => s.writable().await,
            RawSocket::Unix(s) => s.writable().await,
        }
    }
}
