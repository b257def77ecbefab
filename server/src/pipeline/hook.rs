//! The one place where commitment detection plugs into the message path.
//!
//! [`MessageHook::after_publish`] is called once for every new message of kind `user`,
//! after it is durable and published (and before the sender's ack is written). An
//! implementation that detects commitments reads the message, and emits its answers
//! (`commitment`, `clarification_request`, `liability`) through
//! [`Pipeline::emit`](super::Pipeline::emit). The call must not block: spawn a task for
//! anything slow. The server installs the hook in `state::build`
//! ([`crate::ledger::detect::DetectionHook`]).

use quid_shared::Message;

use super::Pipeline;
use crate::store::{Draft, WriteCtx};

/// Called after each new user message is published.
pub trait MessageHook: Send + Sync + 'static {
    /// `message` is durable and already handed to the bus; `pipeline` can emit more.
    /// Also called for `clarification_response` messages (see [`is_answer`](Self::is_answer)).
    fn after_publish(&self, pipeline: &Pipeline, message: &Message);

    /// Called after a member changed `message` (edited, deleted, reacted to it) with
    /// `change`, once both are durable and the change is published. Must not block.
    fn after_change(&self, _pipeline: &Pipeline, _message: &Message, _change: &Message) {}

    /// Whether `draft` (a member's message) answers a question the server asked its
    /// author; if so it is stored as a `clarification_response` private to the author
    /// instead of a `user` message. Called in the writer's transaction, just before the
    /// message is stored, so a client's messages are decided (and stored) in the order it
    /// sent them, whatever the hook reads on `ctx`. Must be quick.
    fn is_answer(&self, _ctx: &mut WriteCtx<'_>, _draft: &Draft) -> bool {
        false
    }
}
