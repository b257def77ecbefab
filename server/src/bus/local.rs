//! The bus of a single node: every effect is the hub's or the presence's own, called
//! directly on the caller's thread — no copy, no queue, nothing leaves the process.

use std::sync::Arc;

use quid_shared::{Id, ServerFrame};

use super::{Bus, Following};
use crate::hub::presence::encode;
use crate::hub::{Audience, ConnId, Hub, Presence, Published};

/// One node: the hub and the presence are all there is.
pub struct LocalBus {
    hub: Arc<dyn Hub>,
    presence: Arc<Presence>,
}

impl LocalBus {
    pub fn new(hub: Arc<dyn Hub>, presence: Arc<Presence>) -> LocalBus {
        LocalBus { hub, presence }
    }
}

impl Bus for LocalBus {
    fn publish(&self, published: Arc<Published>) {
        self.hub.publish(published);
    }

    fn remove_user(&self, group: Id, user: Id) {
        self.hub.remove_user(group, user);
    }

    fn tell(&self, user: Id, frame: &ServerFrame, except: Option<ConnId>) {
        self.presence.tell(user, frame, except);
    }

    fn notify_room(&self, group: Id, frame: &ServerFrame, audience: Audience) {
        self.hub.notify_room(group, &encode(frame), audience);
    }

    fn follow(&self, _group: Id) -> Option<Following> {
        None
    }
}
