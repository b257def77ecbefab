//! One server per data directory: a second process on a data dir in use refuses to start
//! and names the holder; the lock dies with its holder, even by `kill -9`.

use quid_tests::{NodeProcess, node_args, node_program};

/// A second server on the same data dir exits with an error naming the first one's pid,
/// and the first keeps serving; after the first is killed with SIGKILL, a new one starts.
#[tokio::test]
async fn a_second_server_on_a_data_dir_in_use_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let args = node_args(dir.path());
    let first = NodeProcess::spawn(node_program!(), &args).await.unwrap();

    let second = NodeProcess::expect_exit(node_program!(), &args)
        .await
        .unwrap();
    assert!(!second.status.success());
    assert!(
        second.output.contains("is in use")
            && second.output.contains(&format!("pid {}", first.pid())),
        "the refusal names the holder: {}",
        second.output
    );
    let health = reqwest::get(format!("http://{}/health", first.addr()))
        .await
        .unwrap();
    assert!(health.status().is_success());

    first.kill().await.unwrap();
    let third = NodeProcess::spawn(node_program!(), &args).await.unwrap();
    third.terminate().await.unwrap();
}
