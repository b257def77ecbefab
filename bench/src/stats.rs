//! Latency histograms (HDR, microseconds) and the counters a run keeps. Receivers record
//! into a few mutex-guarded shards so that thousands of connection tasks share little.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use hdrhistogram::Histogram;
use serde::Serialize;

/// Highest latency a histogram holds: one hour, in microseconds.
const MAX_MICROS: u64 = 3_600_000_000;
const SHARDS: usize = 16;

/// An empty histogram of microseconds, up to an hour.
pub fn new_histogram() -> Histogram<u64> {
    // Bounds are constants that hdrhistogram accepts; a failure here is a programming error.
    Histogram::new_with_bounds(1, MAX_MICROS, 3).expect("valid histogram bounds")
}

/// A latency histogram that many tasks record into.
pub struct Recorder {
    shards: Vec<Mutex<Histogram<u64>>>,
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder {
            shards: (0..SHARDS).map(|_| Mutex::new(new_histogram())).collect(),
        }
    }
}

impl Recorder {
    /// Records one latency; `key` spreads recorders (e.g. a connection index) over shards.
    pub fn record(&self, key: usize, micros: u64) {
        if let Ok(mut h) = self.shards[key % SHARDS].lock() {
            h.saturating_record(micros.max(1));
        }
    }

    /// All shards merged.
    pub fn snapshot(&self) -> Histogram<u64> {
        let mut all = new_histogram();
        for shard in &self.shards {
            if let Ok(h) = shard.lock() {
                // Same bounds everywhere, so adding cannot fail.
                let _ = all.add(&*h);
            }
        }
        all
    }

    /// Empties every shard (between ladder steps).
    pub fn reset(&self) {
        for shard in &self.shards {
            if let Ok(mut h) = shard.lock() {
                h.reset();
            }
        }
    }
}

/// Percentiles of a latency histogram, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LatencySummary {
    pub count: u64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

impl LatencySummary {
    /// Summarises a histogram of microseconds.
    pub fn of(h: &Histogram<u64>) -> Self {
        let ms = |us: u64| us as f64 / 1000.0;
        if h.is_empty() {
            return LatencySummary {
                count: 0,
                p50_ms: 0.0,
                p90_ms: 0.0,
                p99_ms: 0.0,
                p999_ms: 0.0,
                max_ms: 0.0,
                mean_ms: 0.0,
            };
        }
        LatencySummary {
            count: h.len(),
            p50_ms: ms(h.value_at_quantile(0.50)),
            p90_ms: ms(h.value_at_quantile(0.90)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            p999_ms: ms(h.value_at_quantile(0.999)),
            max_ms: ms(h.max()),
            mean_ms: h.mean() / 1000.0,
        }
    }
}

/// Counters shared by every connection of a run; reset between ladder steps.
#[derive(Debug, Default)]
pub struct Counters {
    /// Live `new-message` frames received after `joined`.
    pub delivered: AtomicU64,
    /// `new-message` frames received during a replay (before `joined`).
    pub replayed: AtomicU64,
    /// Every frame received, of any type.
    pub frames: AtomicU64,
    /// `send` frames written.
    pub sent: AtomicU64,
    /// `ack` frames received.
    pub acked: AtomicU64,
    /// Seqs skipped (a message never seen by a receiver that should have seen it).
    pub gaps: AtomicU64,
    /// Seqs seen twice or out of order.
    pub duplicates: AtomicU64,
    /// `error` frames received.
    pub errors: AtomicU64,
    /// Connections that ended without the load generator closing them.
    pub dropped: AtomicU64,
    /// Stamp of the last ack received (for ingest throughput).
    pub last_ack_stamp: AtomicU64,
}

impl Counters {
    /// Adds one to a counter.
    pub fn bump(c: &AtomicU64) {
        c.fetch_add(1, Ordering::Relaxed);
    }

    /// Reads a counter.
    pub fn get(c: &AtomicU64) -> u64 {
        c.load(Ordering::Relaxed)
    }

    /// Zeroes every counter.
    pub fn reset(&self) {
        for c in [
            &self.delivered,
            &self.replayed,
            &self.frames,
            &self.sent,
            &self.acked,
            &self.gaps,
            &self.duplicates,
            &self.errors,
            &self.dropped,
            &self.last_ack_stamp,
        ] {
            c.store(0, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Percentiles come out of the merged shards in milliseconds.
    #[test]
    fn summary_reports_percentiles_in_ms() {
        let r = Recorder::default();
        for i in 1..=1000u64 {
            r.record(i as usize, i * 1000);
        }
        let s = LatencySummary::of(&r.snapshot());
        assert_eq!(s.count, 1000);
        assert!((s.p50_ms - 500.0).abs() < 1.0, "{s:?}");
        assert!((s.p99_ms - 990.0).abs() < 1.0, "{s:?}");
        assert!((s.max_ms - 1000.0).abs() < 1.0, "{s:?}");
        r.reset();
        assert_eq!(LatencySummary::of(&r.snapshot()).count, 0);
    }
}
