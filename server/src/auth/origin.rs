//! Whether a request may act with the user's cookie: a browser sends the cookie with every
//! request to us, also those another site's page makes (cross-site request forgery,
//! cross-site WebSocket hijacking), so such requests must come from our own page or from
//! an origin the operator allowed (`CORS_ORIGIN`).
//!
//! The browser says where a request comes from in `Sec-Fetch-Site` (modern browsers) and
//! `Origin`; neither can be set by a page's script. A request with neither was not made by
//! a page in a browser (the CLI, the terminal chat, curl) and is not concerned.

use http::{HeaderMap, header};

/// Whether a request may go on, judged by where a browser says it comes from:
///
/// 1. an `Origin` listed in `allowed` is accepted;
/// 2. else with `Sec-Fetch-Site`, only `same-origin` (our own page) or `none` (typed by
///    the user) is accepted;
/// 3. else with an `Origin`, only our own origin is: the scheme and host the request was
///    addressed to (`Host`, or `X-Forwarded-Host` / `X-Forwarded-Proto` as a proxy in
///    front sets them; a page's script cannot set those headers);
/// 4. a request with neither header is accepted.
pub fn from_allowed_origin(headers: &HeaderMap, allowed: &[String]) -> bool {
    let origin = match headers.get(header::ORIGIN).map(|o| o.to_str()) {
        Some(Ok(origin)) => Some(origin),
        Some(Err(_)) => return false,
        None => None,
    };
    if origin.is_some_and(|o| allowed.iter().any(|a| a == o)) {
        return true;
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        return site == "same-origin" || site == "none";
    }
    origin.is_none() || same_origin(headers)
}

/// Whether a browser says this request comes from our own page: `Sec-Fetch-Site:
/// same-origin`, or without that header an `Origin` equal to our own.
pub fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return site == "same-origin";
    }
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    origin.is_some_and(|o| own_origin(headers).is_some_and(|own| own.eq_ignore_ascii_case(o)))
}

/// Whether the request carries a bearer token: then it was not made by a browser on a
/// page's behalf (a page cannot make a browser add one without a CORS preflight), so no
/// cookie is at stake.
pub fn has_bearer(headers: &HeaderMap) -> bool {
    super::bearer(headers).is_some()
}

/// `scheme://host[:port]` as the client addressed this server.
fn own_origin(headers: &HeaderMap) -> Option<String> {
    let first = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let host = first("x-forwarded-host").or_else(|| first(header::HOST.as_str()))?;
    let scheme = match first("x-forwarded-proto") {
        Some(p) if p.eq_ignore_ascii_case("https") => "https",
        _ => "http",
    };
    Some(format!("{scheme}://{host}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn allowed() -> Vec<String> {
        vec!["https://app.example".to_owned()]
    }

    /// Requests without browser headers (CLI, curl) and from our own origin pass.
    #[test]
    fn own_origin_and_non_browsers_pass() {
        assert!(from_allowed_origin(&headers(&[]), &allowed()));
        let own = headers(&[
            ("host", "chat.local:3001"),
            ("origin", "http://chat.local:3001"),
        ]);
        assert!(from_allowed_origin(&own, &allowed()));
        let proxied = headers(&[
            ("host", "127.0.0.1:3001"),
            ("x-forwarded-host", "chat.example"),
            ("x-forwarded-proto", "https"),
            ("origin", "https://chat.example"),
        ]);
        assert!(from_allowed_origin(&proxied, &allowed()));
        let fetch = headers(&[("sec-fetch-site", "same-origin"), ("origin", "http://x")]);
        assert!(from_allowed_origin(&fetch, &allowed()));
    }

    /// A listed origin passes; another site, a sibling site, an opaque origin or another
    /// scheme on our host does not.
    #[test]
    fn other_origins_are_refused() {
        let listed = headers(&[
            ("origin", "https://app.example"),
            ("sec-fetch-site", "cross-site"),
        ]);
        assert!(from_allowed_origin(&listed, &allowed()));
        for (origin, site) in [
            ("https://evil.example", "cross-site"),
            ("https://evil.chat.local", "same-site"),
        ] {
            let h = headers(&[
                ("host", "chat.local"),
                ("origin", origin),
                ("sec-fetch-site", site),
            ]);
            assert!(!from_allowed_origin(&h, &allowed()), "{origin}");
        }
        for origin in ["https://evil.example", "null", "https://chat.local"] {
            let h = headers(&[("host", "chat.local"), ("origin", origin)]);
            assert!(!from_allowed_origin(&h, &allowed()), "{origin}");
        }
        // no Host to compare with: refused
        assert!(!from_allowed_origin(
            &headers(&[("origin", "http://chat.local")]),
            &[]
        ));
    }
}
