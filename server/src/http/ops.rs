//! `GET /health` and `GET /metrics` (Prometheus text format).

use std::sync::Arc;

use quid_shared::Health;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

use super::{json_status, with_state};
use crate::state::AppState;

pub(super) fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let health = warp::path!("health").and(warp::get()).map(|| {
        json_status(
            &Health {
                status: "ok".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            StatusCode::OK,
        )
    });
    let metrics = warp::path!("metrics")
        .and(warp::get())
        .and(with_state(state))
        .map(|state: Arc<AppState>| {
            let body = crate::metrics::render(state.prometheus.as_ref());
            warp::reply::with_header(body, "content-type", "text/plain; version=0.0.4")
                .into_response()
        });
    health.or(metrics).unify()
}
