//! `GET /api/groups/:id/messages` (history, visibility applied) and `POST /api/messages`
//! (through the pipeline, like a socket `send`).

use std::sync::Arc;

use quid_shared::limits::HISTORY_LIMIT_MAX;
use quid_shared::{Id, MessageCreated, MessagePage, PostMessage};
use serde::Deserialize;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Rejection};

use super::error::ApiError;
use super::groups::require_member;
use super::{authenticated, finish, json_body, json_status, with_state};
use crate::auth::AuthUser;
use crate::state::AppState;
use crate::store::{Draft, Recipient, groups, messages};

/// Messages per page when `limit` is absent.
const DEFAULT_LIMIT: u32 = 50;

/// `?after=&before=&limit=`: with `after`, the oldest page after it; otherwise the newest
/// page before `before` (or the newest of all). Pages are ascending by `seq`.
#[derive(Debug, Deserialize)]
struct HistoryQuery {
    after: Option<i64>,
    before: Option<i64>,
    limit: Option<u32>,
}

pub(super) fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let base = with_state(state.clone()).and(authenticated(state));
    let history = warp::path!("api" / "groups" / Id / "messages")
        .and(warp::get())
        .and(base.clone())
        .and(warp::query::<HistoryQuery>())
        .then(|g, s, u, q| async move { finish(history(s, u, g, q).await) });
    let post = warp::path!("api" / "messages")
        .and(warp::post())
        .and(base)
        .and(json_body())
        .then(|s, u, b| async move { finish(post(s, u, b).await) });
    history.or(post).unify()
}

async fn history(
    state: Arc<AppState>,
    caller: AuthUser,
    group: Id,
    query: HistoryQuery,
) -> Result<Response, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 || limit > HISTORY_LIMIT_MAX {
        return Err(ApiError::bad_request(format!(
            "limit must be 1 to {HISTORY_LIMIT_MAX}"
        )));
    }
    let viewer = caller.id;
    let (membership, mut page) = state
        .store
        .read(move |conn| {
            let membership = groups::membership(conn, group, viewer)?;
            if membership != groups::Membership::Member {
                return Ok((membership, Vec::new()));
            }
            let before = query.before.unwrap_or(i64::MAX);
            let page = match query.after {
                Some(after) => {
                    messages::visible_between(conn, group, viewer, after, before, limit + 1)?
                }
                None => messages::visible_before(conn, group, viewer, before, limit + 1)?,
            };
            Ok((membership, page))
        })
        .await?;
    require_member(membership)?;
    let has_more = page.len() > limit as usize;
    if has_more {
        if query.after.is_some() {
            page.truncate(limit as usize);
        } else {
            page.remove(0);
        }
    }
    Ok(json_status(
        &MessagePage {
            messages: page,
            has_more,
        },
        StatusCode::OK,
    ))
}

async fn post(
    state: Arc<AppState>,
    caller: AuthUser,
    body: PostMessage,
) -> Result<Response, ApiError> {
    let posted = state
        .pipeline
        .post(Draft {
            client_id: body.client_id,
            reply_to: body.reply_to,
            to: body.to.map(Recipient::Named),
            ..Draft::user(caller.as_ref(), body.group_id, body.content)
        })
        .await?;
    let status = if posted.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(json_status(
        &MessageCreated {
            message: posted.message,
        },
        status,
    ))
}
