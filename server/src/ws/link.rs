//! One connection as the session loop and a `join` both see it: who it is, the state it
//! serves from, and its outgoing side. Shared by the two, so neither reaches into the other.

use std::sync::Arc;

use quid_shared::ServerFrame;

use super::end::{End, guard};
use super::outbox::{Outbox, Outgoing};
use crate::auth::AuthUser;
use crate::hub::{ConnId, Subscriber};
use crate::state::AppState;

pub(super) struct Link {
    pub(super) state: Arc<AppState>,
    pub(super) user: AuthUser,
    pub(super) conn: ConnId,
    pub(super) outbox: Arc<Outbox>,
}

impl Link {
    /// This connection as the hub sees it.
    pub(super) fn subscriber(&self) -> Subscriber {
        Subscriber {
            conn: self.conn,
            user: self.user.id,
            sink: self.outbox.clone(),
        }
    }

    /// Sends one frame now.
    pub(super) fn send(&self, frame: ServerFrame) -> Result<(), End> {
        Ok(self.outbox.send(vec![Outgoing::Frame(frame)])?)
    }

    /// Writes out the bytes the socket did not take at once.
    pub(super) async fn drain(&self) -> Result<(), End> {
        guard(self.outbox.drain(), &self.outbox.slow, &self.state.shutdown).await
    }
}
