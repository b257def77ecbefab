//! Who is connected now, on any device, and a way to reach all of a user's connections
//! (to tell them of a group they were added to, or of a read position moved elsewhere).
//! Ephemeral: nothing of it is stored.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;

use super::{ConnId, Sink};
use quid_shared::{Id, ServerFrame};

/// Each connected user's connections.
type Connected = HashMap<Id, Vec<(ConnId, Arc<dyn Sink>)>>;

/// The connections of every connected user.
#[derive(Default)]
pub struct Presence {
    users: Mutex<Connected>,
}

impl Presence {
    fn lock(&self) -> MutexGuard<'_, Connected> {
        match self.users.lock() {
            Ok(users) => users,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// A connection of `user` opened; `true` when it is the user's first (they came
    /// online).
    pub fn connect(&self, user: Id, conn: ConnId, sink: Arc<dyn Sink>) -> bool {
        let mut users = self.lock();
        let conns = users.entry(user).or_default();
        conns.push((conn, sink));
        conns.len() == 1
    }

    /// A connection of `user` closed; `true` when it was the user's last (they went
    /// offline).
    pub fn disconnect(&self, user: Id, conn: ConnId) -> bool {
        let mut users = self.lock();
        let Some(conns) = users.get_mut(&user) else {
            return false;
        };
        conns.retain(|(c, _)| *c != conn);
        if conns.is_empty() {
            users.remove(&user);
            return true;
        }
        false
    }

    /// Which of `users` are connected now.
    pub fn online(&self, users: impl IntoIterator<Item = Id>) -> Vec<Id> {
        let connected = self.lock();
        users
            .into_iter()
            .filter(|u| connected.contains_key(u))
            .collect()
    }

    /// Writes `frame` to every connection of `user` but `except`.
    pub fn tell(&self, user: Id, frame: &ServerFrame, except: Option<ConnId>) {
        let sinks = self.sinks(user, except);
        if sinks.is_empty() {
            return;
        }
        let bytes = encode(frame);
        for sink in sinks {
            sink.notify(&bytes);
        }
    }

    /// Writes an already framed `frame` to every connection of `user` but `except`.
    pub fn tell_framed(&self, user: Id, frame: &[u8], except: Option<ConnId>) {
        for sink in self.sinks(user, except) {
            sink.notify(frame);
        }
    }

    fn sinks(&self, user: Id, except: Option<ConnId>) -> Vec<Arc<dyn Sink>> {
        self.lock()
            .get(&user)
            .map(|conns| {
                conns
                    .iter()
                    .filter(|(c, _)| Some(*c) != except)
                    .map(|(_, s)| Arc::clone(s))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A server frame as one WebSocket text frame.
pub fn encode(frame: &ServerFrame) -> Bytes {
    match serde_json::to_vec(frame) {
        Ok(json) => super::frame::text_frame(&[&json]),
        Err(e) => {
            tracing::error!(error = %e, "cannot serialize a server frame");
            super::frame::text_frame(&[
                br#"{"type":"error","code":"internal","message":"internal error"}"#,
            ])
        }
    }
}
