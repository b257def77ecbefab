//! PostgreSQL without a bus is for one node: a second node on the same database refuses
//! to start and says why (its members would see the first node's messages only on
//! reconnect), and so does a node with a bus beside one without. The lock dies with its
//! holder, even by `kill -9`. Skips (one line) without PostgreSQL or Redis unless `CI` is
//! set.

use anyhow::{Result, ensure};
use quid_tests::cluster::Cluster;
use quid_tests::{NodeProcess, node_args, node_program};

/// A node's arguments on the cluster's database without a bus.
fn alone(cluster: &Cluster, dir: &std::path::Path) -> Vec<String> {
    let mut args = node_args(dir);
    args.extend(["--database".to_owned(), cluster.database.clone()]);
    args
}

#[tokio::test]
async fn a_node_without_a_bus_is_alone_on_its_database() -> Result<()> {
    let Some(mut cluster) = Cluster::new().await? else {
        return Ok(());
    };
    let dirs: Vec<_> = (0..4)
        .map(|_| tempfile::tempdir())
        .collect::<Result<_, _>>()?;
    let first = NodeProcess::spawn(node_program!(), &alone(&cluster, dirs[0].path())).await?;

    let second =
        NodeProcess::expect_exit(node_program!(), &alone(&cluster, dirs[1].path())).await?;
    ensure!(!second.status.success());
    ensure!(
        second
            .output
            .contains("another node is using this database")
            && second.output.contains("--bus"),
        "a second node without a bus says why it refuses: {}",
        second.output
    );
    let beside = NodeProcess::expect_exit(node_program!(), &cluster.args(dirs[2].path())).await?;
    ensure!(
        beside
            .output
            .contains("a node without --bus is using this database"),
        "a node with a bus refuses beside one without: {}",
        beside.output
    );
    let alice = first.register("alice").await?;

    // kill -9 ends its connection, and PostgreSQL drops its lock: nodes with a bus start
    first.kill().await?;
    let a = cluster.node(node_program!()).await?;
    let b = cluster.node(node_program!()).await?;
    a.login(alice.name()).await?;
    b.login(alice.name()).await?;
    let lone = NodeProcess::expect_exit(node_program!(), &alone(&cluster, dirs[3].path())).await?;
    ensure!(
        lone.output.contains("another node is using this database"),
        "a node without a bus refuses beside nodes with one: {}",
        lone.output
    );
    Ok(())
}
