//! Rooms and fan-out: which connections are subscribed to which group, and delivery of
//! one already-serialized frame to every connection allowed to see it.
//!
//! [`Hub`] serves this process's connections only; what other nodes produce reaches it
//! through the bus ([`crate::bus`]), which calls the same methods. Delivery never blocks the publisher: each connection is a
//! [`Sink`] that takes the frame without waiting (the WebSocket outbox writes it into the
//! socket at once or keeps it, and closes a connection that falls too far behind).

mod audience;
pub mod frame;
mod local;
pub mod presence;
mod recent;

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;

use quid_shared::{Id, Message};

pub use audience::Audience;
pub use local::LocalHub;
pub use presence::Presence;
pub use recent::Missed;

/// Identifies one WebSocket connection within this process.
pub type ConnId = u64;

/// A persisted message with its `new-message` frame, serialized once and shared (by
/// reference count) among all recipients; its author's `ack` embeds the same JSON.
#[derive(Debug)]
pub struct Published {
    pub message: Message,
    /// The `new-message` frame as WebSocket bytes, identical for every recipient.
    pub frame: Bytes,
    /// The message's JSON: a view into `frame`.
    pub json: Bytes,
    /// When it was handed to the hub, for the delivery-latency histogram.
    pub at: Instant,
}

/// `ServerFrame::NewMessage` as serde writes it, around the message's JSON.
const NEW_MESSAGE: (&[u8], &[u8]) = (br#"{"type":"new-message","message":"#, b"}");

impl Published {
    /// Serializes `message` into its `new-message` frame.
    pub fn new(message: Message) -> Result<Arc<Published>, serde_json::Error> {
        let json = serde_json::to_vec(&message)?;
        let (head, tail) = NEW_MESSAGE;
        let frame = frame::text_frame(&[head, &json, tail]);
        let end = frame.len() - tail.len();
        Ok(Arc::new(Published {
            message,
            json: frame.slice(end - json.len()..end),
            frame,
            at: Instant::now(),
        }))
    }
}

#[cfg(test)]
impl Published {
    /// A user message for tests: `author` writes `content` in `group` at `seq`, privately
    /// to `target` if there is one.
    pub(crate) fn sample(
        group: Id,
        seq: i64,
        author: Id,
        target: Option<Id>,
        content: &str,
    ) -> Arc<Published> {
        let message = Message {
            id: seq,
            group,
            seq,
            kind: quid_shared::MessageKind::User,
            author: Some(quid_shared::UserRef {
                id: author,
                username: "a".into(),
            }),
            content: content.into(),
            private: target.is_some(),
            target,
            reply_to: None,
            client_id: None,
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            meta: serde_json::json!({}),
        };
        Published::new(message).expect("a sample message serializes")
    }
}

/// Where one connection takes its frames.
pub trait Sink: Send + Sync {
    /// Takes a run of published messages of one group, in seq order, for delivery
    /// without blocking (in one write where it can). Returns how many it took: those of
    /// a group the connection has joined that it does not have yet.
    fn offer(&self, run: &[Arc<Published>]) -> usize;
    /// The connection was taken out of `group`'s room because its user's membership
    /// ended: nothing more of the group will be offered (the client is told `left`).
    fn removed(&self, group: Id);
    /// Takes one ephemeral frame (presence, typing, …), already framed, for delivery
    /// now; not ordered with messages and never replayed.
    fn notify(&self, frame: &[u8]);
}

/// One connection in a room.
#[derive(Clone)]
pub struct Subscriber {
    pub conn: ConnId,
    pub user: Id,
    pub sink: Arc<dyn Sink>,
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
    /// Delivers the frame, without blocking, to every subscriber of its group that may
    /// see the message (`Message::visible_to`). Returns to how many it is going.
    fn publish(&self, published: Arc<Published>) -> usize;
    /// The messages of `group` after `since` that `viewer` may see, with the group's
    /// newest published seq, if the hub still keeps every one of them in memory.
    fn missed(&self, group: Id, viewer: Id, since: i64) -> Option<Missed>;
    /// Writes an ephemeral frame (already framed) to the connections in `group`'s room
    /// whose user is in `audience`. Not stored, not replayed.
    fn notify_room(&self, group: Id, frame: &[u8], audience: Audience);
    /// The users with a connection in `group`'s room, each once.
    fn users(&self, group: Id) -> Vec<Id>;
}
