//! What one node holds to take effects on its own connections: its hub, its presence
//! and its relay — used for the effects it produces, and for those other nodes publish.

use std::sync::Arc;

use quid_shared::Id;

use crate::bus::event::{self, Envelope, Event};
use crate::bus::relay::Relay;
use crate::hub::frame::text_frame;
use crate::hub::{Hub, Presence};

/// This node, as the bus reaches it.
pub(super) struct Node {
    /// Random per process: the `origin` of what it publishes.
    pub(super) id: Id,
    pub(super) hub: Arc<dyn Hub>,
    pub(super) presence: Arc<Presence>,
    pub(super) relay: Relay,
}

impl Node {
    /// Takes effect of one event received from the bus (its own echoes are ignored).
    pub(super) fn apply(&self, payload: &[u8]) {
        let envelope = match Envelope::decode(payload) {
            Ok(envelope) => envelope,
            Err(e) => {
                metrics::counter!("quid_bus_decode_errors_total").increment(1);
                tracing::warn!(error = %e, "bus: an event could not be read; ignored");
                return;
            }
        };
        if envelope.origin == self.id {
            return;
        }
        let event = envelope.event;
        metrics::counter!("quid_bus_received_total", "kind" => event.kind()).increment(1);
        match event {
            Event::Message {
                group,
                seq,
                message,
            } => {
                if !self.relay.wants(group, seq) {
                    // not followed here, or delivered already: not worth reading
                    return;
                }
                match event::published(message) {
                    Ok(published) => self.relay.arrive(published),
                    Err(e) => {
                        metrics::counter!("quid_bus_decode_errors_total").increment(1);
                        tracing::warn!(error = %e, "bus: a message could not be read; ignored");
                    }
                }
            }
            Event::RemoveUser { group, user } => self.hub.remove_user(group, user),
            Event::Tell { user, frame } => {
                let frame = text_frame(&[frame.get().as_bytes()]);
                self.presence.tell_framed(user, &frame, None);
            }
            Event::NotifyRoom {
                group,
                audience,
                frame,
            } => {
                let frame = text_frame(&[frame.get().as_bytes()]);
                self.hub.notify_room(group, &frame, audience);
            }
            Event::Resync => self.relay.resync(),
        }
    }
}
