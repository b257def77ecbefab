//! After the bus was down (or another node lost events it meant to publish), what the
//! bus did not bring is read from the database for every group this node follows: the
//! head, so the gap before it is filled, and the members, so that a connection whose
//! user's membership ended meanwhile leaves the room (the `remove-user` event that
//! would have told this node may be lost).

use std::collections::HashSet;
use std::sync::Arc;

use tokio::runtime::Handle;

use quid_shared::Id;

use super::core::Core;
use super::fill::fill;
use crate::store::{StoreError, groups, messages};

/// Groups read per database read.
const CHUNK: usize = 256;

/// What was read of one group.
struct Fresh {
    group: Id,
    head: i64,
    /// The members, when this node has connections in the group's room; with the users
    /// of those connections before the read.
    members: Option<(HashSet<Id>, Vec<Id>)>,
}

/// Reads every followed group's head (and, where this node has connections, members)
/// and hands it to the relay, starting the fills it needs on `runtime`.
pub(super) async fn resync(core: Arc<Core>, runtime: Handle) {
    metrics::counter!("quid_bus_resyncs_total").increment(1);
    let followed = core.followed();
    tracing::info!(
        groups = followed.len(),
        "reading what the bus may have missed"
    );
    for chunk in followed.chunks(CHUNK) {
        // who is in each room before the read: one who joins after it is a member
        let rooms: Vec<(Id, Vec<Id>)> = chunk
            .iter()
            .map(|group| (*group, core.hub.users(*group)))
            .collect();
        let read = core
            .store
            .read(move |conn| {
                let mut out = Vec::with_capacity(rooms.len());
                for (group, users) in rooms {
                    let head = messages::head(conn, group)?;
                    let members = if users.is_empty() {
                        None
                    } else {
                        let members = groups::members(conn, group)?;
                        Some((members.into_iter().map(|m| m.id).collect(), users))
                    };
                    out.push(Fresh {
                        group,
                        head,
                        members,
                    });
                }
                Ok::<_, StoreError>(out)
            })
            .await;
        let fresh = match read {
            Ok(fresh) => fresh,
            Err(StoreError::Closed) => return,
            Err(e) => {
                tracing::error!(error = %e, "resynchronising after the bus failed");
                metrics::counter!("quid_bus_fill_errors_total").increment(1);
                continue;
            }
        };
        for Fresh {
            group,
            head,
            members,
        } in fresh
        {
            if let Some((members, users)) = members {
                for user in users.into_iter().filter(|u| !members.contains(u)) {
                    tracing::info!(%group, %user, "no longer a member: leaves the room");
                    metrics::counter!("quid_bus_stale_members_removed_total").increment(1);
                    core.hub.remove_user(group, user);
                }
            }
            if core.caught_up_to(group, head) {
                runtime.spawn(fill(Arc::clone(&core), group));
            }
        }
    }
}
