//! The browser client: the files under `web/` at the top of the repository, embedded into
//! the binary at compile time and served at `/` — with their content types, an ETag so a
//! browser revalidates instead of downloading again, and a strict Content-Security-Policy
//! (everything from this server only, no inline script or style, no framing).

mod assets;

use warp::filters::BoxedFilter;
use warp::http::{HeaderValue, StatusCode, header};
use warp::reply::Response;
use warp::{Filter, Reply};

pub use assets::{ASSETS, Asset};

/// What the page may load and where it may connect: only this server. `connect-src
/// 'self'` covers the page's own `ws://` / `wss://` origin.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// `GET` (and `HEAD`) of `/` and of every embedded file; other paths are left to the API.
pub fn routes() -> BoxedFilter<(Response,)> {
    warp::get()
        .or(warp::head())
        .unify()
        .and(warp::path::full())
        .and(warp::header::optional::<String>("if-none-match"))
        .and_then(
            |path: warp::path::FullPath, if_none_match: Option<String>| async move {
                let wanted = match path.as_str() {
                    "/" => "index.html",
                    other => other.trim_start_matches('/'),
                };
                match assets::find(wanted) {
                    Some(asset) => Ok(serve(asset, if_none_match.as_deref())),
                    None => Err(warp::reject::not_found()),
                }
            },
        )
        .boxed()
}

/// The asset, or `304 Not Modified` when the browser holds this version already.
fn serve(asset: &'static Asset, if_none_match: Option<&str>) -> Response {
    let etag = asset.etag();
    let fresh = if_none_match.is_some_and(|tags| {
        tags.split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == etag || t == "*")
    });
    let mut response = if fresh {
        let mut r = Response::new(Default::default());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        warp::reply::with_header(asset.body, header::CONTENT_TYPE, asset.content_type())
            .into_response()
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, value);
    }
    // Revalidate every time: a new binary serves new files under the same names.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}
