//! The server under test as one node or several: `--nodes N` starts N `quid-server`
//! processes that share one JWT secret and the database and bus the server arguments name,
//! and `--url` (repeated) attaches to running ones. Connections are spread over the nodes
//! round robin; CPU and memory are summed over them.

use std::net::SocketAddr;
use std::path::Path;

use crate::BenchError;
use crate::cli::ServerOpts;
use crate::meter::Meter;
use crate::target::Target;

/// The nodes of the server under test (at least one).
pub struct Servers {
    nodes: Vec<Target>,
}

impl Servers {
    /// One node.
    pub fn one(target: Target) -> Self {
        Servers {
            nodes: vec![target],
        }
    }

    /// The servers `opts` names: attached to at `--url`, or started here.
    pub async fn from_opts(opts: &ServerOpts) -> Result<Self, BenchError> {
        if !opts.url.is_empty() {
            return Self::attach(&opts.url, &opts.server_pid);
        }
        let bin = match &opts.server_bin {
            Some(b) => b.clone(),
            None => Target::default_bin()?,
        };
        Self::spawn(&bin, opts.data_dir.as_deref(), &opts.server_arg, opts.nodes).await
    }

    /// Running nodes at `urls`, with their pids when given (one per URL, in order).
    pub fn attach(urls: &[String], pids: &[u32]) -> Result<Self, BenchError> {
        if !pids.is_empty() && pids.len() != urls.len() {
            return Err(BenchError::Usage(format!(
                "{} --server-pid for {} --url: give one per node or none",
                pids.len(),
                urls.len()
            )));
        }
        let nodes = urls
            .iter()
            .enumerate()
            .map(|(i, url)| Target::attach(url, pids.get(i).copied()))
            .collect::<Result<Vec<_>, _>>()?;
        if nodes.is_empty() {
            return Err(BenchError::Usage("no server to attach to".into()));
        }
        Ok(Servers { nodes })
    }

    /// Starts `count` nodes of `bin` with `extra` arguments; several nodes get a data dir
    /// each under `data_dir` and one JWT secret, and must be given a shared database and
    /// bus.
    pub async fn spawn(
        bin: &Path,
        data_dir: Option<&Path>,
        extra: &[String],
        count: usize,
    ) -> Result<Self, BenchError> {
        match count {
            0 => Err(BenchError::Usage("--nodes must be at least 1".into())),
            1 => Ok(Self::one(Target::spawn(bin, data_dir, extra, None).await?)),
            _ => {
                for (flag, var) in [("--database", "DATABASE_URL"), ("--bus", "REDIS_URL")] {
                    if !names(extra, flag) && std::env::var_os(var).is_none() {
                        return Err(BenchError::Usage(format!(
                            "{count} nodes share a database and a bus: give \
                             --server-arg={flag}=… (or set {var})"
                        )));
                    }
                }
                let base = match data_dir {
                    Some(d) => d.to_path_buf(),
                    None => std::env::temp_dir()
                        .join(format!("quid-bench-{}", uuid::Uuid::new_v4().simple())),
                };
                let secret = uuid::Uuid::new_v4().simple().to_string();
                let mut nodes = Vec::with_capacity(count);
                for k in 0..count {
                    let dir = base.join(format!("node-{k}"));
                    nodes.push(Target::spawn(bin, Some(&dir), extra, Some(&secret)).await?);
                }
                Ok(Servers { nodes })
            }
        }
    }

    /// The node the accounts and groups are set up through.
    pub fn first(&self) -> &Target {
        &self.nodes[0]
    }

    /// How many nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Never: there is at least one node.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The nodes' WebSocket addresses, in node order.
    pub fn addrs(&self) -> Vec<SocketAddr> {
        self.nodes.iter().map(|n| n.addr).collect()
    }

    /// What to measure: every node (when all their pids are known) and `services`.
    pub fn meter(&self, services: &[String]) -> Meter {
        let procs: Option<Vec<_>> = self.nodes.iter().map(|n| n.proc).collect();
        Meter {
            servers: procs.unwrap_or_default(),
            services: services.to_vec(),
        }
    }

    /// Stops every node this run started; the first error, if any.
    pub async fn shutdown(self) -> Result<(), BenchError> {
        let mut first = Ok(());
        for node in self.nodes {
            let stopped = node.shutdown().await;
            if first.is_ok() {
                first = stopped;
            }
        }
        first
    }
}

/// Whether `args` give `flag` (as `--flag=value` or `--flag value`).
fn names(args: &[String], flag: &str) -> bool {
    args.iter()
        .any(|a| a == flag || a.strip_prefix(flag).is_some_and(|r| r.starts_with('=')))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Several nodes are attached in order, with one pid each or none.
    #[test]
    fn attaches_to_several_nodes() {
        let urls = [
            "http://127.0.0.1:3001".to_string(),
            "http://127.0.0.1:3002".into(),
        ];
        let s = Servers::attach(&urls, &[]).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s.addrs()[1].port(), 3002);
        assert!(s.meter(&[]).servers.is_empty());
        assert_eq!(
            Servers::attach(&urls, &[1, 2])
                .unwrap()
                .meter(&[])
                .servers
                .len(),
            2
        );
        assert!(Servers::attach(&urls, &[1]).is_err());
        assert!(Servers::attach(&[], &[]).is_err());
    }

    /// Several started nodes need a shared database and bus.
    #[tokio::test]
    async fn several_nodes_need_a_database_and_a_bus() {
        if std::env::var_os("DATABASE_URL").is_some() || std::env::var_os("REDIS_URL").is_some() {
            return;
        }
        let bin = Path::new("/nonexistent/quid-server");
        let only_db = ["--database=postgres://x/y".to_string()];
        let Err(e) = Servers::spawn(bin, None, &only_db, 2).await else {
            panic!("two nodes without a bus started");
        };
        assert!(e.to_string().contains("--bus"), "{e}");
        assert!(names(&["--bus".into(), "redis://x".into()], "--bus"));
        assert!(!names(&["--bus-channel=x".into()], "--bus"));
    }
}
