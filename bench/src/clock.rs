//! The process-wide monotonic clock. Publishers stamp a message with the time it was
//! *scheduled* to be sent, receivers subtract it from now; both ends live in this process,
//! so one `Instant` base makes the stamps comparable.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn base() -> Instant {
    static BASE: OnceLock<Instant> = OnceLock::new();
    *BASE.get_or_init(Instant::now)
}

/// Nanoseconds from the process base to `t` (0 for instants before the base).
pub fn stamp_of(t: Instant) -> u64 {
    u64::try_from(t.saturating_duration_since(base()).as_nanos()).unwrap_or(u64::MAX)
}

/// Nanoseconds from the process base to now.
pub fn now_stamp() -> u64 {
    stamp_of(Instant::now())
}

/// The instant a stamp stands for.
pub fn instant_of(stamp: u64) -> Instant {
    base() + Duration::from_nanos(stamp)
}

/// Microseconds elapsed since `stamp` (0 if it lies in the future).
pub fn micros_since(stamp: u64) -> u64 {
    now_stamp().saturating_sub(stamp) / 1_000
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stamp converts back to the instant it was taken from.
    #[test]
    fn stamps_round_trip() {
        let t = Instant::now() + Duration::from_millis(5);
        let s = stamp_of(t);
        assert_eq!(stamp_of(instant_of(s)), s);
        assert!(micros_since(now_stamp() + 1_000_000) == 0);
    }
}
