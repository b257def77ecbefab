//! A connection's outgoing side: every byte the server sends on one socket passes through
//! here, in order, and is written straight into the socket by whoever produced it.
//!
//! A published message is written by the publishing thread itself, without waking the
//! connection's task, when nothing is waiting ahead of it: one `write` per delivery of
//! bytes framed once for all recipients. Only when the kernel's send buffer is full do
//! bytes wait here; the session task then writes them out as the socket drains, and a
//! connection with more than its limit of frames waiting is a slow reader (closed, 4008).
//!
//! It also holds each joined group's *gate*: the last seq delivered (so a message is
//! written at most once) and, while a `join` replays history, the live messages held back
//! until the replay is out (so they are never written ahead of older ones).

use std::io::{self, IoSlice};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use bytes::{Buf, BytesMut};
use quid_shared::{Id, ServerFrame};
use smallvec::SmallVec;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::ack::Ack;
use super::gates::Gates;
use super::raw::RawSocket;
use super::wire;
use crate::hub::{Published, Sink};
use crate::metrics::ConnMetrics;

/// The pieces of one write, on the stack unless a run of messages is long.
type Parts<T> = SmallVec<[T; 8]>;

/// The socket is gone (reset, or closed by the peer while we wrote).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Broken;

pub(super) struct Outbox {
    stream: RawSocket,
    state: Mutex<State>,
    /// Signalled when bytes are left waiting (or the socket broke): the session drains.
    pending: Notify,
    /// Cancelled when more than `limit` frames wait: the session must close (4008).
    pub(super) slow: CancellationToken,
    limit: usize,
    metrics: Arc<ConnMetrics>,
}

#[derive(Default)]
struct State {
    /// Bytes accepted but not yet written; empty (and unallocated) almost always.
    waiting: BytesMut,
    /// Frames in `waiting`; how many of them are published messages, and when the
    /// oldest of those was handed to the hub.
    waiting_frames: usize,
    waiting_published: usize,
    oldest: Option<Instant>,
    gates: Gates<Gate>,
    /// Acks written before the connection got their message: each waits for it.
    deferred: Vec<Ack>,
    broken: bool,
}

/// A frame of the session's own: built here, or an ack built already.
#[derive(Debug)]
pub(super) enum Outgoing {
    Frame(ServerFrame),
    Ack(Ack),
    /// Nothing to answer (the outcome reaches the client another way).
    Nothing,
}

/// One joined group.
struct Gate {
    /// The last seq written for this group.
    last: i64,
    /// While a replay runs: live messages that arrived meanwhile.
    held: Option<Vec<Arc<Published>>>,
}

impl Outbox {
    pub(super) fn new(stream: RawSocket, limit: usize, metrics: Arc<ConnMetrics>) -> Self {
        Outbox {
            stream,
            state: Mutex::new(State::default()),
            pending: Notify::new(),
            slow: CancellationToken::new(),
            limit: limit.max(1),
            metrics,
        }
    }

    pub(super) fn stream(&self) -> &RawSocket {
        &self.stream
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(state) => state,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Writes `parts` (holding `frames` frames) now, in one system call, or leaves what
    /// the socket did not take waiting for the session.
    fn write(&self, state: &mut State, parts: &[&[u8]], frames: usize, published: Counted) {
        let total: usize = parts.iter().map(|part| part.len()).sum();
        if state.broken || total == 0 {
            return;
        }
        let mut written = 0;
        if state.waiting.is_empty() {
            let result = match parts {
                [one] => self.stream.try_write(one),
                _ => {
                    let slices: Parts<IoSlice<'_>> =
                        parts.iter().map(|p| IoSlice::new(p)).collect();
                    self.stream.try_write_vectored(&slices)
                }
            };
            match result {
                Ok(n) if n == total => {
                    self.delivered(published);
                    return;
                }
                Ok(n) => written = n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(_) => {
                    state.broken = true;
                    self.pending.notify_one();
                    return;
                }
            }
        }
        for part in parts {
            let skip = written.min(part.len());
            written -= skip;
            state.waiting.extend_from_slice(&part[skip..]);
        }
        state.waiting_frames += frames;
        state.waiting_published += published.count;
        if let Some(at) = published.oldest {
            state.oldest = Some(state.oldest.map_or(at, |o| o.min(at)));
        }
        self.check_limit(state);
        self.pending.notify_one();
    }

    fn check_limit(&self, state: &State) {
        let held: usize = state
            .gates
            .values()
            .filter_map(|g| g.held.as_ref().map(Vec::len))
            .sum();
        if state.waiting_frames + held > self.limit && !self.slow.is_cancelled() {
            self.slow.cancel();
            self.metrics.slow_readers.increment(1);
        }
    }

    fn delivered(&self, published: Counted) {
        if let Some(at) = published.oldest {
            crate::metrics::DELIVERIES.record(published.count as u64, at.elapsed());
        }
    }

    /// Sends frames of the session's own (replies, acks, errors) in one write. An ack
    /// for a message of a joined group that this connection has not been written yet
    /// waits for it.
    pub(super) fn send(&self, frames: Vec<Outgoing>) -> Result<(), Broken> {
        let mut state = self.lock();
        let mut bytes = Vec::new();
        let mut now = 0;
        for frame in frames {
            match frame {
                Outgoing::Nothing => continue,
                Outgoing::Frame(frame) => wire::put_server_frame(&mut bytes, &frame),
                Outgoing::Ack(ack) => {
                    let waits = state.gates.get(&ack.group);
                    if waits.is_some_and(|gate| gate.last < ack.seq) {
                        state.deferred.push(ack);
                        continue;
                    }
                    bytes.extend_from_slice(&ack.frame);
                }
            }
            now += 1;
        }
        self.write(&mut state, &[&bytes], now, Counted::NONE);
        if state.broken { Err(Broken) } else { Ok(()) }
    }

    /// Writes the deferred acks of `group` whose message is out (all of them when the
    /// group is no longer joined).
    fn release_acks(&self, state: &mut State, group: Id) {
        if state.deferred.is_empty() {
            return;
        }
        let last = state.gates.get(&group).map_or(i64::MAX, |gate| gate.last);
        let mut bytes = Vec::new();
        let mut frames = 0;
        state.deferred.retain_mut(|ack| {
            let ready = ack.group == group && ack.seq <= last;
            if ready {
                bytes.append(&mut ack.frame);
                frames += 1;
            }
            !ready
        });
        self.write(state, &[&bytes], frames, Counted::NONE);
    }

    /// Sends already-framed bytes (control frames written by the WebSocket layer).
    pub(super) fn send_raw(&self, bytes: &[u8], frames: usize) -> Result<(), Broken> {
        let mut state = self.lock();
        self.write(&mut state, &[bytes], frames, Counted::NONE);
        if state.broken { Err(Broken) } else { Ok(()) }
    }

    /// Resolves once bytes are waiting to be written (or the socket broke).
    pub(super) async fn has_waiting(&self) {
        self.pending.notified().await;
    }

    /// Writes out everything waiting, as fast as the peer reads it.
    pub(super) async fn drain(&self) -> Result<(), Broken> {
        loop {
            {
                let mut state = self.lock();
                if state.broken {
                    return Err(Broken);
                }
                while !state.waiting.is_empty() {
                    match self.stream.try_write(&state.waiting) {
                        Ok(n) => state.waiting.advance(n),
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                        Err(_) => {
                            state.broken = true;
                            return Err(Broken);
                        }
                    }
                }
                if state.waiting.is_empty() {
                    state.waiting_frames = 0;
                    let published = Counted {
                        count: std::mem::take(&mut state.waiting_published),
                        oldest: state.oldest.take(),
                    };
                    // give the buffer back: an idle connection holds none
                    state.waiting = BytesMut::new();
                    drop(state);
                    self.delivered(published);
                    return Ok(());
                }
            }
            self.stream.writable().await.map_err(|_| Broken)?;
        }
    }

    /// Whether `group` is joined (or being joined) on this connection.
    pub(super) fn is_joined(&self, group: Id) -> bool {
        self.lock().gates.contains(&group)
    }

    /// Starts a join: live messages of `group` are held from now until [`Outbox::open`].
    /// Returns whether it was joined already.
    pub(super) fn hold(&self, group: Id) -> bool {
        let mut state = self.lock();
        let was_joined = state.gates.contains(&group);
        let gate = state.gates.get_or_insert_with(group, || Gate {
            last: 0,
            held: None,
        });
        gate.held.get_or_insert_with(Vec::new);
        was_joined
    }

    /// Writes replayed history of a held group, skipping what was already written.
    /// Each item is a seq and what writes its frame. Returns the last seq written, or
    /// `None` if the group is no longer joined (the membership ended meanwhile).
    /// Replayed frames do not count towards the slow-reader limit: the join writes them
    /// page by page, draining in between.
    pub(super) fn replay<F>(
        &self,
        group: Id,
        items: impl IntoIterator<Item = (i64, F)>,
    ) -> Result<Option<i64>, Broken>
    where
        F: FnOnce(&mut Vec<u8>),
    {
        let mut state = self.lock();
        let Some(gate) = state.gates.get_mut(&group) else {
            return Ok(None);
        };
        let mut bytes = Vec::new();
        for (seq, put) in items {
            if seq > gate.last {
                gate.last = seq;
                put(&mut bytes);
            }
        }
        let last = gate.last;
        self.write(&mut state, &[&bytes], 0, Counted::NONE);
        self.release_acks(&mut state, group);
        if state.broken {
            Err(Broken)
        } else {
            Ok(Some(last))
        }
    }

    /// Ends a join: writes `joined` (recording `head` as delivered), then the held live
    /// messages newer than it, and lets live messages through again.
    pub(super) fn open(&self, group: Id, head: i64, joined: &ServerFrame) -> Result<(), Broken> {
        let mut state = self.lock();
        let Some(gate) = state.gates.get_mut(&group) else {
            return Ok(());
        };
        gate.last = gate.last.max(head);
        let mut bytes = Vec::new();
        wire::put_server_frame(&mut bytes, joined);
        let released = release(gate, &mut bytes);
        self.write(&mut state, &[&bytes], 1 + released.count, released);
        self.release_acks(&mut state, group);
        if state.broken { Err(Broken) } else { Ok(()) }
    }

    /// Ends a failed join: if the group was joined before, live messages flow again
    /// (after any held ones); otherwise it is forgotten.
    pub(super) fn abort(&self, group: Id, was_joined: bool) {
        let mut state = self.lock();
        if !was_joined {
            state.gates.remove(&group);
        } else if let Some(gate) = state.gates.get_mut(&group) {
            let mut bytes = Vec::new();
            let released = release(gate, &mut bytes);
            self.write(&mut state, &[&bytes], released.count, released);
        }
        self.release_acks(&mut state, group);
    }

    /// Forgets a group: nothing more of it is written (acks waiting for its messages go
    /// out now). Returns whether it was joined.
    pub(super) fn leave(&self, group: Id) -> bool {
        let mut state = self.lock();
        let joined = state.gates.remove(&group).is_some();
        self.release_acks(&mut state, group);
        joined
    }

    /// Forgets every group (the connection is closing).
    pub(super) fn leave_all(&self) -> Vec<Id> {
        let groups: Vec<Id> = self.lock().gates.groups().collect();
        for group in &groups {
            self.leave(*group);
        }
        groups
    }
}

/// Published messages among written bytes, for the delivery metrics.
#[derive(Debug, Clone, Copy)]
struct Counted {
    count: usize,
    oldest: Option<Instant>,
}

impl Counted {
    const NONE: Counted = Counted {
        count: 0,
        oldest: None,
    };
}

/// Appends a gate's held messages not yet written to `bytes` and lets live ones through.
fn release(gate: &mut Gate, bytes: &mut Vec<u8>) -> Counted {
    let mut released = Counted::NONE;
    for published in gate.held.take().unwrap_or_default() {
        if published.message.seq > gate.last {
            gate.last = published.message.seq;
            bytes.extend_from_slice(&published.frame);
            released.count += 1;
            released.oldest.get_or_insert(published.at);
        }
    }
    released
}

impl Sink for Outbox {
    fn offer(&self, run: &[Arc<Published>]) -> usize {
        let Some(first) = run.first() else {
            return 0;
        };
        let mut state = self.lock();
        let Some(gate) = state.gates.get_mut(&first.message.group) else {
            return 0;
        };
        if let Some(held) = &mut gate.held {
            held.extend(run.iter().cloned());
            self.check_limit(&state);
            return run.len();
        }
        let mut parts: Parts<&[u8]> = SmallVec::new();
        let mut counted = Counted::NONE;
        for published in run {
            if published.message.seq > gate.last {
                gate.last = published.message.seq;
                parts.push(&published.frame);
                counted.count += 1;
                counted.oldest.get_or_insert(published.at);
            }
        }
        self.write(&mut state, &parts, counted.count, counted);
        self.release_acks(&mut state, first.message.group);
        counted.count
    }

    /// The user's membership ended: the group is left, and the client is told so.
    fn removed(&self, group: Id) {
        if self.leave(group) {
            // a broken socket is noticed by the session
            let _ = self.send(vec![Outgoing::Frame(ServerFrame::Left { group })]);
        }
    }

    fn notify(&self, frame: &[u8]) {
        // a broken socket is noticed by the session
        let _ = self.send_raw(frame, 1);
    }
}

#[cfg(test)]
#[path = "outbox_tests.rs"]
mod tests;
