//! The HTTP API as warp filters: thin handlers that parse, call the store or pipeline,
//! and answer JSON. Every route but `/health`, `/metrics`, register/login/logout and
//! joining by invitation needs a token whose session is open; every group route checks
//! membership, and the admin routes the caller's role.
//!
//! Layout: `accounts` (register, login, logout), `me` (sessions, password, deletion),
//! `client` (who a request comes from), `groups`, `invites`, `messages`, `changes` (edits,
//! deletions, reactions), `reading` (read positions, search), `commitments`, `whatif`
//! (an offer's effect, my liabilities everywhere), `ops` (health, metrics), `csrf`, `error`.

mod accounts;
mod changes;
mod client;
mod commitments;
mod csrf;
pub mod error;
mod groups;
mod invites;
mod me;
mod messages;
mod ops;
mod reading;
mod whatif;

use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::HeaderMap;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

use crate::auth::{AuthUser, token_from_request};
use crate::state::AppState;
pub use client::Client;
use error::ApiError;

/// Largest JSON body accepted, in bytes.
const MAX_BODY_BYTES: u64 = 64 * 1024;

/// Every HTTP route (everything but the WebSocket upgrade), with CORS and error shaping.
pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let routes = accounts::routes(state.clone())
        .or(me::routes(state.clone()))
        .unify()
        .or(groups::routes(state.clone()))
        .unify()
        .or(invites::routes(state.clone()))
        .unify()
        .or(messages::routes(state.clone()))
        .unify()
        .or(ops::routes(state.clone()))
        .unify()
        .or(commitments::routes(state.clone()))
        .unify()
        .or(changes::routes(state.clone()))
        .unify()
        .or(reading::routes(state.clone()))
        .unify()
        .or(whatif::routes(state.clone()))
        .unify();
    let api = csrf::guard(state.clone()).and(routes);
    let origins = &state.config.cors_origin;
    if origins.is_empty() {
        api.recover(error::recover).unify().boxed()
    } else {
        let shaped = api.recover(error::recover).unify();
        let cors = warp::cors()
            .allow_origins(origins.iter().map(String::as_str))
            .allow_credentials(true)
            .allow_methods(["GET", "POST", "PUT", "DELETE", "OPTIONS"])
            .allow_headers(["authorization", "content-type"]);
        // Errors are shaped before CORS wraps them, so a browser can read them too; the
        // outer recover shapes CORS's own refusal of a foreign origin. Our own page's
        // requests are not cross-origin: CORS does not judge them.
        let cross_origin = shaped
            .clone()
            .with(cors)
            .map(Reply::into_response)
            .recover(error::recover)
            .unify();
        csrf::own_page()
            .and(shaped)
            .or(cross_origin)
            .unify()
            .boxed()
    }
}

/// Extracts the caller from the bearer header, the `token` cookie or `?token=`: a token
/// of ours, unexpired, whose session is open.
fn authenticated(
    state: Arc<AppState>,
) -> impl Filter<Extract = (AuthUser,), Error = Rejection> + Clone {
    warp::header::headers_cloned()
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .and_then(move |headers: HeaderMap, query: String| {
            let state = state.clone();
            async move {
                let token =
                    token_from_request(&headers, Some(query.as_str())).ok_or_else(|| {
                        warp::reject::custom(ApiError::unauthorized(
                            "a token is required (Authorization: Bearer, token cookie or ?token=)",
                        ))
                    })?;
                state
                    .authenticate(token)
                    .await
                    .map(|(user, _ended)| user)
                    .map_err(|e| warp::reject::custom(ApiError::unauthorized(e.to_string())))
            }
        })
}

/// The state, cloned into each request.
fn with_state(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Arc<AppState>,), Error = std::convert::Infallible> + Clone {
    warp::any().map(move || state.clone())
}

/// A bounded JSON body.
fn json_body<T: serde::de::DeserializeOwned + Send>()
-> impl Filter<Extract = (T,), Error = Rejection> + Clone {
    warp::body::content_length_limit(MAX_BODY_BYTES).and(warp::body::json())
}

/// Turns a handler's result into a response.
fn finish(result: Result<Response, ApiError>) -> Response {
    result.unwrap_or_else(ApiError::into_response)
}

/// A JSON response with a status.
fn json_status<T: serde::Serialize>(value: &T, status: warp::http::StatusCode) -> Response {
    warp::reply::with_status(warp::reply::json(value), status).into_response()
}
