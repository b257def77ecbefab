//! The open sessions, in memory, so that checking a token's session on every request and
//! socket costs a hash lookup, never a database read. Each open session has a
//! cancellation token: its sockets wait on it, so ending a session (logout, logout
//! everywhere, a password change, account deletion) closes them at once. The sessions
//! table is written first; this set follows it, and is read back from it at start.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use quid_shared::Id;
use tokio_util::sync::CancellationToken;

/// One open session.
struct Open {
    user: Id,
    /// Unix milliseconds; after this its token is refused anyway.
    expires_at: i64,
    ended: CancellationToken,
}

/// Sessions opened between two sweeps of the expired ones.
const SWEEP_EVERY: usize = 1024;

/// Every open session of the server.
#[derive(Default)]
pub struct Sessions {
    open: Mutex<HashMap<Id, Open>>,
    opened: std::sync::atomic::AtomicUsize,
}

impl Sessions {
    fn lock(&self) -> MutexGuard<'_, HashMap<Id, Open>> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Accepts session `id` of `user` from now on, until `expires_at` (Unix ms). Every
    /// [`SWEEP_EVERY`] sessions, the expired ones are forgotten, so memory follows the
    /// sessions that can still be used, not every login since the start.
    pub fn open(&self, id: Id, user: Id, expires_at: i64) {
        let mut open = self.lock();
        let count = self
            .opened
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if count % SWEEP_EVERY == SWEEP_EVERY - 1 {
            let now = crate::store::now_ms();
            open.retain(|_, session| session.expires_at > now);
        }
        open.insert(
            id,
            Open {
                user,
                expires_at,
                ended: CancellationToken::new(),
            },
        );
    }

    /// Whether session `id` is open for `user`; if so, the token cancelled when it ends.
    pub fn check(&self, id: Id, user: Id) -> Option<CancellationToken> {
        let open = self.lock();
        let session = open.get(&id)?;
        (session.user == user).then(|| session.ended.clone())
    }

    /// Ends the sessions `ids` (those that are open): their requests are refused and
    /// their sockets closed from now on.
    pub fn end(&self, ids: &[Id]) {
        let mut open = self.lock();
        for id in ids {
            if let Some(session) = open.remove(id) {
                session.ended.cancel();
            }
        }
    }

    /// How many sessions are open.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no session is open.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An ended session is refused and its token cancelled; another user's id never passes.
    #[test]
    fn ending_cancels_and_refuses() {
        let sessions = Sessions::default();
        let (sid, alice, bob) = (Id::new_v4(), Id::new_v4(), Id::new_v4());
        sessions.open(sid, alice, i64::MAX);
        assert!(sessions.check(sid, bob).is_none());
        let ended = sessions.check(sid, alice).expect("open");
        sessions.end(&[sid]);
        assert!(ended.is_cancelled());
        assert!(sessions.check(sid, alice).is_none());
    }

    /// Expired sessions are forgotten by the sweep; open ones stay.
    #[test]
    fn expired_sessions_are_swept() {
        let sessions = Sessions::default();
        let user = Id::new_v4();
        let kept = Id::new_v4();
        sessions.open(kept, user, i64::MAX);
        for _ in 0..SWEEP_EVERY {
            sessions.open(Id::new_v4(), user, 0);
        }
        assert!(sessions.len() < SWEEP_EVERY);
        assert!(sessions.check(kept, user).is_some());
    }
}
