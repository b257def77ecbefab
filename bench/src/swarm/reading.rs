//! What a connection's reader thread holds and does with each frame: it checks every
//! message's seq against the last one seen (gaps, duplicates), records delivery latency
//! from the stamp in the content, and notes acks and `joined`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use super::upgrade::Upgrading;
use crate::clock;
use crate::conn::Link;
use crate::scan::{Scanned, scan};
use crate::stats::Counters;
use crate::swarm::Shared;

/// What a connection does with the messages it receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Joined to its group: every message is checked and counted as a delivery.
    Receiver,
    /// Joined to no group, so it receives no deliveries: a publisher (it reads its acks)
    /// or an idle connection.
    Unjoined,
}

/// Where a connection stands in its group, kept across reconnects.
#[derive(Debug)]
pub struct Progress {
    /// Highest seq received (or the `since` it joined with).
    pub last_seq: AtomicI64,
    /// Set while the load generator closes the connection itself (not a drop).
    pub closing: AtomicBool,
}

/// A connection as its reader thread holds it.
pub struct Reading {
    pub link: Arc<Link>,
    /// Until the upgrade is done.
    pub upgrading: Option<Upgrading>,
    pub(super) role: Role,
    pub(super) group_index: usize,
    pub(super) index: usize,
    /// When the join was sent, for the catch-up time.
    pub started: u64,
    pub(super) progress: Arc<Progress>,
    /// Between `join` and `joined`: messages are replayed ones, not live deliveries.
    pub(super) replaying: bool,
    pub(super) last: i64,
    /// Bytes of a frame not complete yet.
    pub partial: Vec<u8>,
}

impl Reading {
    /// Accounts for one text frame from the server.
    pub fn on_text(&mut self, text: &str, shared: &Shared) {
        let c = &shared.counters;
        Counters::bump(&c.frames);
        match scan(text) {
            Scanned::NewMessage { seq, stamp } if self.role == Role::Receiver => {
                let last = self.last;
                if seq == last + 1 {
                    self.last = seq;
                } else if seq > last + 1 {
                    let skipped = u64::try_from(seq - last - 1).unwrap_or(0);
                    c.gaps.fetch_add(skipped, Ordering::Relaxed);
                    self.last = seq;
                } else {
                    Counters::bump(&c.duplicates);
                }
                self.progress.last_seq.store(self.last, Ordering::Relaxed);
                if self.replaying {
                    Counters::bump(&c.replayed);
                } else {
                    Counters::bump(&c.delivered);
                    if let Some(stamp) = stamp {
                        shared
                            .latency
                            .record(self.index, clock::micros_since(stamp));
                    }
                }
            }
            Scanned::NewMessage { .. } => {}
            Scanned::Ack { seq, stamp } => {
                Counters::bump(&c.acked);
                shared.raise_head(self.group_index, seq);
                c.last_ack_stamp
                    .fetch_max(clock::now_stamp(), Ordering::Relaxed);
                if let Some(stamp) = stamp {
                    shared
                        .ack_latency
                        .record(self.index, clock::micros_since(stamp));
                }
            }
            Scanned::Joined { .. } => {
                if self.replaying {
                    self.replaying = false;
                    let took = clock::micros_since(self.started);
                    shared.catch_up.record(self.index, took);
                    Counters::bump(&shared.joined);
                }
            }
            Scanned::Error => {
                Counters::bump(&c.errors);
                if shared.verbose_errors.swap(false, Ordering::Relaxed) {
                    eprintln!("quid-bench: first error frame: {text}");
                }
            }
            Scanned::Other => {}
        }
    }

    /// The connection ended: a drop unless the load generator was closing it.
    pub fn ended(&self, shared: &Shared) {
        if !self.progress.closing.load(Ordering::Relaxed) {
            Counters::bump(&shared.counters.dropped);
        }
    }
}
