//! The scenarios, and the run that wraps them: raise the fd limit, start or attach to the
//! server's nodes (the `loopback` control needs none), set up accounts (outside every measurement),
//! run, print, write JSON, stop.

pub mod connect;
pub mod fanout;
pub mod ingest;
pub mod ladder;
pub mod loopback;
pub mod phase;
pub mod reconnect;

use std::path::PathBuf;

use crate::BenchError;
use crate::cli::{Cli, Scenario};
use crate::meter::Meter;
use crate::report::{Machine, Report, write_json};
use crate::servers::Servers;
use crate::setup::{Account, Api};
use crate::swarm::GroupSpec;

/// The server under test and how to reach its API.
pub struct Env {
    pub servers: Servers,
    /// Whose CPU the measured windows read.
    pub meter: Meter,
    pub api: Api,
    /// Threads reading the load generator's sockets.
    pub readers: usize,
    account_cache: Option<PathBuf>,
}

impl Env {
    /// Wraps the servers (set up through the first node, whose pids are measured);
    /// `account_cache` is where tokens are reused from, if anywhere.
    pub fn new(servers: Servers, account_cache: Option<PathBuf>) -> Self {
        let api = Api::new(&servers.first().base);
        Env {
            meter: servers.meter(&[]),
            servers,
            api,
            readers: 1,
            account_cache,
        }
    }

    /// `n` benchmark accounts (cached ones reused).
    pub async fn accounts(&self, n: usize) -> Result<Vec<Account>, BenchError> {
        self.api.accounts(n, self.account_cache.as_deref()).await
    }

    /// `count` new groups, each holding the accounts `members(g)` picks for group `g`.
    pub async fn groups(
        &self,
        count: usize,
        members: impl Fn(usize) -> Vec<Account>,
    ) -> Result<Vec<GroupSpec>, BenchError> {
        let tag = uuid::Uuid::new_v4().simple().to_string();
        let mut out = Vec::with_capacity(count);
        for g in 0..count {
            let members = members(g);
            let id = self
                .api
                .group(&format!("bench {} {g}", &tag[..8]), &members)
                .await?;
            out.push(GroupSpec { id, members });
        }
        Ok(out)
    }
}

/// Runs the scenario `cli` asks for, from server start to server stop.
pub async fn run(cli: &Cli) -> Result<(), BenchError> {
    let fd_limit = crate::proc_stats::raise_fd_limit()?;
    eprintln!("quid-bench: open-files limit {fd_limit}");
    if let Scenario::Loopback(a) = &cli.scenario {
        // the control runs without a server
        let json = json(report("loopback", a, loopback::run(a).await?))?;
        return finish(cli, &json);
    }
    let servers = Servers::from_opts(&cli.server).await?;
    let bases: Vec<String> = servers.addrs().iter().map(|a| a.to_string()).collect();
    eprintln!("quid-bench: server {}", bases.join(", "));
    let cache = cli.server.account_cache.clone().or_else(|| {
        cli.server
            .data_dir
            .as_ref()
            .map(|d| d.join("bench-accounts.json"))
    });
    let mut env = Env::new(servers, cache);
    env.meter = env.servers.meter(&cli.server.watch);
    env.readers = cli.threads.max(1);
    let outcome = dispatch(&env, cli).await;
    let stopped = env.servers.shutdown().await;
    let json = outcome?;
    stopped?;
    finish(cli, &json)
}

/// Writes the results as JSON where `--json` asks.
fn finish(cli: &Cli, json: &serde_json::Value) -> Result<(), BenchError> {
    if let Some(path) = &cli.json {
        write_json(path, json)?;
        eprintln!("quid-bench: results written to {}", path.display());
    }
    Ok(())
}

async fn dispatch(env: &Env, cli: &Cli) -> Result<serde_json::Value, BenchError> {
    match &cli.scenario {
        Scenario::Connect(a) => json(report("connect", a, connect::run(env, a).await?)),
        Scenario::Fanout(a) => json(report("fanout", a, fanout::run(env, a).await?)),
        Scenario::Ingest(a) => json(report("ingest", a, ingest::run(env, a).await?)),
        Scenario::Reconnect(a) => json(report("reconnect", a, reconnect::run(env, a).await?)),
        Scenario::Ladder(a) => json(report("ladder", a, ladder::run(env, a).await?)),
        Scenario::Loopback(a) => json(report("loopback", a, loopback::run(a).await?)),
    }
}

fn report<P: serde::Serialize, R: serde::Serialize>(
    scenario: &'static str,
    params: P,
    results: R,
) -> Report<P, R> {
    Report {
        scenario,
        params,
        machine: Machine::this(),
        results,
    }
}

fn json(r: impl serde::Serialize) -> Result<serde_json::Value, BenchError> {
    serde_json::to_value(r).map_err(|e| BenchError::Protocol(e.to_string()))
}
