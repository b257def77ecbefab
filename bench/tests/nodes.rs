//! Smoke test of the load generator against two nodes: two real servers on one PostgreSQL
//! schema and one Redis channel, connections spread over both, so every group has
//! receivers on the node its publisher does not use. Every message must reach every
//! receiver, across the bus, once. Skips (one line) without PostgreSQL or Redis unless
//! `CI` is set; asserts no timing.

use std::time::Duration;

use quid_bench::cli::{FanoutArgs, ReconnectArgs};
use quid_bench::scenario::{Env, fanout, reconnect};
use quid_bench::servers::Servers;
use quid_tests::cluster::Cluster;

/// Bound on the whole run, so a broken node cannot hang the suite.
const LIMIT: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenarios_spread_over_two_nodes_lose_nothing() {
    let Some(cluster) = Cluster::new().await.unwrap() else {
        return;
    };
    let mut nodes = Vec::new();
    let mut dirs = Vec::new();
    for _ in 0..2 {
        let dir = tempfile::tempdir().unwrap();
        let mut config = quid_server::Config::with_data_dir(dir.path());
        config.bind = [127, 0, 0, 1].into();
        config.port = 0;
        config.argon2_memory_kib = 1024;
        config.argon2_iterations = 1;
        config.registrations_per_address = 0;
        cluster.configure(&mut config);
        nodes.push(quid_server::start(config).await.unwrap());
        dirs.push(dir);
    }
    let urls: Vec<String> = nodes
        .iter()
        .map(|n| format!("http://{}", n.addr()))
        .collect();
    let mut env = Env::new(Servers::attach(&urls, &[]).unwrap(), None);
    assert_eq!(env.servers.len(), 2);
    env.meter.services = vec!["postgres".into()];
    tokio::time::timeout(LIMIT, run(&env))
        .await
        .expect("the scenarios finished in time");
    for node in nodes {
        node.shutdown().await.unwrap();
    }
}

async fn run(env: &Env) {
    // 3 groups: the publishers of groups 0 and 2 use node 0, group 1's node 1; each
    // group's 6 receivers alternate between the nodes
    let f = fanout::run(
        env,
        &FanoutArgs {
            groups: 3,
            members: 6,
            publishers: 1,
            rate: 20.0,
            payload: 100,
            duration: 1.0,
            drain: 10.0,
            concurrency: 16,
        },
    )
    .await
    .unwrap();
    assert!(f.sent > 0 && f.acked == f.sent, "{f:?}");
    assert_eq!(f.delivered, f.acked * 6, "{f:?}");
    assert!(f.clean(), "{f:?}");
    assert_eq!(f.services.len(), 1, "{f:?}");
    assert_eq!(f.services[0].name, "postgres");
    assert!(f.services[0].cpu_us_per_message.is_some(), "{f:?}");

    let r = reconnect::run(
        env,
        &ReconnectArgs {
            groups: 2,
            members: 4,
            rate: 40.0,
            publishers: 2,
            missed: 10,
            payload: 100,
            timeout: 20.0,
            concurrency: 16,
        },
    )
    .await
    .unwrap();
    assert!(r.missed_min >= 10, "{r:?}");
    assert_eq!(
        (r.gaps, r.duplicates, r.lost, r.errors, r.dropped),
        (0, 0, 0, 0, 0),
        "{r:?}"
    );
}
