//! `join {group, since}`: exactly the missed messages, then live — with no gap and no
//! duplicate even while others keep sending.
//!
//! Order matters: subscribe to the hub first (live frames queue up meanwhile), then read
//! `head` and the history `seq > since` from one snapshot, send it, and record `head` as
//! the last seq delivered. Anything committed after the snapshot reaches the queue (it
//! is published after its commit, and we were already subscribed); anything before is in
//! the snapshot; the queue's copies of those are skipped by seq.

use quid_shared::{ErrorCode, Id, ServerFrame};

use super::frames;
use super::session::{End, Session};
use crate::store::groups::{self, Membership};
use crate::store::{StoreError, messages};

/// Messages read per replay query.
const PAGE: u32 = 1000;

pub(super) async fn join(session: &mut Session, group: Id, since: Option<i64>) -> Result<(), End> {
    let was_joined = session.joined.contains_key(&group);
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
            leave(session, group);
            let (code, text) = match membership {
                Membership::NoGroup => (ErrorCode::NotFound, "group not found"),
                _ => (ErrorCode::Forbidden, "you are not a member of this group"),
            };
            return session
                .send(&frames::error(code, text, Some("join".into())))
                .await;
        }
        Err(e) => {
            if !was_joined {
                leave(session, group);
            }
            let (code, text) = match e {
                StoreError::Closed => (ErrorCode::Unavailable, "the server is shutting down"),
                other => {
                    tracing::error!(error = %other, "join read failed");
                    (ErrorCode::Internal, "internal error; try joining again")
                }
            };
            return session
                .send(&frames::error(code, text, Some("join".into())))
                .await;
        }
    };
    let mut last = session.joined.get(&group).copied().unwrap_or(0);
    loop {
        let full = page.len() == PAGE as usize;
        for message in page.drain(..) {
            if message.seq <= last {
                continue;
            }
            last = message.seq;
            session.feed(&ServerFrame::NewMessage { message }).await?;
        }
        session.flush().await?;
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
    session.joined.insert(group, last.max(head));
    tracing::debug!(conn = session.conn, user = %viewer, %group, since, head, "join");
    session.send(&ServerFrame::Joined { group, head }).await
}

fn leave(session: &mut Session, group: Id) {
    session.joined.remove(&group);
    session.state.hub.unsubscribe(group, session.conn);
}
