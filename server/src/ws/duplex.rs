//! The byte stream tungstenite sees: reads come from the socket (after any bytes hyper
//! had already read past the upgrade request), writes go into the connection's
//! [`Outbox`], so the control frames tungstenite writes (pong, close) stay in order with
//! every other frame on the socket.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use bytes::{Buf, Bytes};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::outbox::Outbox;

pub(super) struct Duplex {
    outbox: Arc<Outbox>,
    /// Read by hyper beyond the upgrade request; served before the socket.
    early: Bytes,
}

impl Duplex {
    pub(super) fn new(outbox: Arc<Outbox>, early: Bytes) -> Duplex {
        // `early` is a view into hyper's read buffer; keeping it would keep that buffer
        // (KiBs) alive for the connection's lifetime
        let early = if early.is_empty() {
            Bytes::new()
        } else {
            Bytes::copy_from_slice(&early)
        };
        Duplex { outbox, early }
    }
}

impl AsyncRead for Duplex {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if !self.early.is_empty() {
            let n = self.early.len().min(buf.remaining());
            buf.put_slice(&self.early[..n]);
            self.early.advance(n);
            return Poll::Ready(Ok(()));
        }
        let stream = self.outbox.stream();
        loop {
            ready!(stream.poll_read_ready(cx))?;
            match stream.try_read(buf.initialize_unfilled()) {
                Ok(n) => {
                    buf.advance(n);
                    return Poll::Ready(Ok(()));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}

impl AsyncWrite for Duplex {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.outbox.send_raw(buf, 1) {
            Ok(()) => Poll::Ready(Ok(buf.len())),
            Err(_) => Poll::Ready(Err(io::ErrorKind::BrokenPipe.into())),
        }
    }

    /// Bytes the socket did not take at once are written by the session's drain.
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
