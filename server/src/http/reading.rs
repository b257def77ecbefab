//! Reading a group across devices: my read position (`PUT /api/groups/:id/read {seq}`,
//! told to my connected devices) and full-text search over what I may see
//! (`GET /api/groups/:id/search?q=&limit=`).

use std::sync::Arc;

use quid_shared::limits::SEARCH_LIMIT_MAX;
use quid_shared::{Id, ReadUpTo, SearchResults, ServerFrame};
use serde::Deserialize;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Rejection};

use super::error::ApiError;
use super::groups::require_member;
use super::{authenticated, finish, json_body, json_status, with_state};
use crate::auth::AuthUser;
use crate::state::AppState;
use crate::store::{groups, messages, reads, search};

/// Results per search when `limit` is absent.
const DEFAULT_LIMIT: u32 = 20;

#[derive(Debug, Deserialize)]
struct SearchQuery {
    q: String,
    limit: Option<u32>,
}

pub(super) fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let base = with_state(state.clone()).and(authenticated(state));
    let read = warp::path!("api" / "groups" / Id / "read")
        .and(warp::put())
        .and(base.clone())
        .and(json_body())
        .then(|g, s, u, b| async move { finish(read(s, u, g, b).await) });
    let search = warp::path!("api" / "groups" / Id / "search")
        .and(warp::get())
        .and(base)
        .and(warp::query::<SearchQuery>())
        .then(|g, s, u, q| async move { finish(search(s, u, g, q).await) });
    read.or(search).unify()
}

async fn read(
    state: Arc<AppState>,
    caller: AuthUser,
    group: Id,
    body: ReadUpTo,
) -> Result<Response, ApiError> {
    let user = caller.id;
    let seq = state
        .store
        .write_one(move |ctx| -> Result<i64, ApiError> {
            require_member(ctx.membership(group, user)?)?;
            let head = messages::head(ctx.conn(), group)?;
            Ok(reads::mark(
                ctx.conn(),
                group,
                user,
                body.seq.clamp(0, head),
            )?)
        })
        .await?;
    state
        .bus
        .tell(user, &ServerFrame::Read { group, seq }, None);
    Ok(json_status(&ReadUpTo { seq }, StatusCode::OK))
}

async fn search(
    state: Arc<AppState>,
    caller: AuthUser,
    group: Id,
    query: SearchQuery,
) -> Result<Response, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 || limit > SEARCH_LIMIT_MAX {
        return Err(ApiError::bad_request(format!(
            "limit must be 1 to {SEARCH_LIMIT_MAX}"
        )));
    }
    if query.q.trim().is_empty() {
        return Err(ApiError::bad_request("q: say what to search for"));
    }
    let viewer = caller.id;
    state.store.search_caught_up().await?;
    let (membership, found) = state
        .store
        .read(move |conn| {
            let membership = groups::membership(conn, group, viewer)?;
            if membership != groups::Membership::Member {
                return Ok((membership, Vec::new()));
            }
            let found = search::search(conn, group, viewer, &query.q, limit)?;
            Ok((membership, found))
        })
        .await?;
    require_member(membership)?;
    Ok(json_status(
        &SearchResults { messages: found },
        StatusCode::OK,
    ))
}
