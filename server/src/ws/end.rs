//! Why a session ends, which close code that means, and the one way every socket write
//! of the session is awaited ([`guard`]): unless the connection is found slow or the
//! server stops.

use std::future::Future;

use quid_shared::close_code;
use tokio_util::sync::CancellationToken;

use super::outbox::Broken;
use crate::metrics::DropReason;

/// Why a session ended; decides the close code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum End {
    ClientClosed,
    Shutdown,
    SlowReader,
    Oversized,
    Flood,
    Idle,
    Expired,
    SessionEnded,
    Unsupported,
    Broken,
}

impl End {
    pub(super) fn close_frame(self) -> Option<(u16, &'static str)> {
        match self {
            End::ClientClosed | End::Broken => None,
            End::Shutdown => Some((close_code::GOING_AWAY, "server shutting down")),
            End::SlowReader => Some((
                close_code::SLOW_READER,
                "outgoing queue overflowed; reconnect and join with since",
            )),
            End::Oversized => Some((close_code::TOO_BIG, "frame larger than 64 KiB")),
            End::Flood => Some((close_code::FLOOD, "rate limit exceeded")),
            End::Idle => Some((close_code::IDLE_TIMEOUT, "no pong received")),
            End::Expired => Some((close_code::UNAUTHORIZED, "token expired; log in again")),
            End::SessionEnded => Some((close_code::UNAUTHORIZED, "session ended; log in again")),
            End::Unsupported => Some((close_code::UNSUPPORTED, "binary frames are not supported")),
        }
    }

    pub(super) fn drop_reason(self) -> Option<DropReason> {
        match self {
            End::Oversized => Some(DropReason::Oversized),
            End::Flood => Some(DropReason::Flood),
            End::Idle => Some(DropReason::Idle),
            End::Expired | End::SessionEnded => Some(DropReason::Auth),
            End::Unsupported => Some(DropReason::Protocol),
            // slow readers are counted by the hub when it detects them
            _ => None,
        }
    }
}

impl From<Broken> for End {
    fn from(_: Broken) -> End {
        End::Broken
    }
}

/// Awaits a socket write unless the connection is found slow or the server stops.
pub(super) async fn guard<F, E>(
    write: F,
    slow: &CancellationToken,
    shutdown: &CancellationToken,
) -> Result<(), End>
where
    F: Future<Output = Result<(), E>>,
{
    tokio::select! {
        biased;
        result = write => result.map_err(|_| End::Broken),
        _ = slow.cancelled() => Err(End::SlowReader),
        _ = shutdown.cancelled() => Err(End::Shutdown),
    }
}
