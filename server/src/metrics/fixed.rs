//! The delivery metrics (frames delivered, delivery latency), kept here instead of in the
//! exporter: they are recorded once per socket write, hundreds of thousands of times a
//! second from every fan-out thread at once. The exporter's histograms keep every sample
//! until the next upkeep (memory that grows with the rate, and a drain that stalls a
//! runtime thread), and one shared counter is a cache line that every writing core pulls
//! to itself. Here each recording thread adds to its own cache-line-aligned shard of fixed
//! buckets, and a scrape sums the shards: a record is three atomic adds on lines no other
//! core writes (while there are no more recording threads than shards; beyond that,
//! threads share shards), and the memory is constant.

use std::cell::Cell;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use super::LATENCY_BUCKETS;

/// Buckets are the latency buckets plus `+Inf`.
const SLOTS: usize = LATENCY_BUCKETS.len() + 1;

/// Shards; threads beyond this many share them round-robin (still correct, just shared).
const SHARDS: usize = 8;

/// One thread's share: on cache lines of its own.
#[repr(align(128))]
struct Shard {
    frames: AtomicU64,
    /// Samples per bucket (not cumulative); the last one is `+Inf`.
    counts: [AtomicU64; SLOTS],
    sum_nanos: AtomicU64,
}

/// A Prometheus counter of delivered frames and a histogram of write latencies with the
/// [`LATENCY_BUCKETS`] bounds.
pub struct Deliveries {
    frames: (&'static str, &'static str),
    latency: (&'static str, &'static str),
    shards: [Shard; SHARDS],
}

static NEXT_SHARD: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static SHARD: Cell<Option<usize>> = const { Cell::new(None) };
}

/// This thread's shard, assigned on first use.
fn shard_index() -> usize {
    SHARD.with(|shard| {
        shard.get().unwrap_or_else(|| {
            let index = NEXT_SHARD.fetch_add(1, Ordering::Relaxed) % SHARDS;
            shard.set(Some(index));
            index
        })
    })
}

impl Deliveries {
    /// Empty metrics rendered as the counter `frames = (name, help)` and the histogram
    /// `latency = (name, help)`.
    pub const fn new(
        frames: (&'static str, &'static str),
        latency: (&'static str, &'static str),
    ) -> Deliveries {
        Deliveries {
            frames,
            latency,
            shards: [const {
                Shard {
                    frames: AtomicU64::new(0),
                    counts: [const { AtomicU64::new(0) }; SLOTS],
                    sum_nanos: AtomicU64::new(0),
                }
            }; SHARDS],
        }
    }

    /// Records one write of `frames` frames, `latency` after the oldest was published.
    pub fn record(&self, frames: u64, latency: Duration) {
        let shard = &self.shards[shard_index()];
        shard.frames.fetch_add(frames, Ordering::Relaxed);
        let secs = latency.as_secs_f64();
        let slot = LATENCY_BUCKETS.partition_point(|bound| *bound < secs);
        shard.counts[slot].fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX);
        shard.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    /// Appends the counter and the histogram in the Prometheus text format.
    pub fn render(&self, out: &mut String) {
        let sum = |get: &dyn Fn(&Shard) -> &AtomicU64| -> u64 {
            self.shards
                .iter()
                .map(|shard| get(shard).load(Ordering::Relaxed))
                .fold(0, u64::wrapping_add)
        };
        let (name, help) = self.frames;
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} counter");
        let _ = writeln!(out, "{name} {}\n", sum(&|s| &s.frames));
        let (name, help) = self.latency;
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} histogram");
        let mut total = 0;
        for slot in 0..SLOTS {
            total += sum(&|s| &s.counts[slot]);
            match LATENCY_BUCKETS.get(slot) {
                Some(bound) => {
                    let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {total}");
                }
                None => {
                    let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {total}");
                }
            }
        }
        let seconds = sum(&|s| &s.sum_nanos) as f64 / 1e9;
        let _ = writeln!(out, "{name}_sum {seconds}");
        let _ = writeln!(out, "{name}_count {total}\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(d: &Deliveries) -> String {
        let mut out = String::new();
        d.render(&mut out);
        out
    }

    /// Samples land in the first bucket whose bound they do not exceed, buckets render
    /// cumulatively, and sum and count add up.
    #[test]
    fn renders_cumulative_buckets() {
        let d = Deliveries::new(("x_total", "Frames."), ("x_seconds", "Test."));
        d.record(1, Duration::from_micros(40)); // le 0.00005
        d.record(2, Duration::from_micros(50)); // le 0.00005 (bounds are inclusive)
        d.record(1, Duration::from_millis(3)); // le 0.005
        d.record(3, Duration::from_secs(10)); // +Inf
        let out = render(&d);
        assert!(
            out.starts_with("# HELP x_total Frames.\n# TYPE x_total counter\nx_total 7\n\n"),
            "{out}"
        );
        assert!(
            out.contains("# HELP x_seconds Test.\n# TYPE x_seconds histogram\n"),
            "{out}"
        );
        assert!(
            out.contains("x_seconds_bucket{le=\"0.00005\"} 2\n"),
            "{out}"
        );
        assert!(out.contains("x_seconds_bucket{le=\"0.0025\"} 2\n"), "{out}");
        assert!(out.contains("x_seconds_bucket{le=\"0.005\"} 3\n"), "{out}");
        assert!(out.contains("x_seconds_bucket{le=\"2.5\"} 3\n"), "{out}");
        assert!(out.contains("x_seconds_bucket{le=\"+Inf\"} 4\n"), "{out}");
        assert!(out.contains("x_seconds_sum 10.00309\n"), "{out}");
        assert!(out.contains("x_seconds_count 4\n"), "{out}");
    }

    /// Records from many threads (more than there are shards) all count.
    #[test]
    fn threads_add_up() {
        static D: Deliveries = Deliveries::new(("y_total", "F."), ("y_seconds", "L."));
        let threads: Vec<_> = (0..SHARDS + 3)
            .map(|_| {
                std::thread::spawn(|| {
                    for _ in 0..1000 {
                        D.record(2, Duration::from_millis(1));
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("recording thread");
        }
        let out = render(&D);
        let writes = (SHARDS + 3) * 1000;
        assert!(out.contains(&format!("y_total {}\n", 2 * writes)), "{out}");
        assert!(
            out.contains(&format!("y_seconds_count {writes}\n")),
            "{out}"
        );
        assert!(
            out.contains(&format!("y_seconds_bucket{{le=\"0.001\"}} {writes}\n")),
            "{out}"
        );
    }
}
