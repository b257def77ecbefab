//! Sessions when several nodes share one database: a session opened on another node is
//! found in the database the first time its token reaches this one, and sessions ended
//! on another node (logout, a password change) are followed from the database within
//! [`FOLLOW_EVERY`], so their tokens stop working here too and their sockets close.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::{Auth, AuthUser, Sessions, TokenError};
use crate::store::{Dialect, Store, now_ms, sessions};

/// How often a node of a shared database reads the sessions ended since last time.
pub const FOLLOW_EVERY: Duration = Duration::from_secs(1);

/// [`Auth::check`], and on a shared database a session this node has not seen is looked
/// up there.
pub async fn check(
    auth: &Auth,
    store: &Store,
    token: &str,
) -> Result<(AuthUser, CancellationToken), TokenError> {
    match auth.check(token) {
        Err(TokenError::SessionEnded) if store.dialect() == Dialect::Postgres => {}
        checked => return checked,
    }
    let user = auth.tokens.verify(token)?;
    let (id, owner) = (user.session, user.id);
    let found = store
        .read(move |conn| sessions::open_one(conn, id, owner))
        .await;
    match found {
        Ok(Some(expires_at)) => auth.sessions.open(id, owner, expires_at),
        Ok(None) => return Err(TokenError::SessionEnded),
        Err(e) => {
            tracing::warn!(error = %e, "cannot look a session up");
            return Err(TokenError::SessionEnded);
        }
    }
    auth.check(token)
}

/// On a shared database, ends here every session ended on any node, until `shutdown`.
pub fn follow_ended(sessions: Arc<Sessions>, store: Store, shutdown: CancellationToken) {
    if store.dialect() != Dialect::Postgres {
        return;
    }
    tokio::spawn(async move {
        // a margin for the clocks of the nodes and for transactions that commit late
        let margin = 30_000;
        let mut since = now_ms() - margin;
        let mut tick = tokio::time::interval(FOLLOW_EVERY);
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tick.tick() => {}
            }
            let from = since;
            match store
                .read(move |conn| sessions::ended_since(conn, from))
                .await
            {
                Ok(ended) => {
                    let latest = ended.iter().map(|(_, at)| *at).max();
                    let ids: Vec<_> = ended.into_iter().map(|(id, _)| id).collect();
                    sessions.end(&ids);
                    if let Some(latest) = latest {
                        since = since.max(latest - margin);
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot read the ended sessions"),
            }
        }
    });
}
