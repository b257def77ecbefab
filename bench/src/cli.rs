//! Command-line options: where the server is, and the parameters of each scenario.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use serde::Serialize;

/// Load generator for Quid: real accounts, groups and WebSocket connections against a server
/// on 127.0.0.1, bounded scenarios, latency from scheduled send time to receipt.
#[derive(Debug, Parser)]
#[command(name = "quid-bench", version)]
pub struct Cli {
    #[command(flatten)]
    pub server: ServerOpts,
    /// Threads reading the load generator's sockets.
    #[arg(long, default_value_t = 1, global = true)]
    pub threads: usize,
    /// Write the results as JSON to this file.
    #[arg(long, global = true)]
    pub json: Option<PathBuf>,
    #[command(subcommand)]
    pub scenario: Scenario,
}

/// Which server to load: one node or several.
#[derive(Debug, Args)]
pub struct ServerOpts {
    /// A running server, e.g. http://127.0.0.1:3001 (default: start one on a temp data
    /// dir). Repeat it for the nodes of one cluster: connections are spread over them.
    #[arg(long, global = true)]
    pub url: Vec<String>,
    /// The running server's pid, for its CPU and RSS readings (one per `--url`, in order).
    #[arg(long, global = true, requires = "url")]
    pub server_pid: Vec<u32>,
    /// Server nodes to start, sharing one JWT secret and the database and bus that
    /// `--server-arg` names (more than one needs `--database` and `--bus`, or
    /// `DATABASE_URL` and `REDIS_URL`). Connections are spread over them round robin.
    #[arg(long, global = true, default_value_t = 1, conflicts_with = "url")]
    pub nodes: usize,
    /// Also measure the CPU of every process with this command name, e.g. `postgres` or
    /// `redis-server` (repeatable).
    #[arg(long, global = true)]
    pub watch: Vec<String>,
    /// The `quid-server` binary to start (default: next to this executable).
    #[arg(long, global = true, conflicts_with = "url")]
    pub server_bin: Option<PathBuf>,
    /// Data dir for the started server, kept between runs so accounts can be reused
    /// (default: a fresh temp dir). With several nodes, each gets a directory in it.
    #[arg(long, global = true, conflicts_with = "url")]
    pub data_dir: Option<PathBuf>,
    /// Extra argument for the started servers (repeatable), e.g. `--server-arg=--readers=2`.
    #[arg(
        long,
        global = true,
        conflicts_with = "url",
        allow_hyphen_values = true
    )]
    pub server_arg: Vec<String>,
    /// File caching the benchmark accounts' tokens (default with --data-dir: a file in it).
    #[arg(long, global = true)]
    pub account_cache: Option<PathBuf>,
}

/// The scenarios.
#[derive(Debug, Subcommand)]
pub enum Scenario {
    /// N idle authenticated connections: connects/s, connect latency, server RSS per connection.
    Connect(ConnectArgs),
    /// G groups × M members, P publishers per group at R msg/s: deliveries/s, latency, loss, CPU.
    Fanout(FanoutArgs),
    /// Many publishers, no fan-out: durable acked messages/s and ack latency.
    Ingest(IngestArgs),
    /// N clients drop and rejoin with `since` while messages flow: catch-up time, gaps, duplicates.
    Reconnect(ReconnectArgs),
    /// Fanout with R stepped up until p99 exceeds the limit or anything is lost: table, JSON, SVG.
    Ladder(LadderArgs),
    /// The control: fan-out traffic over plain loopback TCP with no server, to show what the
    /// machine itself does with it (latency, stalls).
    Loopback(LoopbackArgs),
}

/// `loopback` options.
#[derive(Debug, Clone, Args, Serialize)]
pub struct LoopbackArgs {
    /// Connections (receivers).
    #[arg(long, default_value_t = 1000)]
    pub conns: usize,
    /// Groups the connections are split into; each group's rounds are spread evenly over
    /// the round interval, like the publishers of `fanout` (1: the `1 × 1000` shape, 10:
    /// `10 × 100`).
    #[arg(long, default_value_t = 1)]
    pub groups: usize,
    /// Messages written per second, over all connections (a round writes one to each
    /// connection of a group).
    #[arg(long, default_value_t = 100_000.0)]
    pub rate: f64,
    /// Threads writing (each its share of the connections), like the server's fan-out lanes.
    #[arg(long, default_value_t = 2)]
    pub writers: usize,
    /// Bytes per message (a `new-message` frame with 100 bytes of content is about 350).
    #[arg(long, default_value_t = 350)]
    pub payload: usize,
    /// Seconds of writing.
    #[arg(long, default_value_t = 10.0)]
    pub duration: f64,
}

/// `connect` options.
#[derive(Debug, Clone, Args, Serialize)]
pub struct ConnectArgs {
    /// Connections to open and hold.
    #[arg(long, default_value_t = 10_000)]
    pub conns: usize,
    /// Accounts the connections are spread over (each connection verifies a JWT).
    #[arg(long, default_value_t = 100)]
    pub accounts: usize,
    /// Connects in flight at once.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Seconds to hold the connections open once all are up.
    #[arg(long, default_value_t = 2.0)]
    pub hold: f64,
}

/// `fanout` options (also the base of `ladder`).
#[derive(Debug, Clone, Args, Serialize)]
pub struct FanoutArgs {
    /// Groups.
    #[arg(long, default_value_t = 10)]
    pub groups: usize,
    /// Receiving members per group (each a joined connection).
    #[arg(long, default_value_t = 100)]
    pub members: usize,
    /// Publishers per group (extra connections of the group's first members).
    #[arg(long, default_value_t = 1)]
    pub publishers: usize,
    /// Messages per second per publisher.
    #[arg(long, default_value_t = 100.0)]
    pub rate: f64,
    /// Content bytes per message.
    #[arg(long, default_value_t = 100)]
    pub payload: usize,
    /// Seconds of publishing.
    #[arg(long, default_value_t = 10.0)]
    pub duration: f64,
    /// Seconds to wait after the last send for outstanding deliveries.
    #[arg(long, default_value_t = 5.0)]
    pub drain: f64,
    /// Connects in flight at once during setup.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
}

/// `ingest` options.
#[derive(Debug, Clone, Args, Serialize)]
pub struct IngestArgs {
    /// Publishers, each alone in its own group.
    #[arg(long, default_value_t = 100)]
    pub publishers: usize,
    /// Accounts the publishers are spread over.
    #[arg(long, default_value_t = 100)]
    pub accounts: usize,
    /// Messages per second per publisher.
    #[arg(long, default_value_t = 600.0)]
    pub rate: f64,
    /// Content bytes per message.
    #[arg(long, default_value_t = 100)]
    pub payload: usize,
    /// Seconds of publishing.
    #[arg(long, default_value_t = 10.0)]
    pub duration: f64,
    /// Seconds to wait after the last send for outstanding acks.
    #[arg(long, default_value_t = 10.0)]
    pub drain: f64,
}

/// `reconnect` options.
#[derive(Debug, Clone, Args, Serialize)]
pub struct ReconnectArgs {
    /// Groups.
    #[arg(long, default_value_t = 10)]
    pub groups: usize,
    /// Reconnecting clients per group.
    #[arg(long, default_value_t = 1000)]
    pub members: usize,
    /// Messages per second published to each group throughout.
    #[arg(long, default_value_t = 100.0)]
    pub rate: f64,
    /// Publishers per group sharing that rate (each connection stays well under the
    /// server's per-connection rate limit, also when catching up after a stall).
    #[arg(long, default_value_t = 4)]
    pub publishers: usize,
    /// Messages each client misses while away.
    #[arg(long, default_value_t = 100)]
    pub missed: u64,
    /// Content bytes per message.
    #[arg(long, default_value_t = 100)]
    pub payload: usize,
    /// Seconds allowed for all clients to catch up.
    #[arg(long, default_value_t = 30.0)]
    pub timeout: f64,
    /// Connects in flight at once.
    #[arg(long, default_value_t = 256)]
    pub concurrency: usize,
}

/// `ladder` options.
#[derive(Debug, Clone, Args, Serialize)]
pub struct LadderArgs {
    #[command(flatten)]
    pub fanout: FanoutArgs,
    /// Explicit rates per publisher to step through (comma list); default: `--rate` × factor^k.
    #[arg(long, value_delimiter = ',')]
    pub rates: Vec<f64>,
    /// Growth of the rate from step to step.
    #[arg(long, default_value_t = 1.25)]
    pub factor: f64,
    /// Most steps.
    #[arg(long, default_value_t = 15)]
    pub max_steps: usize,
    /// Stop once p99 exceeds this many milliseconds.
    #[arg(long, default_value_t = 1000.0)]
    pub stop_p99_ms: f64,
    /// The latency objective the summary reports the highest clean rate for.
    #[arg(long, default_value_t = 50.0)]
    pub slo_p99_ms: f64,
    /// Where to draw the chart.
    #[arg(long, default_value = "ladder.svg")]
    pub svg: PathBuf,
}
