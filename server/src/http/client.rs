//! Who a request comes from, as the throttle and the session list see it: the client
//! address (see [`crate::auth::client_addr`]), whether it reached us over TLS (then the
//! cookie is marked `Secure`), and its `User-Agent`.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use warp::Filter;
use warp::http::HeaderMap;

use crate::auth::client_addr::{PeerAddr, client_ip};
use crate::state::AppState;

/// Longest `User-Agent` kept with a session, in characters.
const AGENT_MAX: usize = 120;

/// The client of one request.
#[derive(Debug, Clone)]
pub struct Client {
    pub ip: IpAddr,
    /// Reached over TLS: ours, or a trusted proxy's (`X-Forwarded-Proto: https`).
    pub secure: bool,
    pub agent: Option<String>,
}

/// Extracts the [`Client`] of a request.
pub(super) fn client(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Client,), Error = std::convert::Infallible> + Clone {
    warp::ext::optional::<PeerAddr>()
        .and(warp::header::headers_cloned())
        .map(move |peer: Option<PeerAddr>, headers: HeaderMap| {
            let peer = peer.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |p| p.0.ip());
            let trusted = &state.config.trusted_proxy;
            let forwarded_https = trusted.contains(&peer)
                && headers
                    .get("x-forwarded-proto")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
            let agent = headers
                .get(warp::http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.chars().take(AGENT_MAX).collect::<String>())
                .filter(|v| !v.is_empty());
            Client {
                ip: client_ip(peer, &headers, trusted),
                secure: state.config.tls() || forwarded_https,
                agent,
            }
        })
}
