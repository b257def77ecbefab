//! `join {group, since}`: exactly the missed messages, then live — with no gap and no
//! duplicate even while others keep sending.
//!
//! Order matters: close the group's gate in the outbox (live messages are held from now
//! on) and subscribe to the hub, then read `head` and the history `seq > since` from one
//! snapshot and write it, then write `joined` and open the gate, which writes the held
//! messages newer than what was written. Anything committed after the snapshot reaches
//! the gate (it is published after its commit, and we were already subscribed); anything
//! before is in the snapshot; the gate skips what was already written by seq.

use quid_shared::{ErrorCode, Id, ServerFrame};

use super::frames;
use super::session::{End, Session};
use crate::store::groups::{self, Membership};
use crate::store::{StoreError, messages};

/// Messages read per replay query.
const PAGE: u32 = 1000;

pub(super) async fn join(session: &mut Session, group: Id, since: Option<i64>) -> Result<(), End> {
    let was_joined = session.outbox.hold(group);
    if !was_joined {
        session.state.hub.subscribe(group, session.subscriber());
    }
    let viewer = session.user.id;
    let snapshot = session
        .state
        .store
        .read(move |conn| {
            let tx = conn.unchecked_transaction()?;
            let membership = groups::membership(&tx, group, viewer)?;
            if membership != Membership::Member {
                return Ok(Err(membership));
            }
            let head = messages::head(&tx, group)?;
            let first = match since {
                Some(since) => {
                    messages::visible_between(&tx, group, viewer, since, head + 1, PAGE)?
                }
                None => Vec::new(),
            };
            tx.commit()?;
            Ok(Ok((head, first)))
        })
        .await;
    let (head, mut page) = match snapshot {
        Ok(Ok(found)) => found,
        Ok(Err(membership)) => {
            session.outbox.leave(group);
            session.state.hub.unsubscribe(group, session.conn);
            let (code, text) = match membership {
                Membership::NoGroup => (ErrorCode::NotFound, "group not found"),
                _ => (ErrorCode::Forbidden, "you are not a member of this group"),
            };
            return session.send(frames::error(code, text, Some("join".into())));
        }
        Err(e) => {
            session.outbox.abort(group, was_joined);
            if !was_joined {
                session.state.hub.unsubscribe(group, session.conn);
            }
            let (code, text) = match e {
                StoreError::Closed => (ErrorCode::Unavailable, "the server is shutting down"),
                other => {
                    tracing::error!(error = %other, "join read failed");
                    (ErrorCode::Internal, "internal error; try joining again")
                }
            };
            return session.send(frames::error(code, text, Some("join".into())));
        }
    };
    loop {
        let full = page.len() == PAGE as usize;
        let last = session.outbox.replay(group, page)?;
        // a long replay goes out page by page, as fast as the client reads it
        session.drain().await?;
        if !full || last >= head {
            break;
        }
        let cursor = last;
        page = session
            .state
            .store
            .read(move |conn| {
                messages::visible_between(conn, group, viewer, cursor, head + 1, PAGE)
            })
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "replay read failed");
                End::Broken
            })?;
    }
    tracing::debug!(conn = session.conn, user = %viewer, %group, since, head, "join");
    Ok(session
        .outbox
        .open(group, head, &ServerFrame::Joined { group, head })?)
}
