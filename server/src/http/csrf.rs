//! Cross-site request forgery: a state-changing request that may carry the user's cookie
//! must come from our own page or an allowed origin (see [`crate::auth::origin`]); and our
//! own page's requests are not cross-origin requests, so CORS does not judge them.

use std::sync::Arc;

use warp::http::{HeaderMap, Method};
use warp::{Filter, Rejection};

use super::error::ApiError;
use crate::auth::origin;
use crate::state::AppState;

/// Refuses (403) a POST, PUT, PATCH or DELETE without a bearer token that a page of
/// another site made. Reading (GET, HEAD) and preflights (OPTIONS) change nothing.
pub(super) fn guard(state: Arc<AppState>) -> impl Filter<Extract = (), Error = Rejection> + Clone {
    warp::method()
        .and(warp::header::headers_cloned())
        .and_then(move |method: Method, headers: HeaderMap| {
            let state = state.clone();
            async move {
                let reads = matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
                if reads || origin::has_bearer(&headers) || state.origin_allowed(&headers) {
                    Ok(())
                } else {
                    Err(warp::reject::custom(ApiError::forbidden(
                        "cross-site request refused: this request must come from the server's own page or an allowed origin",
                    )))
                }
            }
        })
        .untuple_one()
}

/// Passes only requests from our own page.
pub(super) fn own_page() -> impl Filter<Extract = (), Error = Rejection> + Clone {
    warp::header::headers_cloned()
        .and_then(|headers: HeaderMap| async move {
            if origin::same_origin(&headers) {
                Ok(())
            } else {
                Err(warp::reject::not_found())
            }
        })
        .untuple_one()
}
