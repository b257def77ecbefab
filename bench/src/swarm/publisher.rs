//! Publishing on a schedule: each publisher connection sends stamped messages at its fixed
//! times, never waiting for acks (open loop); overdue sends are written back to back and
//! flushed together.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::SinkExt;
use futures_util::stream::SplitSink;
use quid_shared::Id;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

use crate::clock;
use crate::conn::{self, Ws};
use crate::schedule::Schedule;
use crate::stats::Counters;
use crate::swarm::{Shared, Swarm};

type Sink = SplitSink<Ws, Message>;

/// Publishers running in the background; [`Swarm::finish_publishing`] waits for them.
pub struct PublishRun {
    tasks: Vec<(usize, JoinHandle<Sink>)>,
    stop: watch::Sender<bool>,
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

impl Swarm {
    /// Starts every publisher on its schedule (phases spread evenly) shortly from now.
    pub fn start_publishing(&mut self, load: Load) -> PublishRun {
        let start = Instant::now() + Duration::from_millis(20);
        let n = self.publishers.len().max(1);
        let tag = uuid::Uuid::new_v4().simple().to_string();
        let (stop, stopped) = watch::channel(false);
        let mut tasks = Vec::new();
        for (i, p) in self.publishers.iter_mut().enumerate() {
            let Some(sink) = p.sink.take() else { continue };
            let schedule = Schedule::new(start, load.rate, load.duration, i as f64 / n as f64);
            let task = publish(
                sink,
                p.group,
                schedule,
                load.payload,
                format!("{}-{i}", &tag[..12]),
                self.shared.clone(),
                stopped.clone(),
            );
            tasks.push((i, tokio::spawn(task)));
        }
        PublishRun {
            tasks,
            stop,
            start,
            duration: load.duration,
        }
    }

    /// Stops every publisher now (the rest of its schedule is dropped) and takes its
    /// connection back.
    pub async fn abort_publishing(&mut self, run: PublishRun) {
        let _ = run.stop.send(true);
        self.finish_publishing(run).await;
    }

    /// Waits for every publisher's schedule to end and takes its connection back.
    pub async fn finish_publishing(&mut self, run: PublishRun) {
        for (i, task) in run.tasks {
            match task.await {
                Ok(sink) => {
                    if let Some(p) = self.publishers.get_mut(i) {
                        p.sink = Some(sink);
                    }
                }
                Err(_) => Counters::bump(&self.shared.counters.errors),
            }
        }
    }
}

async fn publish(
    mut sink: Sink,
    group: Id,
    mut schedule: Schedule,
    payload: usize,
    tag: String,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) -> Sink {
    let c = &shared.counters;
    let mut k = 0u64;
    while let Some(due) = schedule.next_due() {
        if *stop.borrow() {
            break;
        }
        if due > Instant::now() {
            if sink.flush().await.is_err() {
                Counters::bump(&c.errors);
                return sink;
            }
            tokio::select! {
                _ = tokio::time::sleep_until(due.into()) => {}
                _ = stop.changed() => break,
            }
        }
        let frame = conn::send(group, clock::stamp_of(due), payload, format!("{tag}-{k}"));
        if sink.feed(frame).await.is_err() {
            Counters::bump(&c.errors);
            return sink;
        }
        Counters::bump(&c.sent);
        k += 1;
    }
    if sink.flush().await.is_err() {
        Counters::bump(&c.errors);
    }
    sink
}
