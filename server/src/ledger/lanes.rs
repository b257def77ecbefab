//! One detection queue per group: a group's messages are read one at a time, in the order
//! they were published, while a slow read in one group (a language model taking its time)
//! never holds up another. A lane's task ends when its group has been quiet for a while
//! and starts again with the group's next message.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use quid_shared::Id;
use tokio::sync::mpsc::{self, error::TrySendError};

/// How long a lane waits for its group's next message before its task ends.
const IDLE: Duration = Duration::from_secs(60);

type Open<J> = Arc<Mutex<HashMap<Id, mpsc::Sender<J>>>>;

/// The open lanes, each with a queue of at most `capacity` jobs.
pub struct Lanes<J> {
    open: Open<J>,
    capacity: usize,
}

/// Why a job was not queued.
#[derive(Debug, thiserror::Error)]
#[error("the group's detection queue is full")]
pub struct Full;

fn lock<J>(
    open: &Mutex<HashMap<Id, mpsc::Sender<J>>>,
) -> MutexGuard<'_, HashMap<Id, mpsc::Sender<J>>> {
    open.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<J: Send + 'static> Lanes<J> {
    pub fn new(capacity: usize) -> Lanes<J> {
        Lanes {
            open: Arc::default(),
            capacity,
        }
    }

    /// Queues `job` in `group`'s lane, starting the lane (a task running `handle` on each
    /// job in turn) if it is not running. Must be called inside the runtime.
    pub fn push<F, Fut>(&self, group: Id, job: J, handle: F) -> Result<(), Full>
    where
        F: Fn(J) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send,
    {
        let mut open = lock(&self.open);
        let job = match open.get(&group) {
            Some(lane) => match lane.try_send(job) {
                Ok(()) => return Ok(()),
                Err(TrySendError::Full(_)) => return Err(Full),
                // the lane ended between its last check and now: start a new one
                Err(TrySendError::Closed(job)) => job,
            },
            None => job,
        };
        let (sender, mut receiver) = mpsc::channel(self.capacity);
        // a fresh queue has room
        let _ = sender.try_send(job);
        open.insert(group, sender);
        let lanes = Arc::clone(&self.open);
        tokio::spawn(async move {
            loop {
                match tokio::time::timeout(IDLE, receiver.recv()).await {
                    Ok(Some(job)) => handle(job).await,
                    Ok(None) => return,
                    Err(_idle) => {
                        // Senders queue under the same lock: once the lane is removed
                        // while its queue is empty, nothing more can arrive in it.
                        let mut open = lock(&lanes);
                        if receiver.is_empty() {
                            open.remove(&group);
                            return;
                        }
                    }
                }
            }
        });
        Ok(())
    }
}
