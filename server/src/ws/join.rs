//! `join {group, since}`: exactly the missed messages, then live — with no gap and no
//! duplicate even while others keep sending.
//!
//! Order matters: close the group's gate in the outbox (live messages are held from now
//! on), make sure this node follows the group (with several nodes: the bus relays
//! every message of it committed from then on, see [`crate::bus`]) and subscribe to
//! the hub, then read `head` and the history `seq > since` from one
//! snapshot and write it, then write `joined` and open the gate, which writes the held
//! messages newer than what was written. Anything committed after the snapshot reaches
//! the gate (it is published after its commit, and we were already subscribed); anything
//! before is in the snapshot; the gate skips what was already written by seq.
//!
//! After `joined`, the group's `presence` (its members connected now) follows.
//!
//! The missed messages come from the hub's memory of recent messages when it still has
//! all of them (then `head` is the newest published seq, and anything newer reaches the
//! gate the same way), else from the database.

use quid_shared::{ErrorCode, Id, Message, ServerFrame};

use super::end::End;
use super::frames;
use super::link::Link;
use super::wire;
use crate::store::groups::{self, Membership};
use crate::store::{StoreError, messages};

/// Messages read per replay query.
const PAGE: u32 = 1000;

pub(super) async fn join(link: &Link, group: Id, since: Option<i64>) -> Result<(), End> {
    let was_joined = link.outbox.hold(group);
    if !was_joined {
        if let Some(following) = link.state.bus.follow(group)
            && let Err(e) = following.await
        {
            link.outbox.abort(group, was_joined);
            return link.send(read_failed(e));
        }
        link.state.hub.subscribe(group, link.subscriber());
    }
    let viewer = link.user.id;
    let kept = since.and_then(|since| link.state.hub.missed(group, viewer, since));
    let read_history = kept.is_none();
    let snapshot = link
        .state
        .store
        .read(move |conn| {
            conn.snapshot(|tx| {
                let membership = groups::membership(tx, group, viewer)?;
                if membership != Membership::Member {
                    return Ok(Err(membership));
                }
                let head = messages::head(tx, group)?;
                let members: Vec<Id> = groups::members(tx, group)?
                    .into_iter()
                    .map(|m| m.id)
                    .collect();
                let first = match since {
                    Some(since) if read_history => {
                        messages::visible_between(tx, group, viewer, since, head + 1, PAGE)?
                    }
                    _ => Vec::new(),
                };
                Ok(Ok((head, first, members)))
            })
        })
        .await;
    let (head, mut page, members) = match snapshot {
        Ok(Ok(found)) => found,
        Ok(Err(membership)) => {
            link.outbox.leave(group);
            link.state.hub.unsubscribe(group, link.conn);
            let (code, text) = match membership {
                Membership::NoGroup => (ErrorCode::NotFound, "group not found"),
                _ => (ErrorCode::Forbidden, "you are not a member of this group"),
            };
            return link.send(frames::error(code, text, Some("join".into())));
        }
        Err(e) => {
            link.outbox.abort(group, was_joined);
            if !was_joined {
                link.state.hub.unsubscribe(group, link.conn);
            }
            return link.send(read_failed(e));
        }
    };
    let source = match (since, &kept) {
        (None, _) => "none",
        (Some(_), Some(_)) => "memory",
        (Some(_), None) => "database",
    };
    metrics::counter!("quid_joins_total", "replay" => source).increment(1);
    if let Some(kept) = kept {
        let frames = kept.messages.iter().map(|published| {
            let put = |out: &mut Vec<u8>| out.extend_from_slice(&published.frame);
            (published.message.seq, put)
        });
        if link.outbox.replay(group, frames)?.is_none() {
            return Ok(());
        }
        open(link, group, since, kept.head)?;
        return link.send(super::live::snapshot(&link.state, group, members));
    }
    loop {
        let full = page.len() == PAGE as usize;
        let Some(last) = link.outbox.replay(group, page.into_iter().map(fresh))? else {
            // the membership ended during the replay (left or removed, and told so):
            // there is nothing more to send
            return Ok(());
        };
        // a long replay goes out page by page, as fast as the client reads it
        link.drain().await?;
        if !full || last >= head {
            break;
        }
        // everything the page held is written by now: `last` is at least its newest seq
        let cursor = last;
        page = link
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
    open(link, group, since, head)?;
    link.send(super::live::snapshot(&link.state, group, members))
}

/// The answer to a join whose reading failed.
fn read_failed(e: StoreError) -> ServerFrame {
    let (code, text) = match e {
        StoreError::Closed => (ErrorCode::Unavailable, "the server is shutting down"),
        other => {
            tracing::error!(error = %other, "join read failed");
            (ErrorCode::Internal, "internal error; try joining again")
        }
    };
    frames::error(code, text, Some("join".into()))
}

/// A message read from the database, with what writes its frame.
fn fresh(message: Message) -> (i64, impl FnOnce(&mut Vec<u8>)) {
    let seq = message.seq;
    let put = move |out: &mut Vec<u8>| {
        wire::put_server_frame(out, &ServerFrame::NewMessage { message });
    };
    (seq, put)
}

/// Writes `joined` and lets live messages through.
fn open(link: &Link, group: Id, since: Option<i64>, head: i64) -> Result<(), End> {
    let joined = ServerFrame::Joined { group, head };
    tracing::debug!(conn = link.conn, user = %link.user.id, %group, since, head, "join");
    Ok(link.outbox.open(group, head, &joined)?)
}
