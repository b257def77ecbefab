//! `quid-bench`: a load generator that speaks Quid's real protocol, so the speed Quid claims
//! can be shown with one command against a real server on 127.0.0.1.
//!
//! # Layout
//!
//! - [`cli`] — command-line options for every scenario.
//! - [`target`] — one server node under test: start the `quid-server` binary on a temp
//!   data dir, or attach to one already running.
//! - [`servers`] — the nodes of the server under test (one, or several sharing a database
//!   and a bus), which connections are spread over.
//! - [`setup`] — accounts and groups through the HTTP API (outside the measured window).
//! - [`conn`] — authenticated WebSocket connections: a non-blocking socket (its upgrade is
//!   finished by the reader thread that reads it), and the frames the load generator sends.
//! - [`wire`] — the WebSocket wire format by hand: upgrade request and answer, masked client
//!   frames, server frames.
//! - [`scan`] — cheap reading of server frames (type, seq, send stamp) without a full parse.
//! - [`clock`] — the process-wide monotonic clock that send stamps are taken from.
//! - [`schedule`] — open-loop send schedules, so a slow server cannot slow the offered load.
//! - [`stall`] — a probe thread that measures how long the machine itself stalls.
//! - [`stats`] — latency histograms and their percentile summary, shared counters.
//! - [`swarm`] — groups of joined connections and their publishers, with seq accounting:
//!   reader threads on `epoll` (which also finish each connection's upgrade) and a pacer
//!   thread that sends on schedule.
//! - [`proc_stats`] — CPU time and RSS of a process from `/proc`, and the fd limit.
//! - [`meter`] — whose CPU a window reads: the nodes summed, the load generator, and named
//!   services such as the database and Redis.
//! - [`report`] — result records, the printed table and the JSON output.
//! - [`svg`] — the chart of latency percentiles against offered load.
//! - [`scenario`] — `connect`, `fanout`, `ingest`, `reconnect`, `ladder`, and the `loopback`
//!   control (the same traffic over plain TCP, no server).

pub mod cli;
pub mod clock;
pub mod conn;
pub mod error;
pub mod meter;
pub mod proc_stats;
pub mod report;
pub mod scan;
pub mod scenario;
pub mod schedule;
pub mod servers;
pub mod setup;
pub mod stall;
pub mod stats;
pub mod svg;
pub mod swarm;
pub mod target;
pub mod wire;

pub use error::BenchError;
