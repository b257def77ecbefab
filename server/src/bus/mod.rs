//! The bus: how what one node does reaches the sockets of every node — new messages,
//! ended memberships, frames for one user, ephemeral room frames — while each node's
//! [`Hub`](crate::hub::Hub) keeps serving only its own connections.
//!
//! Everything with an effect beyond the connection at hand goes through one [`Bus`]:
//! the pipeline's after-commit publish, `remove_user` after a membership ends, frames
//! told to all of a user's connections, typing/status/member frames for a room. One
//! implementation per engine:
//!
//! - [`LocalBus`] (one node, the default): nothing leaves the process. Each call is
//!   the hub's or the presence's own, on the caller's thread, as before the bus existed.
//! - [`RedisBus`] (`--bus redis://…`): each call takes effect here at once and is
//!   published on one Redis pub/sub channel as an [`Event`](event::Event), JSON with the
//!   node's random id, so a node ignores its own echoes.
//!
//! **Order without trusting the bus.** The database assigns each group's `seq` in the
//! inserting transaction and is the only record; the bus only wakes nodes. A node's
//! [`Relay`] keeps, for every group it follows, the last seq handed to the hub: the
//! next seq is delivered, an older one dropped (an echo or a duplicate), a newer one
//! held while the missing range is read from the database — never on the writer thread
//! or the bus task. A node follows a group from a connection's first `join` of it on
//! this node ([`Bus::follow`]), starting at the database's head then, so no history is
//! replayed and nothing after it is missed; it keeps following it (one entry per
//! group), which keeps the hub's replay memory contiguous. This needs each group's
//! seqs to become visible in seq order (the row that hands out the next seq stays
//! locked until the commit), so that a message delivered implies every earlier one is
//! readable.
//!
//! **Bus down.** Local delivery goes on; the Redis connections are retried with
//! backoff; once subscribed again the relay resynchronises every group it follows from
//! the database: the head is read and the gap filled, and connections whose user is no
//! longer a member leave the room. A node that could not publish asks the others to do
//! the same when it can again.
//!
//! **Limits.** Presence (who is online) is per node: the `presence` snapshot after a
//! join lists the members connected to this node, and a user connected to two nodes
//! is announced offline when either loses its last connection. Ephemeral frames
//! (typing, status, member changes, `read`, `added`) are at most once: lost while the
//! bus is down. A removal committed on one node and a message committed just after it
//! on another may cross on the bus, so the removed user's connection on a third node
//! can get that message before it leaves the room.

pub mod event;
mod local;
pub mod redis;
mod relay;
#[cfg(test)]
mod seeded;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use quid_shared::{Id, ServerFrame};

use crate::hub::{Audience, ConnId, Published};
use crate::store::StoreError;

pub use local::LocalBus;
pub use redis::RedisBus;
pub use relay::Relay;

/// Waits until this node follows a group (see [`Bus::follow`]).
pub type Following = Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send>>;

/// The effects that must reach every node's connections.
pub trait Bus: Send + Sync + 'static {
    /// A message this node just committed. Called on the writer thread after the
    /// commit, in commit order; must not block.
    fn publish(&self, published: Arc<Published>);
    /// `user`'s membership of `group` ended: their connections, on every node, leave the
    /// group's room (and are told `left`). Must not block.
    fn remove_user(&self, group: Id, user: Id);
    /// `frame` to every connection of `user`, on every node, except this node's
    /// connection `except`.
    fn tell(&self, user: Id, frame: &ServerFrame, except: Option<ConnId>);
    /// An ephemeral frame to the connections in `group`'s room, on every node, whose
    /// user is in `audience`. Not stored, not replayed.
    fn notify_room(&self, group: Id, frame: &ServerFrame, audience: Audience);
    /// Called before a connection of this node first subscribes to `group`: resolves
    /// once every message of the group committed from then on will be published to
    /// this node's hub. `None` when that is so already (always, on one node).
    fn follow(&self, group: Id) -> Option<Following>;
}
