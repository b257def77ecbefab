//! A stall probe: a thread of the load generator that sleeps 1 ms at a time and records how
//! much longer each sleep took. It does nothing else, so when it oversleeps by many
//! milliseconds the whole machine stalled (the CPU was taken, or the kernel or hypervisor
//! held it, whatever set that off), not some code path being slow: a latency tail that
//! coincides with the probe's is made by the stall.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use serde::Serialize;

use crate::stats::LatencySummary;

/// How long the probe sleeps each time.
const NAP: Duration = Duration::from_millis(1);
/// An oversleep longer than this counts as a stall.
const STALL: Duration = Duration::from_millis(5);

/// The probe while it runs.
pub struct Probe {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Histogram<u64>>>,
}

/// What the probe saw: oversleep percentiles (ms) and how often it exceeded 5 ms.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StallSummary {
    pub oversleep: LatencySummary,
    pub stalls_over_5ms: u64,
}

impl Probe {
    /// Starts the probe thread (none if the thread cannot be started; then the summary is
    /// empty).
    pub fn start() -> Probe {
        let stop = Arc::new(AtomicBool::new(false));
        let halt = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("quid-bench-probe".into())
            .spawn(move || probe(&halt))
            .ok();
        Probe { stop, thread }
    }

    /// Stops the probe and summarises what it saw.
    pub fn finish(mut self) -> StallSummary {
        self.stop.store(true, Ordering::Relaxed);
        let h = self
            .thread
            .take()
            .and_then(|t| t.join().ok())
            .unwrap_or_else(crate::stats::new_histogram);
        summarise(&h)
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Naps until told to stop, and at least once.
fn probe(stop: &AtomicBool) -> Histogram<u64> {
    let mut h = crate::stats::new_histogram();
    loop {
        let before = Instant::now();
        std::thread::sleep(NAP);
        let over = before.elapsed().saturating_sub(NAP);
        h.saturating_record(u64::try_from(over.as_micros()).unwrap_or(u64::MAX).max(1));
        if stop.load(Ordering::Relaxed) {
            break;
        }
    }
    h
}

fn summarise(h: &Histogram<u64>) -> StallSummary {
    let limit = u64::try_from(STALL.as_micros()).unwrap_or(u64::MAX);
    StallSummary {
        oversleep: LatencySummary::of(h),
        stalls_over_5ms: h
            .iter_recorded()
            .filter(|v| v.value_iterated_to() > limit)
            .map(|v| v.count_at_value())
            .sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Oversleeps beyond 5 ms are counted as stalls; shorter ones are not.
    #[test]
    fn counts_oversleeps_beyond_five_ms() {
        let mut h = crate::stats::new_histogram();
        for us in [50, 300, 4_000, 6_000, 40_000] {
            h.record(us).unwrap();
        }
        let s = summarise(&h);
        assert_eq!(s.stalls_over_5ms, 2);
        assert_eq!(s.oversleep.count, 5);
        assert!(s.oversleep.max_ms >= 39.9);
    }

    /// A probe stops when finished and its summary holds what its thread recorded —
    /// at least its first nap, however soon it is stopped.
    #[test]
    fn probe_records_its_naps() {
        let s = Probe::start().finish();
        assert!(s.oversleep.count >= 1, "{s:?}");
    }
}
