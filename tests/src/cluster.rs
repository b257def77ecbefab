//! Several real `quid-server` processes that share one PostgreSQL schema and one Redis
//! channel: a cluster of their own per test. Skips (one line) without PostgreSQL or
//! Redis unless `CI` is set.

use std::path::Path;

use anyhow::{Result, bail};
use tempfile::TempDir;

use quid_shared::api::Group;

use crate::{NodeProcess, TestUser, node_args, pg};

/// Where the cluster's Redis is.
pub const REDIS: &str = "redis://127.0.0.1:6379";

/// Two nodes of a new cluster, and a group of alice and bob (both registered through
/// node `a`): what most multi-node tests start from.
pub struct Pair {
    pub a: NodeProcess,
    pub b: NodeProcess,
    pub alice: TestUser,
    pub bob: TestUser,
    pub group: Group,
    /// Kept alive for the nodes' data directories, and to start more nodes.
    pub cluster: Cluster,
}

impl Pair {
    /// A new pair of `bin` nodes with its group named `name`, or `None` when PostgreSQL
    /// or Redis is absent and `CI` is not set.
    pub async fn new(bin: &Path, name: &str) -> Result<Option<Pair>> {
        let Some(mut cluster) = Cluster::new().await? else {
            return Ok(None);
        };
        let a = cluster.node(bin).await?;
        let b = cluster.node(bin).await?;
        let alice = a.register("alice").await?;
        let bob = a.register("bob").await?;
        let group = a.group(&alice, name, &[&bob]).await?;
        Ok(Some(Pair {
            a,
            b,
            alice,
            bob,
            group,
            cluster,
        }))
    }
}

/// The shared settings of one cluster's nodes.
pub struct Cluster {
    pub database: String,
    pub channel: String,
    secret: String,
    dirs: Vec<TempDir>,
}

impl Cluster {
    /// A new cluster on a fresh schema, or `None` when PostgreSQL or Redis is absent and
    /// `CI` is not set.
    pub async fn new() -> Result<Option<Cluster>> {
        if tokio::net::TcpStream::connect("127.0.0.1:6379")
            .await
            .is_err()
        {
            if std::env::var_os("CI").is_some() {
                bail!("Redis is not reachable at 127.0.0.1:6379, and CI is set");
            }
            eprintln!(
                "skipped: Redis is not reachable at 127.0.0.1:6379; set CI to make this a failure"
            );
            return Ok(None);
        }
        let Some(database) = pg::fresh_schema_async().await? else {
            return Ok(None);
        };
        let id = uuid::Uuid::new_v4().simple().to_string();
        Ok(Some(Cluster {
            database,
            channel: format!("quid-test:{id}"),
            secret: format!("cluster-secret-{id}"),
            dirs: Vec::new(),
        }))
    }

    /// The arguments of a node of this cluster, with its own data directory.
    pub fn args(&self, data_dir: &Path) -> Vec<String> {
        let mut args = node_args(data_dir);
        args.extend(
            [
                "--database",
                &self.database,
                "--bus",
                REDIS,
                "--bus-channel",
                &self.channel,
                "--jwt-secret",
                &self.secret,
            ]
            .map(str::to_owned),
        );
        args
    }

    /// Makes an in-process server's `config` a node of this cluster.
    pub fn configure(&self, config: &mut quid_server::Config) {
        config.database = Some(quid_server::Secret::new(self.database.clone()));
        config.bus = Some(quid_server::Secret::new(REDIS));
        config.bus_channel = self.channel.clone();
        config.jwt_secret = Some(quid_server::Secret::new(self.secret.clone()));
    }

    /// Starts one more node of `bin`.
    pub async fn node(&mut self, bin: &Path) -> Result<NodeProcess> {
        let dir = tempfile::tempdir()?;
        let node = NodeProcess::spawn(bin, &self.args(dir.path())).await?;
        self.dirs.push(dir);
        Ok(node)
    }
}
