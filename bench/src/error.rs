//! The one error type the load generator's modules return, so the binary can say clearly
//! what went wrong (server not reachable, setup refused, protocol surprise).

use thiserror::Error;

/// Everything that can stop a benchmark run.
#[derive(Debug, Error)]
pub enum BenchError {
    #[error("HTTP request to {what} failed: {source}")]
    Http {
        what: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("HTTP {what} answered {status}: {body}")]
    Refused {
        what: String,
        status: u16,
        body: String,
    },
    #[error("I/O on {what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("reading /proc for pid {pid}: {reason}")]
    Proc { pid: u32, reason: String },
    #[error("the server {0}")]
    Server(String),
    #[error("timed out waiting for {0}")]
    Timeout(String),
    #[error("unexpected answer from the server: {0}")]
    Protocol(String),
    #[error("invalid option: {0}")]
    Usage(String),
}

impl BenchError {
    /// An I/O error with the thing it happened on.
    pub fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        BenchError::Io {
            what: what.into(),
            source,
        }
    }
}
