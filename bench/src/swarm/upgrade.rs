//! The WebSocket upgrade of a new connection, finished by the reader thread that will read
//! it: the socket is registered with that thread's poller once, while it is still
//! connecting, and the thread writes the request when it connects, reads the answer as it
//! arrives, sends the bytes that follow the upgrade (a receiver's `join`) and tells the
//! connecting task the outcome. A connect costs no runtime registration and no hand-over.

use std::io;

use tokio::sync::oneshot;

use crate::conn::Link;
use crate::wire::{self, Upgrade};

/// Longest upgrade answer read before giving up on it.
const MAX_HEAD: usize = 16 * 1024;

/// How the upgrade ended, for the connecting task.
pub type Outcome = Result<(), String>;

/// An upgrade in progress.
pub struct Upgrading {
    request: Vec<u8>,
    /// Bytes of `request` written so far.
    written: usize,
    /// Sent as soon as the upgrade is accepted.
    then: Vec<u8>,
    /// The answer so far.
    head: Vec<u8>,
    done: Option<oneshot::Sender<Outcome>>,
}

/// Where an upgrade stands after a readiness event.
pub enum Step {
    /// Waiting for the socket.
    Pending,
    /// Accepted; the bytes that came right behind the answer.
    Open(Vec<u8>),
    /// Failed; the connecting task has been told why.
    Failed,
}

impl Upgrading {
    /// An upgrade that sends `request`, then `then` once accepted, and reports to `done`.
    pub fn new(request: Vec<u8>, then: Vec<u8>, done: oneshot::Sender<Outcome>) -> Self {
        Upgrading {
            request,
            written: 0,
            then,
            head: Vec::new(),
            done: Some(done),
        }
    }

    /// Moves the upgrade on as far as the socket allows, reading through `buf`.
    pub fn advance(&mut self, link: &Link, buf: &mut [u8]) -> Step {
        match self.try_advance(link, buf) {
            Ok(Some(early)) => {
                self.tell(Ok(()));
                Step::Open(early)
            }
            Ok(None) => Step::Pending,
            Err(why) => {
                self.tell(Err(why));
                Step::Failed
            }
        }
    }

    /// Gives up (the reader thread is dropping the connection).
    pub fn abandon(&mut self, why: &str) {
        self.tell(Err(why.to_owned()));
    }

    fn tell(&mut self, outcome: Outcome) {
        if let Some(done) = self.done.take() {
            let _ = done.send(outcome);
        }
    }

    fn try_advance(&mut self, link: &Link, buf: &mut [u8]) -> Result<Option<Vec<u8>>, String> {
        while self.written < self.request.len() {
            match link.write_some(&self.request[self.written..]) {
                Ok(0) => return Err("the socket took no bytes".into()),
                Ok(n) => self.written += n,
                // still connecting, or the buffer is full: a writable edge follows
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(None),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("sending the upgrade: {e}")),
            }
        }
        loop {
            let n = match link.read(buf) {
                Ok(0) => return Err("connection closed during the upgrade".into()),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(None),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(format!("reading the upgrade: {e}")),
            };
            self.head.extend_from_slice(&buf[..n]);
            match wire::upgrade_answer(&self.head) {
                Upgrade::Accepted(end) => {
                    if !self.then.is_empty() {
                        link.send(&self.then)
                            .map_err(|e| format!("sending after the upgrade: {e}"))?;
                    }
                    return Ok(Some(self.head.split_off(end)));
                }
                Upgrade::Refused(why) => return Err(format!("upgrade refused: {why}")),
                Upgrade::Incomplete if self.head.len() > MAX_HEAD => {
                    return Err("upgrade answer too long".into());
                }
                Upgrade::Incomplete => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::time::{Duration, Instant};

    use super::*;
    use crate::conn;

    /// Drives `upgrading` on a fresh connection to a one-shot server that reads the
    /// request and answers `answer`; returns the last step, the outcome the connecting
    /// task is told, and the bytes the server got after the request.
    fn upgrade_against(answer: &'static [u8]) -> (Step, Outcome, Vec<u8>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let link = conn::dial(listener.local_addr().unwrap()).unwrap();
        let request = wire::upgrade_request("test", "/ws", "token");
        let expected = request.len();
        let server = std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            let mut got = vec![0u8; expected];
            socket.read_exact(&mut got).unwrap();
            socket.write_all(answer).unwrap();
            socket
                .set_read_timeout(Some(Duration::from_millis(300)))
                .unwrap();
            let mut after = Vec::new();
            let _ = socket.read_to_end(&mut after);
            after
        });
        let (done, mut outcome) = oneshot::channel();
        let mut upgrading = Upgrading::new(request, b"then".to_vec(), done);
        let mut buf = vec![0u8; 1024];
        let deadline = Instant::now() + Duration::from_secs(10);
        let step = loop {
            match upgrading.advance(&link, &mut buf) {
                Step::Pending => {
                    assert!(Instant::now() < deadline, "the upgrade never ended");
                    std::thread::sleep(Duration::from_millis(1));
                }
                step => break step,
            }
        };
        drop(link);
        let after = server.join().unwrap();
        (step, outcome.try_recv().unwrap(), after)
    }

    /// An accepted upgrade hands over the bytes behind the answer, sends `then`, and
    /// tells the task; a refused one tells the task why and sends nothing more.
    #[test]
    fn upgrades_end_accepted_or_refused() {
        let accepted: &[u8] = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\
            Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n\x81\x02hi";
        let (step, outcome, after) = upgrade_against(accepted);
        assert!(matches!(step, Step::Open(early) if early == b"\x81\x02hi"));
        assert_eq!(outcome, Ok(()));
        assert_eq!(after, b"then");

        let refused: &[u8] = b"HTTP/1.1 401 Unauthorized\r\ncontent-length: 9\r\n\r\nbad token";
        let (step, outcome, after) = upgrade_against(refused);
        assert!(matches!(step, Step::Failed));
        let why = outcome.unwrap_err();
        assert!(why.contains("401") && why.contains("bad token"), "{why}");
        assert!(after.is_empty());
    }
}
