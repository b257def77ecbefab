//! Publishing on a schedule: one pacer thread sends every publisher's stamped messages at
//! their fixed times, never waiting for acks (open loop). It sleeps to the next due send
//! with the kernel's fine timer rather than the runtime's millisecond wheel, so a
//! message leaves within tens of microseconds of its stamp; an overdue send goes out at
//! once, and the delay shows in the measured latency.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use quid_shared::Id;

use crate::clock;
use crate::conn::{self, Link};
use crate::schedule::Schedule;
use crate::stats::Counters;
use crate::swarm::{Shared, Swarm};

/// Longest single sleep, so a stop request is seen promptly.
const NAP: Duration = Duration::from_millis(20);

/// Publishers running in the background; [`Swarm::finish_publishing`] waits for them.
pub struct PublishRun {
    pacer: Option<JoinHandle<()>>,
    stop: Arc<AtomicBool>,
    /// When the first sends are due.
    pub start: Instant,
    /// How long the schedules run.
    pub duration: Duration,
}

/// What to publish.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    /// Messages per second per publisher.
    pub rate: f64,
    pub duration: Duration,
    /// Content bytes per message.
    pub payload: usize,
}

/// One publisher as the pacer sees it.
struct Publisher {
    link: Arc<Link>,
    group: Id,
    schedule: Schedule,
    tag: String,
    sent: u64,
}

impl Swarm {
    /// Starts every connected publisher on its schedule (phases spread evenly) shortly
    /// from now.
    pub fn start_publishing(&mut self, load: Load) -> PublishRun {
        let start = Instant::now() + Duration::from_millis(20);
        let n = self.publishers.len().max(1);
        let tag = uuid::Uuid::new_v4().simple().to_string();
        let publishers: Vec<Publisher> = self
            .publishers
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                Some(Publisher {
                    link: Arc::clone(p.link.as_ref()?),
                    group: p.group,
                    schedule: Schedule::new(start, load.rate, load.duration, i as f64 / n as f64),
                    tag: format!("{}-{i}", &tag[..12]),
                    sent: 0,
                })
            })
            .collect();
        let stop = Arc::new(AtomicBool::new(false));
        let (shared, halt) = (Arc::clone(&self.shared), Arc::clone(&stop));
        let pacer = std::thread::Builder::new()
            .name("quid-bench-pacer".into())
            .spawn(move || pace(publishers, load.payload, &shared, &halt));
        let pacer = match pacer {
            Ok(handle) => Some(handle),
            Err(e) => {
                eprintln!("quid-bench: cannot start the pacer thread: {e}");
                Counters::bump(&self.shared.counters.errors);
                None
            }
        };
        PublishRun {
            pacer,
            stop,
            start,
            duration: load.duration,
        }
    }

    /// Stops every publisher now (the rest of its schedule is dropped).
    pub async fn abort_publishing(&mut self, run: PublishRun) {
        run.stop.store(true, Ordering::Relaxed);
        self.finish_publishing(run).await;
    }

    /// Waits for every publisher's schedule to end.
    pub async fn finish_publishing(&mut self, run: PublishRun) {
        let Some(pacer) = run.pacer else { return };
        let joined = tokio::task::spawn_blocking(move || pacer.join()).await;
        if !matches!(joined, Ok(Ok(()))) {
            Counters::bump(&self.shared.counters.errors);
        }
    }
}

/// The pacer thread: sends each publisher's next due message, earliest first, until
/// every schedule is over or `stop` is set.
fn pace(mut publishers: Vec<Publisher>, payload: usize, shared: &Shared, stop: &AtomicBool) {
    let c = &shared.counters;
    let mut due: BinaryHeap<Reverse<(Instant, usize)>> = publishers
        .iter_mut()
        .enumerate()
        .filter_map(|(i, p)| Some(Reverse((p.schedule.next_due()?, i))))
        .collect();
    let mut frame = Vec::with_capacity(payload + 256);
    while let Some(Reverse((at, i))) = due.pop() {
        loop {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            let now = Instant::now();
            if at <= now {
                break;
            }
            std::thread::sleep((at - now).min(NAP));
        }
        let p = &mut publishers[i];
        frame.clear();
        let client_id = format!("{}-{}", p.tag, p.sent);
        conn::put_send(&mut frame, p.group, clock::stamp_of(at), payload, client_id);
        if p.link.send(&frame).is_err() {
            // this publisher's connection is gone: it sends nothing more
            Counters::bump(&c.errors);
            continue;
        }
        Counters::bump(&c.sent);
        p.sent += 1;
        if let Some(next) = p.schedule.next_due() {
            due.push(Reverse((next, i)));
        }
    }
}
