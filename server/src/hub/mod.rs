//! Rooms and fan-out: which connections are subscribed to which group, and delivery of
//! one already-serialized frame to every connection allowed to see it.
//!
//! [`Hub`] is the seam where a multi-node bus (Redis pub/sub, NATS) can replace the
//! in-process [`LocalHub`]. Delivery never blocks the publisher: each connection has a
//! bounded queue, and a connection whose queue is full is told to close (slow reader).

mod local;

use std::sync::Arc;
use std::time::Instant;

use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Utf8Bytes;
use tokio_util::sync::CancellationToken;

use quid_shared::{Id, Message, ServerFrame};

pub use local::LocalHub;

/// Identifies one WebSocket connection within this process.
pub type ConnId = u64;

/// A persisted message with its `new-message` frame, serialized once and shared (by
/// reference count) among all recipients.
#[derive(Debug)]
pub struct Published {
    pub message: Message,
    /// The `new-message` frame's JSON text.
    pub frame: Utf8Bytes,
    /// When it was handed to the hub, for the delivery-latency histogram.
    pub at: Instant,
}

impl Published {
    /// Serializes `message` into its `new-message` frame.
    pub fn new(message: Message) -> Result<Arc<Published>, serde_json::Error> {
        let text = serde_json::to_string(&ServerFrame::NewMessage {
            message: message.clone(),
        })?;
        Ok(Arc::new(Published {
            message,
            frame: Utf8Bytes::from(text),
            at: Instant::now(),
        }))
    }
}

/// The sending side of one connection: where the hub puts its frames.
#[derive(Debug, Clone)]
pub struct Subscriber {
    pub conn: ConnId,
    pub user: Id,
    pub queue: mpsc::Sender<Arc<Published>>,
    /// Cancelled by the hub when the queue overflows: the connection must close (4008).
    pub slow: CancellationToken,
}

/// Rooms and fan-out. Implementations must not block in `publish` and must deliver each
/// group's messages to a subscriber in the order they were published.
pub trait Hub: Send + Sync + 'static {
    /// Adds the connection to the group's room (idempotent).
    fn subscribe(&self, group: Id, subscriber: Subscriber);
    /// Removes one connection from the group's room.
    fn unsubscribe(&self, group: Id, conn: ConnId);
    /// Removes every connection of `user` from the group's room (membership ended).
    fn remove_user(&self, group: Id, user: Id);
    /// Delivers the frame to every subscriber of its group that may see the message
    /// (`Message::visible_to`). Returns how many queues accepted it.
    fn publish(&self, published: Arc<Published>) -> usize;
}
