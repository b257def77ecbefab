//! Open-loop send schedules. A publisher sends at fixed times whatever the server does, and
//! stamps each message with its *scheduled* time: if the server (or the socket) falls
//! behind, the delay shows up in the measured latency instead of silently lowering the
//! offered load (no coordinated omission).

use std::time::{Duration, Instant};

/// The send times of one publisher: `start + phase + k / rate` for every `k` before `end`.
#[derive(Debug, Clone)]
pub struct Schedule {
    first: Instant,
    interval: Duration,
    end: Instant,
    next: u64,
}

impl Schedule {
    /// `rate` sends per second from `start` for `duration`; `phase` in `[0, 1)` shifts this
    /// publisher's sends by that fraction of an interval, so many publishers do not all send
    /// at the same instant.
    pub fn new(start: Instant, rate: f64, duration: Duration, phase: f64) -> Self {
        let end = start + duration;
        if rate <= 0.0 || !rate.is_finite() {
            return Schedule {
                first: end,
                interval: Duration::from_secs(1),
                end,
                next: 0,
            };
        }
        let interval = Duration::from_secs_f64(1.0 / rate);
        Schedule {
            first: start + interval.mul_f64(phase.clamp(0.0, 0.999_999)),
            interval,
            end,
            next: 0,
        }
    }

    /// The next scheduled send time, or `None` when the schedule is over.
    pub fn next_due(&mut self) -> Option<Instant> {
        let k = u32::try_from(self.next).ok()?;
        let due = self.first + self.interval * k;
        if due >= self.end {
            return None;
        }
        self.next += 1;
        Some(due)
    }

    /// How many sends the whole schedule holds.
    pub fn total(&self) -> u64 {
        let mut copy = self.clone();
        copy.next = 0;
        let mut n = 0;
        while copy.next_due().is_some() {
            n += 1;
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A schedule yields rate × duration evenly spaced send times, then stops.
    #[test]
    fn yields_evenly_spaced_times_then_stops() {
        let start = Instant::now();
        let mut s = Schedule::new(start, 100.0, Duration::from_secs(2), 0.5);
        assert_eq!(s.total(), 200);
        let a = s.next_due().unwrap();
        let b = s.next_due().unwrap();
        assert_eq!(a - start, Duration::from_millis(5));
        assert_eq!(b - a, Duration::from_millis(10));
        let rest = std::iter::from_fn(|| s.next_due()).count();
        assert_eq!(rest, 198);
        assert!(s.next_due().is_none());
    }

    /// A zero rate sends nothing.
    #[test]
    fn zero_rate_sends_nothing() {
        let mut s = Schedule::new(Instant::now(), 0.0, Duration::from_secs(1), 0.0);
        assert!(s.next_due().is_none());
    }
}
