//! This node's side of receiving: one Redis pub/sub connection subscribed to the
//! node's channel, each event applied as it comes. When the connection is lost it is
//! made again with backoff (local delivery goes on meanwhile), and every time it is
//! subscribed the relay resynchronises from the database what the bus may have missed.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;

use super::node::Node;
use super::{Link, backoff};

/// How long connecting and subscribing may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Receives and applies events until shutdown.
pub(super) async fn run(link: Arc<Link>, node: Arc<Node>, shutdown: CancellationToken) {
    let connected = metrics::gauge!("quid_bus_connected");
    let mut failures = 0;
    let mut subscribed_before = false;
    loop {
        match subscribe(&link).await {
            Ok(pubsub) => {
                failures = 0;
                connected.set(1.0);
                if subscribed_before {
                    metrics::counter!("quid_bus_reconnects_total").increment(1);
                    tracing::info!(url = %link.url, "bus: subscribed again");
                } else {
                    tracing::info!(url = %link.url, channel = %link.channel, "bus: subscribed");
                }
                subscribed_before = true;
                // what was published while this node was not subscribed
                node.relay.resync();
                let mut events = pubsub.into_on_message();
                loop {
                    tokio::select! {
                        _ = shutdown.cancelled() => return,
                        next = events.next() => match next {
                            Some(message) => node.apply(message.get_payload_bytes()),
                            None => break,
                        },
                    }
                }
                connected.set(0.0);
                tracing::warn!(url = %link.url, "bus: subscription lost; reconnecting (local delivery goes on)");
            }
            Err(e) => {
                failures += 1;
                metrics::counter!("quid_bus_connect_errors_total").increment(1);
                if failures == 1 {
                    tracing::warn!(url = %link.url, error = %e, "bus: cannot subscribe; retrying (local delivery goes on)");
                }
            }
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(backoff(failures)) => {}
        }
    }
}

async fn subscribe(link: &Link) -> redis::RedisResult<redis::aio::PubSub> {
    let connect = async {
        let mut pubsub = link.client.get_async_pubsub().await?;
        pubsub.subscribe(&link.channel).await?;
        Ok(pubsub)
    };
    match tokio::time::timeout(CONNECT_TIMEOUT, connect).await {
        Ok(result) => result,
        Err(_) => Err(std::io::Error::from(std::io::ErrorKind::TimedOut).into()),
    }
}
