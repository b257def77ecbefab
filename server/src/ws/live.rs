//! The frames of a connection that are not messages: changes of earlier messages (edit,
//! delete, react — through the pipeline), read positions (stored, told to the user's
//! other connections), typing (forwarded, throttled, never stored) and presence (who is
//! connected, told to the groups of a user who comes or goes).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use quid_shared::limits::TYPING_EVERY_MS;
use quid_shared::{ErrorCode, Id, ServerFrame};
use tokio::time::Instant;

use super::frames;
use super::link::Link;
use super::outbox::Outgoing;
use crate::hub::Audience;
use crate::pipeline::{ChangeRequest, PipelineError};
use crate::state::AppState;
use crate::store::{StoreError, groups, reads};

/// Runs a change of an earlier message; its outcome reaches the client as the change's
/// own message, or as an error naming the frame type.
pub(super) async fn change(
    state: Arc<AppState>,
    request: ChangeRequest,
    reference: &'static str,
) -> Outgoing {
    match state.pipeline.change(request).await {
        Ok(_) => Outgoing::Nothing,
        Err(e) => Outgoing::Frame(pipeline_error(e, reference)),
    }
}

fn pipeline_error(e: PipelineError, reference: &str) -> ServerFrame {
    let message = match &e {
        PipelineError::Store(store) => {
            tracing::error!(error = %store, "a change failed in the store");
            "the change could not be stored; try again".to_owned()
        }
        other => other.to_string(),
    };
    frames::error(e.code(), message, Some(reference.to_owned()))
}

/// `read {group, seq}`: kept (never moving back) and told to the user's other
/// connections.
pub(super) async fn read(
    state: Arc<AppState>,
    user: Id,
    conn: u64,
    group: Id,
    seq: i64,
) -> Outgoing {
    let kept = state
        .store
        .write_one(move |ctx| -> Result<Option<i64>, StoreError> {
            if ctx.membership(group, user)? != groups::Membership::Member {
                return Ok(None);
            }
            let head = crate::store::messages::head(ctx.conn(), group)?;
            reads::mark(ctx.conn(), group, user, seq.clamp(0, head)).map(Some)
        })
        .await;
    match kept {
        Ok(Some(seq)) => {
            state
                .bus
                .tell(user, &ServerFrame::Read { group, seq }, Some(conn));
            Outgoing::Nothing
        }
        Ok(None) => Outgoing::Frame(frames::error(
            ErrorCode::Forbidden,
            "you are not a member of this group",
            Some("read".into()),
        )),
        Err(e) => {
            tracing::error!(error = %e, "storing a read position failed");
            Outgoing::Frame(frames::error(
                ErrorCode::Internal,
                "the read position could not be kept",
                Some("read".into()),
            ))
        }
    }
}

/// When each group's last `typing` of this connection was forwarded.
#[derive(Default)]
pub(super) struct TypingThrottle {
    last: HashMap<Id, Instant>,
}

impl TypingThrottle {
    /// Whether a `typing` in `group` may be forwarded now.
    fn allow(&mut self, group: Id) -> bool {
        let now = Instant::now();
        let every = Duration::from_millis(TYPING_EVERY_MS);
        match self.last.get(&group) {
            Some(at) if now.duration_since(*at) < every => false,
            _ => {
                self.last.insert(group, now);
                true
            }
        }
    }
}

/// `typing {group, to?}`: forwarded to the group's other connected members, or with `to`
/// to that member alone; at most once per [`TYPING_EVERY_MS`] per group. A group not
/// joined on this connection is an error; a throttled one is dropped silently.
pub(super) async fn typing(
    link: &Link,
    throttle: &mut TypingThrottle,
    group: Id,
    to: Option<String>,
) -> Option<ServerFrame> {
    if !link.outbox.is_joined(group) {
        return Some(frames::error(
            ErrorCode::BadRequest,
            "join the group before typing in it",
            Some("typing".into()),
        ));
    }
    if !throttle.allow(group) {
        return None;
    }
    let me = link.user.id;
    let target = match to {
        None => None,
        Some(who) => {
            let found = link
                .state
                .store
                .read(move |conn| groups::find_member(conn, group, who.trim()))
                .await;
            match found {
                Ok(Some(member)) => Some(member.id),
                Ok(None) => {
                    return Some(frames::error(
                        ErrorCode::BadRequest,
                        "`to`: not a member of this group",
                        Some("typing".into()),
                    ));
                }
                Err(_) => return None,
            }
        }
    };
    let audience = match target {
        // typing to oneself tells no one
        Some(target) if target == me => return None,
        Some(target) => Audience::Only(target),
        None => Audience::Except(me),
    };
    let frame = ServerFrame::Typing {
        group,
        user: link.user.as_ref(),
        private: target.is_some(),
    };
    link.state.bus.notify_room(group, &frame, audience);
    None
}

/// The connected members of `group`, as the `presence` frame after a join.
pub(super) fn snapshot(state: &AppState, group: Id, members: Vec<Id>) -> ServerFrame {
    ServerFrame::Presence {
        group,
        online: state.presence.online(members),
    }
}

/// `user` came online or went offline: each of their groups' rooms is told so, as one
/// small `status` frame (not the whole list: a room of many members pays per arrival
/// one frame per connection, not the list again).
pub(super) fn announce(state: Arc<AppState>, user: Id, online: bool) {
    tokio::spawn(async move {
        let read = state
            .store
            .read(move |conn| groups::ids_of_user(conn, user))
            .await;
        let Ok(groups) = read else {
            return;
        };
        for group in groups {
            let frame = ServerFrame::Status {
                group,
                user,
                online,
            };
            state.bus.notify_room(group, &frame, Audience::Everyone);
        }
    });
}
