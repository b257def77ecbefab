//! What crosses the bus between nodes: one JSON [`Envelope`] per event, carrying the id
//! of the node that produced it (so a node ignores its own echoes). Frames and messages
//! travel as the JSON this node would have written to a socket, embedded as is.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use quid_shared::{Id, Message};

use crate::hub::{Audience, Published};

/// One event and the node it comes from.
#[derive(Debug, Serialize, Deserialize)]
pub struct Envelope<'a> {
    /// The producing node's id, random per process.
    pub origin: Id,
    #[serde(borrow)]
    pub event: Event<'a>,
}

/// An effect that must reach the connections of every node.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Event<'a> {
    /// A message was committed; `message` is its JSON (`Published::json`).
    Message {
        group: Id,
        seq: i64,
        #[serde(borrow)]
        message: &'a RawValue,
    },
    /// `user`'s membership of `group` ended: their connections leave the room.
    RemoveUser { group: Id, user: Id },
    /// A server frame (its JSON) for every connection of `user`.
    Tell {
        user: Id,
        #[serde(borrow)]
        frame: &'a RawValue,
    },
    /// An ephemeral server frame (its JSON) for `group`'s room.
    NotifyRoom {
        group: Id,
        audience: Audience,
        #[serde(borrow)]
        frame: &'a RawValue,
    },
    /// The sender may have lost events it meant to publish: every node reads again
    /// what it follows from the database.
    Resync,
}

impl Event<'_> {
    /// The event's name, for metrics and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Message { .. } => "message",
            Event::RemoveUser { .. } => "remove-user",
            Event::Tell { .. } => "tell",
            Event::NotifyRoom { .. } => "notify-room",
            Event::Resync => "resync",
        }
    }
}

impl<'a> Event<'a> {
    /// The event of a message just published, borrowing its JSON.
    pub fn message(published: &'a Published) -> Result<Event<'a>, serde_json::Error> {
        Ok(Event::Message {
            group: published.message.group,
            seq: published.message.seq,
            message: serde_json::from_slice(&published.json)?,
        })
    }
}

impl<'a> Envelope<'a> {
    /// The envelope as bytes for the bus.
    pub fn encode(&self) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(self)
    }

    /// An envelope read from the bus, borrowing from `payload`.
    pub fn decode(payload: &'a [u8]) -> Result<Envelope<'a>, serde_json::Error> {
        serde_json::from_slice(payload)
    }
}

/// A message received from the bus, serialized again into its frame for this node.
pub fn published(message: &RawValue) -> Result<Arc<Published>, serde_json::Error> {
    let message: Message = serde_json::from_str(message.get())?;
    Published::new(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every event reads back from its bytes as it was written, and a message comes back
    /// with the same frame every node would write.
    #[test]
    fn round_trips() {
        let (group, user, node) = (Id::new_v4(), Id::new_v4(), Id::new_v4());
        let sent = Published::sample(group, 7, user, Some(user), "hello");
        let frame =
            serde_json::value::to_raw_value(&quid_shared::ServerFrame::Left { group }).unwrap();
        let events = [
            Event::message(&sent).unwrap(),
            Event::RemoveUser { group, user },
            Event::Tell {
                user,
                frame: &frame,
            },
            Event::NotifyRoom {
                group,
                audience: Audience::Except(user),
                frame: &frame,
            },
            Event::Resync,
        ];
        for event in events {
            let kind = event.kind();
            let bytes = Envelope {
                origin: node,
                event,
            }
            .encode()
            .unwrap();
            let back = Envelope::decode(&bytes).unwrap();
            assert_eq!((back.origin, back.event.kind()), (node, kind));
            if let Event::Message { seq, message, .. } = back.event {
                assert_eq!(seq, 7);
                let received = published(message).unwrap();
                assert_eq!(received.frame, sent.frame);
            }
        }
    }
}
