//! Changes of messages over HTTP, the same path as the socket's frames: edit or delete my
//! message (`PUT`/`DELETE /api/groups/:id/messages/:seq`), react to one
//! (`POST .../reactions {emoji, remove?}`), and my earlier texts of an edited message
//! (`GET .../edits`, its author only).

use std::sync::Arc;

use quid_shared::{EditHistory, EditMessage, Id, MessageCreated};
use serde::Deserialize;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

use super::error::ApiError;
use super::groups::require_member;
use super::{authenticated, finish, json_body, json_status, with_state};
use crate::auth::AuthUser;
use crate::pipeline::{Change, ChangeRequest};
use crate::state::AppState;
use crate::store::{changes, groups, messages};

/// `POST /api/groups/:id/messages/:seq/reactions`.
#[derive(Debug, Deserialize)]
struct React {
    emoji: String,
    #[serde(default)]
    remove: bool,
}

pub(super) fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let base = with_state(state.clone()).and(authenticated(state));
    let edit = warp::path!("api" / "groups" / Id / "messages" / i64)
        .and(warp::put())
        .and(base.clone())
        .and(json_body())
        .then(|g, seq, s, u, b: EditMessage| async move {
            finish(change(s, u, g, seq, Change::Edit(b.content)).await)
        });
    let delete = warp::path!("api" / "groups" / Id / "messages" / i64)
        .and(warp::delete())
        .and(base.clone())
        .then(|g, seq, s, u| async move {
            finish(
                change(s, u, g, seq, Change::Delete)
                    .await
                    .map(|_| StatusCode::NO_CONTENT.into_response()),
            )
        });
    let react = warp::path!("api" / "groups" / Id / "messages" / i64 / "reactions")
        .and(warp::post())
        .and(base.clone())
        .and(json_body())
        .then(|g, seq, s, u, b: React| async move {
            finish(change(s, u, g, seq, Change::React(b.emoji, !b.remove)).await)
        });
    let edits = warp::path!("api" / "groups" / Id / "messages" / i64 / "edits")
        .and(warp::get())
        .and(base)
        .then(|g, seq, s, u| async move { finish(edits(s, u, g, seq).await) });
    edit.or(delete).unify().or(react).unify().or(edits).unify()
}

/// Applies a change; answers with the message as it is now.
async fn change(
    state: Arc<AppState>,
    caller: AuthUser,
    group: Id,
    seq: i64,
    change: Change,
) -> Result<Response, ApiError> {
    let request = ChangeRequest {
        group,
        seq,
        by: caller.as_ref(),
        change,
    };
    let message = match state.pipeline.change(request).await? {
        Some(changed) => changed.message,
        // a reaction that was already so: the message as it is
        None => state
            .store
            .read(move |conn| messages::by_seq(conn, group, seq))
            .await?
            .ok_or_else(|| ApiError::not_found(format!("message #{seq} not found")))?,
    };
    Ok(json_status(&MessageCreated { message }, StatusCode::OK))
}

async fn edits(
    state: Arc<AppState>,
    caller: AuthUser,
    group: Id,
    seq: i64,
) -> Result<Response, ApiError> {
    let (membership, found) = state
        .store
        .read(move |conn| {
            let membership = groups::membership(conn, group, caller.id)?;
            let message = messages::by_seq(conn, group, seq)?;
            let versions = match &message {
                Some(m) => changes::versions(conn, m.id)?,
                None => Vec::new(),
            };
            Ok((membership, message.map(|m| (m, versions))))
        })
        .await?;
    require_member(membership)?;
    let (message, versions) = found
        .filter(|(m, _)| m.visible_to(caller.id))
        .ok_or_else(|| ApiError::not_found(format!("message #{seq} not found")))?;
    if message.author.as_ref().is_none_or(|a| a.id != caller.id) {
        return Err(ApiError::forbidden(
            "only the author sees the earlier texts of a message",
        ));
    }
    Ok(json_status(&EditHistory { versions }, StatusCode::OK))
}
