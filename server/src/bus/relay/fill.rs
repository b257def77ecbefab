//! Reading a followed group's missing messages from the database, off the writer thread
//! and the bus task: one task per group with a gap, page by page, until the relay has
//! nothing missing. A message announced but not found yet (a replica behind, or a
//! commit seen on the bus before a read can see it) is read again with backoff, and
//! given up on after a while, so one lost row cannot stall a group forever.

use std::time::Duration;

use std::sync::Arc;

use quid_shared::Id;

use super::core::Core;
use crate::store::{StoreError, messages};

/// Most messages read at once.
const PAGE: i64 = 1000;

/// Reads that may bring nothing new before the missing seqs are given up on (about
/// 2.5 s of retries).
const MISSES: u32 = 6;

/// The wait before the `attempt`-th retry: 25 ms doubling, at most 1 s.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(25u64 << attempt.min(6)).min(Duration::from_secs(1))
}

/// Fills `group`'s gaps until it has none.
pub(super) async fn fill(core: Arc<Core>, group: Id) {
    metrics::counter!("quid_bus_gap_fills_total").increment(1);
    let mut misses = 0;
    let mut failures = 0;
    let mut read_after = None;
    while let Some((after, upto)) = core.next_gap(group) {
        if read_after == Some(after) {
            // the last read did not bring `after + 1`
            misses += 1;
            if misses > MISSES {
                core.skip(group, upto);
                misses = 0;
                read_after = None;
                continue;
            }
            tokio::time::sleep(backoff(misses)).await;
        } else {
            misses = 0;
        }
        let to = upto.min(after.saturating_add(PAGE));
        let read = core
            .store
            .read(move |conn| messages::range(conn, group, after, to))
            .await;
        match read {
            Ok(found) => {
                failures = 0;
                read_after = Some(after);
                core.filled(group, found);
            }
            Err(StoreError::Closed) => return,
            Err(e) => {
                failures += 1;
                read_after = None;
                metrics::counter!("quid_bus_fill_errors_total").increment(1);
                tracing::warn!(%group, after, upto = to, error = %e, "reading missed messages failed; retrying");
                tokio::time::sleep(backoff(failures)).await;
            }
        }
    }
}
