//! The delivery-latency histogram, kept here instead of in the exporter: it is recorded
//! once per socket write, hundreds of thousands of times a second, and the exporter's
//! histograms keep every sample until the next upkeep (memory that grows with the rate,
//! and a drain that stalls a runtime thread). Fixed buckets of atomic counters make a
//! record two atomic adds and the memory constant.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::LATENCY_BUCKETS;

/// Buckets are the latency buckets plus `+Inf`.
const SLOTS: usize = LATENCY_BUCKETS.len() + 1;

/// A Prometheus histogram of durations with the [`LATENCY_BUCKETS`] bounds.
pub struct LatencyHistogram {
    name: &'static str,
    help: &'static str,
    /// Samples per bucket (not cumulative); the last one is `+Inf`.
    counts: [AtomicU64; SLOTS],
    sum_nanos: AtomicU64,
}

impl LatencyHistogram {
    /// An empty histogram rendered as `name` with `help`.
    pub const fn new(name: &'static str, help: &'static str) -> LatencyHistogram {
        LatencyHistogram {
            name,
            help,
            counts: [const { AtomicU64::new(0) }; SLOTS],
            sum_nanos: AtomicU64::new(0),
        }
    }

    /// Records one duration.
    pub fn record(&self, d: Duration) {
        let secs = d.as_secs_f64();
        let slot = LATENCY_BUCKETS.partition_point(|bound| *bound < secs);
        self.counts[slot].fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    /// Appends the histogram in the Prometheus text format.
    pub fn render(&self, out: &mut String) {
        let name = self.name;
        let _ = writeln!(out, "# HELP {name} {}", self.help);
        let _ = writeln!(out, "# TYPE {name} histogram");
        let mut total = 0;
        for (slot, count) in self.counts.iter().enumerate() {
            total += count.load(Ordering::Relaxed);
            match LATENCY_BUCKETS.get(slot) {
                Some(bound) => {
                    let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {total}");
                }
                None => {
                    let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {total}");
                }
            }
        }
        let sum = self.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9;
        let _ = writeln!(out, "{name}_sum {sum}");
        let _ = writeln!(out, "{name}_count {total}\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Samples land in the first bucket whose bound they do not exceed, buckets render
    /// cumulatively, and sum and count add up.
    #[test]
    fn renders_cumulative_buckets() {
        let h = LatencyHistogram::new("x_seconds", "Test.");
        h.record(Duration::from_micros(40)); // le 0.00005
        h.record(Duration::from_micros(50)); // le 0.00005 (bounds are inclusive)
        h.record(Duration::from_millis(3)); // le 0.005
        h.record(Duration::from_secs(10)); // +Inf
        let mut out = String::new();
        h.render(&mut out);
        assert!(out.starts_with("# HELP x_seconds Test.\n# TYPE x_seconds histogram\n"));
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
}
