//! The bus over Redis pub/sub: every node publishes its effects on one channel and
//! subscribes to it. Each effect takes place on this node at once (messages through the
//! relay, for their order), and is queued for [`publisher`]; what [`subscriber`]
//! receives from other nodes takes place the same way ([`node`]).
//!
//! Redis pub/sub delivers at most once and keeps nothing: the relay's gap fills and
//! resyncs make up for what it loses, from the database.

mod node;
mod publisher;
mod subscriber;
pub mod url;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use serde_json::value::RawValue;
use tokio_util::sync::CancellationToken;

use quid_shared::{Id, ServerFrame};

use super::relay::Relay;
use super::{Bus, Following};
use crate::hub::frame::text_frame;
use crate::hub::{Audience, ConnId, Hub, Presence, Published};
use crate::store::Store;
use node::Node;
use publisher::{Outbound, Queue};

/// The channel every node publishes on and subscribes to, unless configured otherwise.
pub const DEFAULT_CHANNEL: &str = "quid:events";

/// Where the bus is.
pub(super) struct Link {
    client: redis::Client,
    channel: String,
    /// The URL without its credentials, for logs.
    url: String,
}

/// The wait before the `attempt`-th retry of Redis: 100 ms doubling, at most 5 s.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(100u64 << attempt.min(6)).min(Duration::from_secs(5))
}

/// A node of several, meeting on a Redis channel.
pub struct RedisBus {
    node: Arc<Node>,
    queue: Queue,
}

impl RedisBus {
    /// Starts publishing to and receiving from `channel` at `url`, on the current tokio
    /// runtime, until `shutdown`. Fails only on a URL that cannot be used; an
    /// unreachable Redis is retried in the background, and this node serves its own
    /// connections meanwhile.
    pub fn start(
        url: &str,
        channel: &str,
        hub: Arc<dyn Hub>,
        presence: Arc<Presence>,
        store: Store,
        shutdown: CancellationToken,
    ) -> anyhow::Result<Arc<RedisBus>> {
        let shown = url::redacted(url);
        let client = redis::Client::open(url)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("cannot use the bus URL {shown}"))?;
        let runtime = tokio::runtime::Handle::try_current()
            .context("the bus needs to be started on a tokio runtime")?;
        let link = Arc::new(Link {
            client,
            channel: channel.to_owned(),
            url: shown,
        });
        let node = Arc::new(Node {
            id: Id::new_v4(),
            relay: Relay::new(Arc::clone(&hub), store, runtime.clone()),
            hub,
            presence,
        });
        let (queue, pending) = publisher::queue();
        runtime.spawn(publisher::run(
            Arc::clone(&link),
            node.id,
            pending,
            shutdown.clone(),
        ));
        runtime.spawn(subscriber::run(link, Arc::clone(&node), shutdown));
        Ok(Arc::new(RedisBus { node, queue }))
    }

    /// This node's id on the bus.
    pub fn node(&self) -> Id {
        self.node.id
    }

    /// A server frame's JSON, for this node's sockets and the bus alike.
    fn json(frame: &ServerFrame) -> Option<Box<RawValue>> {
        match serde_json::value::to_raw_value(frame) {
            Ok(json) => Some(json),
            Err(e) => {
                tracing::error!(error = %e, "cannot serialize a server frame");
                None
            }
        }
    }
}

impl Bus for RedisBus {
    fn publish(&self, published: Arc<Published>) {
        self.node.relay.arrive(Arc::clone(&published));
        self.queue.push(Outbound::Message(published));
    }

    fn remove_user(&self, group: Id, user: Id) {
        self.node.hub.remove_user(group, user);
        self.queue.push(Outbound::RemoveUser { group, user });
    }

    fn tell(&self, user: Id, frame: &ServerFrame, except: Option<ConnId>) {
        let Some(frame) = Self::json(frame) else {
            return;
        };
        let bytes = text_frame(&[frame.get().as_bytes()]);
        self.node.presence.tell_framed(user, &bytes, except);
        self.queue.push(Outbound::Tell { user, frame });
    }

    fn notify_room(&self, group: Id, frame: &ServerFrame, audience: Audience) {
        let Some(frame) = Self::json(frame) else {
            return;
        };
        let bytes = text_frame(&[frame.get().as_bytes()]);
        self.node.hub.notify_room(group, &bytes, audience);
        self.queue.push(Outbound::NotifyRoom {
            group,
            audience,
            frame,
        });
    }

    fn follow(&self, group: Id) -> Option<Following> {
        self.node.relay.follow(group)
    }
}

#[cfg(test)]
mod tests;
