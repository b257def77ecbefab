//! Reconnect delays: exponential with full jitter, so that many clients dropped by one
//! server restart do not all come back in the same instant.

use std::time::Duration;

/// First delay (before jitter).
const BASE: Duration = Duration::from_millis(500);
/// Largest delay (before jitter).
const MAX: Duration = Duration::from_secs(30);
/// Largest delay while nothing listens at the server's address (a refused connection
/// costs the server nothing, and a restart is noticed within seconds).
const MAX_DOWN: Duration = Duration::from_secs(3);

/// The delay before reconnect attempt `attempt` (1-based): a random duration between half
/// and all of `min(MAX, BASE * 2^(attempt-1))`.
pub fn delay(attempt: u32) -> Duration {
    let ceiling = ceiling(attempt);
    let jitter = random_fraction();
    ceiling.mul_f64(0.5 + 0.5 * jitter)
}

/// [`delay`] capped at [`MAX_DOWN`], for a server that refuses connections (down).
pub fn delay_down(attempt: u32) -> Duration {
    delay(attempt).min(MAX_DOWN)
}

fn ceiling(attempt: u32) -> Duration {
    let doublings = attempt.saturating_sub(1).min(16);
    BASE.saturating_mul(1 << doublings).min(MAX)
}

/// A number in `[0, 1)` from the operating system's randomness (through `uuid`).
fn random_fraction() -> f64 {
    let bits = uuid::Uuid::new_v4().as_u128() as u64 >> 11;
    bits as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Delays grow, stay capped, and keep jitter within [half, full] of the ceiling.
    #[test]
    fn delays_grow_capped_and_jittered() {
        assert_eq!(ceiling(1), BASE);
        assert_eq!(ceiling(2), BASE * 2);
        assert_eq!(ceiling(40), MAX);
        for attempt in 1..20 {
            let d = delay(attempt);
            assert!(d >= ceiling(attempt) / 2 && d <= ceiling(attempt));
            assert!(delay_down(attempt) <= MAX_DOWN);
        }
    }
}
