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
