//! `POST /api/groups/:id/whatif` (an offer's effect, nothing stored, nobody told) and
//! `GET /api/me/liabilities` (what the caller is bound to in every group, with why).

use std::sync::Arc;

use quid_shared::{Id, MyLiabilities, WhatIfRequest};
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Rejection};

use super::error::ApiError;
use super::{authenticated, finish, json_body, json_status, with_state};
use crate::auth::AuthUser;
use crate::commitments::Terms;
use crate::ledger::whatif::Proposal;
use crate::state::AppState;

pub(super) fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let base = with_state(state.clone()).and(authenticated(state));
    let whatif = warp::path!("api" / "groups" / Id / "whatif")
        .and(warp::post())
        .and(base.clone())
        .and(json_body())
        .then(|g, s, u, b| async move { finish(whatif(s, u, g, b).await) });
    let mine = warp::path!("api" / "me" / "liabilities")
        .and(warp::get())
        .and(base)
        .then(|s, u| async move { finish(mine(s, u).await) });
    whatif.or(mine).unify()
}

async fn whatif(
    state: Arc<AppState>,
    caller: AuthUser,
    group: Id,
    body: WhatIfRequest,
) -> Result<Response, ApiError> {
    let proposal = match (body.text, body.commitment) {
        (Some(text), None) if !text.trim().is_empty() => Proposal::Text(text),
        (None, Some(c)) => Proposal::Terms(Terms {
            conditions: c.conditions,
            promises: c.promises,
        }),
        _ => {
            return Err(ApiError::bad_request(
                "give either \"text\" (an offer as written in chat) or \"commitment\" \
                 (structured), not both",
            ));
        }
    };
    let answer = state
        .ledger
        .whatif(group, caller.as_ref(), proposal)
        .await?;
    Ok(json_status(&answer, StatusCode::OK))
}

async fn mine(state: Arc<AppState>, caller: AuthUser) -> Result<Response, ApiError> {
    let groups = state.ledger.mine(caller.id).await?;
    Ok(json_status(&MyLiabilities { groups }, StatusCode::OK))
}
