//! Reader threads: each waits on its share of the connections with one `epoll`, reads a
//! ready socket once into a reused buffer, splits out the frames and accounts for them,
//! so a received frame costs the load generator one `read` and a scan (no task wake-up,
//! no copy per frame). Pings are answered here; connections are added and removed by
//! message.

use std::collections::HashMap;
use std::io;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token, Waker};
use tokio::sync::oneshot;

use super::Shared;
use super::reading::Reading;
use super::upgrade::Step;
use crate::BenchError;
use crate::stats::Counters;
use crate::wire::{self, OP_CLOSE, OP_PING, OP_TEXT};
use crate::{clock, conn};

/// The waker's token; connections use their keys, which stay below it.
const WAKE: Token = Token(usize::MAX);
/// Bytes taken from a socket per read.
const READ_BUFFER: usize = 64 * 1024;
/// Largest frame accepted from the server.
const MAX_FRAME: usize = 4 * quid_shared::limits::MAX_FRAME_BYTES;

enum Command {
    Add(usize, Box<Reading>),
    Remove(usize, oneshot::Sender<()>),
}

struct Thread {
    commands: Sender<Command>,
    waker: Arc<Waker>,
    handle: Option<JoinHandle<()>>,
}

/// The reader threads of one swarm; connection `key` is read by thread `key % threads`.
pub struct Readers {
    threads: Vec<Thread>,
}

impl Readers {
    /// Starts `threads` (at least one) reader threads accounting into `shared`.
    pub fn start(threads: usize, shared: &Arc<Shared>) -> Result<Readers, BenchError> {
        let threads = (0..threads.max(1))
            .map(|i| {
                let poll = Poll::new()?;
                let waker = Arc::new(Waker::new(poll.registry(), WAKE)?);
                let (commands, inbox) = channel();
                let shared = Arc::clone(shared);
                let handle = std::thread::Builder::new()
                    .name(format!("quid-bench-read-{i}"))
                    .spawn(move || serve(poll, &inbox, &shared))?;
                Ok(Thread {
                    commands,
                    waker,
                    handle: Some(handle),
                })
            })
            .collect::<io::Result<Vec<_>>>()
            .map_err(|e| BenchError::io("starting the reader threads", e))?;
        Ok(Readers { threads })
    }

    fn thread(&self, key: usize) -> &Thread {
        &self.threads[key % self.threads.len()]
    }

    fn tell(&self, key: usize, command: Command) -> Result<(), BenchError> {
        let thread = self.thread(key);
        let gone = || BenchError::Protocol("a reader thread has stopped".into());
        thread.commands.send(command).map_err(|_| gone())?;
        thread.waker.wake().map_err(|_| gone())
    }

    /// Starts reading a connection under `key` (unique among this swarm's connections).
    pub fn add(&self, key: usize, reading: Reading) -> Result<(), BenchError> {
        self.tell(key, Command::Add(key, Box::new(reading)))
    }

    /// Stops reading the connection under `key`; resolves once its thread let go of it.
    pub async fn remove(&self, key: usize) {
        let (done, removed) = oneshot::channel();
        if self.tell(key, Command::Remove(key, done)).is_ok() {
            let _ = removed.await;
        }
    }
}

impl Drop for Readers {
    fn drop(&mut self) {
        for thread in &mut self.threads {
            // closing the channel and waking the thread makes it return
            let (closed, _) = channel();
            thread.commands = closed;
            let _ = thread.waker.wake();
            if let Some(handle) = thread.handle.take() {
                let _ = handle.join();
            }
        }
    }
}

/// One reader thread: until its command channel closes.
fn serve(mut poll: Poll, inbox: &Receiver<Command>, shared: &Shared) {
    let mut events = Events::with_capacity(1024);
    let mut conns: HashMap<usize, Reading> = HashMap::new();
    let mut buf = vec![0u8; READ_BUFFER];
    loop {
        if let Err(e) = poll.poll(&mut events, None) {
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            eprintln!("quid-bench: reader thread stopped: {e}");
            return;
        }
        let mut woken = false;
        for event in &events {
            if event.token() == WAKE {
                woken = true;
                continue;
            }
            let key = event.token().0;
            let Some(reading) = conns.get_mut(&key) else {
                continue;
            };
            if !service(reading, &mut buf, shared) {
                if let Some(reading) = conns.remove(&key) {
                    drop_conn(&poll, reading, shared);
                }
            }
        }
        if !woken {
            continue;
        }
        loop {
            match inbox.try_recv() {
                Ok(Command::Add(key, reading)) => {
                    let mut reading = *reading;
                    let fd = reading.link.fd();
                    // writable: the connect completing, for the upgrade request
                    let registered = poll.registry().register(
                        &mut SourceFd(&fd),
                        Token(key),
                        Interest::READABLE | Interest::WRITABLE,
                    );
                    if registered.is_ok() && service(&mut reading, &mut buf, shared) {
                        conns.insert(key, reading);
                    } else {
                        drop_conn(&poll, reading, shared);
                    }
                }
                Ok(Command::Remove(key, done)) => {
                    if let Some(reading) = conns.remove(&key) {
                        drop_conn(&poll, reading, shared);
                    }
                    let _ = done.send(());
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => break,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => return,
            }
        }
    }
}

/// Moves a ready connection on: its upgrade, then bytes left waiting to be written, then
/// its frames; whether it stays open.
fn service(reading: &mut Reading, buf: &mut [u8], shared: &Shared) -> bool {
    if let Some(upgrading) = &mut reading.upgrading {
        match upgrading.advance(&reading.link, buf) {
            Step::Pending => return true,
            Step::Failed => return false,
            Step::Open(early) => {
                reading.upgrading = None;
                reading.started = clock::now_stamp();
                if !take_frames(reading, &early, shared) {
                    return false;
                }
            }
        }
    } else if reading.link.flush().is_err() {
        // a pong left waiting could not go out: the socket is gone
        return false;
    }
    read_ready(reading, buf, shared)
}

/// Stops reading a connection: one that ended (a drop unless it was being closed), or
/// one still upgrading (its connecting task is told; that is no drop).
fn drop_conn(poll: &Poll, mut reading: Reading, shared: &Shared) {
    forget(poll, &reading);
    match &mut reading.upgrading {
        Some(upgrading) => upgrading.abandon("the connection ended during the upgrade"),
        None => reading.ended(shared),
    }
}

fn forget(poll: &Poll, reading: &Reading) {
    let _ = poll
        .registry()
        .deregister(&mut SourceFd(&reading.link.fd()));
}

/// Reads what a ready socket holds; whether the connection is still open. Registration is
/// edge-triggered: a read that does not fill the buffer took everything there was (a TCP
/// read returns all it has up to the length asked), and bytes arriving later raise a new
/// edge.
fn read_ready(reading: &mut Reading, buf: &mut [u8], shared: &Shared) -> bool {
    loop {
        let n = match reading.link.read(buf) {
            Ok(0) => return false,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return false,
        };
        if !take_frames(reading, &buf[..n], shared) {
            return false;
        }
        if n < buf.len() {
            return true;
        }
    }
}

/// Accounts for the complete frames in the connection's partial bytes followed by
/// `fresh`, keeping an incomplete tail; whether the connection is still open.
fn take_frames(reading: &mut Reading, fresh: &[u8], shared: &Shared) -> bool {
    let mut partial = std::mem::take(&mut reading.partial);
    let joined = !partial.is_empty();
    if joined {
        partial.extend_from_slice(fresh);
    }
    let bytes: &[u8] = if joined { &partial } else { fresh };
    let mut at = 0;
    let open = loop {
        let frame = match wire::next_frame(&bytes[at..], MAX_FRAME) {
            Ok(Some((frame, used))) => {
                at += used;
                frame
            }
            Ok(None) => break true,
            Err(_) => {
                Counters::bump(&shared.counters.errors);
                break false;
            }
        };
        let still_open = match frame.opcode {
            OP_TEXT => {
                match std::str::from_utf8(frame.payload) {
                    Ok(text) => reading.on_text(text, shared),
                    Err(_) => Counters::bump(&shared.counters.errors),
                }
                true
            }
            OP_PING => reading.link.offer(&conn::pong(frame.payload)).is_ok(),
            OP_CLOSE => false,
            _ => true,
        };
        if !still_open {
            break false;
        }
    };
    if open && at < bytes.len() {
        if joined {
            partial.drain(..at);
            reading.partial = partial;
        } else {
            reading.partial = fresh[at..].to_vec();
        }
    }
    open
}
