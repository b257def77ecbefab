//! `quid tail` whose reader goes away (`quid tail | head -1`) ends at once, quietly and
//! with exit code 0 — not only when the next message fails to print.

mod common;

use std::time::Duration;

use common::{STEP, Server, TestResult, User, team};
use tokio::io::{AsyncBufReadExt, BufReader};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tail_ends_when_its_reader_goes_away() -> TestResult {
    let server = Server::start().await?;
    let alice = User::register(&server.url(), "alice").await?;
    team(&alice, &[]).await?;
    alice
        .ok(&["send", "-g", "team", "the only message"])
        .await?;

    let mut child = alice
        .command(&["tail", "-g", "team", "--since", "0"])
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let first = tokio::time::timeout(STEP, lines.next_line())
        .await
        .map_err(|_| "tail printed nothing")??
        .ok_or("tail ended early")?;
    assert!(first.ends_with("alice: the only message"), "{first}");
    drop(lines);

    // No message follows: tail must notice the closed pipe by itself.
    let out = tokio::time::timeout(Duration::from_secs(5), child.wait_with_output())
        .await
        .map_err(|_| "tail kept running with nobody reading")??;
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    Ok(())
}
