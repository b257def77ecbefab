//! The accept loop: every TCP connection (after the TLS handshake, with `--tls-cert`) is
//! served by hyper (HTTP/1.1 with upgrades);
//! `GET /ws` goes to our WebSocket upgrade, the page's files to [`crate::web`], everything
//! else to the warp routes of the API. On
//! shutdown it stops accepting and lets each connection finish gracefully.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::Service;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use warp::Filter;

use crate::auth::client_addr::PeerAddr;
use crate::state::AppState;

/// Accepts connections until the state's shutdown token is cancelled.
pub(crate) async fn accept_loop(
    state: Arc<AppState>,
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
) {
    let routes = crate::web::routes()
        .or(crate::http::routes(state.clone()))
        .unify();
    let routes = TowerToHyperService::new(warp::service(routes));
    loop {
        let accepted = tokio::select! {
            _ = state.shutdown.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, peer)) => {
                let _ = stream.set_nodelay(true);
                match &tls {
                    None => {
                        let task = serve_connection(state.clone(), stream, peer, routes.clone());
                        state.tasks.spawn(task);
                    }
                    Some(acceptor) => {
                        let (state, routes, acceptor) =
                            (state.clone(), routes.clone(), acceptor.clone());
                        state.clone().tasks.spawn(async move {
                            if let Some(plain) = crate::tls::terminate(&acceptor, stream).await {
                                serve_connection(state, plain, peer, routes).await;
                            }
                        });
                    }
                }
            }
            Err(e) => {
                // Out of file descriptors or similar: back off briefly, keep serving.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
}

async fn serve_connection<S, IO>(state: Arc<AppState>, stream: IO, peer: SocketAddr, routes: S)
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    S: Service<Request<Incoming>, Response = warp::reply::Response, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
{
    let shutdown = state.shutdown.clone();
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(PeerAddr(peer));
        let state = state.clone();
        let routes = routes.clone();
        async move {
            if request.uri().path() == "/ws" {
                Ok::<_, Infallible>(crate::ws::upgrade(state, request).await)
            } else {
                routes.call(request).await
            }
        }
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(30))
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    tokio::pin!(connection);
    let result = tokio::select! {
        result = connection.as_mut() => result,
        _ = shutdown.cancelled() => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(e) = result {
        tracing::debug!(error = %e, "http connection ended with an error");
    }
}
