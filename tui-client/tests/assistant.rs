//! `quid whatif`, `quid liabilities` with and without a group (and why each binds), and
//! `quid revoke '#N'`, against the real server with commitments made in the chat.

mod common;

use common::{Server, TestResult, User, stderr, team};

/// Waits until `tail` shows a liability message naming `who`.
async fn bound(tail: &mut common::Tail, who: &str) -> TestResult {
    loop {
        let message = tail.next().await?;
        let content = message["content"].as_str().unwrap_or_default();
        if message["kind"] == "liability" && content.contains(who) {
            return Ok(());
        }
    }
}

/// `quid whatif` prints how an offer reads and the before → after of the liabilities,
/// storing nothing; `quid liabilities` says why each member is bound; without `-g` it
/// lists what the caller is bound to, group by group (`--json`: one object per group).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whatif_and_why_from_the_command_line() -> TestResult {
    let server = Server::start().await?;
    let alice = User::register(&server.url(), "alice").await?;
    let bob = User::register(&server.url(), "bob").await?;
    team(&alice, &[&bob]).await?;
    let mut tail = alice.tail("team", 0)?;
    bob.ok(&["send", "-g", "team", "I will do 5 hours of work"])
        .await?;
    bound(&mut tail, "bob").await?;

    let tried = alice
        .ok(&["whatif", "-g", "team", "If Bob does 5h of work, I'll do 3h"])
        .await?;
    assert!(
        tried.contains("reads as: 3 hours of work if bob does ≥ 5 hours of work"),
        "{tried}"
    );
    assert!(tried.contains("alice: work 0 → 3 hours"), "{tried}");
    let listed = alice.ok(&["commitments", "-g", "team"]).await?;
    assert_eq!(listed.lines().count(), 1, "nothing stored: {listed}");

    alice
        .ok(&["send", "-g", "team", "If Bob does 5h of work, I'll do 3h"])
        .await?;
    bound(&mut tail, "alice").await?;
    let why = alice.ok(&["liabilities", "-g", "team"]).await?;
    assert!(
        why.contains("alice: 3 hours of work, because of c2 (alice: 3 hours of work if bob does ≥ 5 hours of work), which holds because bob is bound to 5 hours of work by c1"),
        "{why}"
    );
    let mine = alice.ok(&["liabilities"]).await?;
    assert!(
        mine.starts_with("team\n  3 hours of work, because of c2"),
        "{mine}"
    );
    let lines = mine.lines().filter(|l| !l.trim().is_empty()).count();
    assert_eq!(lines, 2, "only what alice is bound to: {mine:?}");
    let json = alice.ok(&["liabilities", "--json"]).await?;
    let group: serde_json::Value = serde_json::from_str(json.trim())?;
    assert_eq!(group["name"], "team");
    assert_eq!(group["liabilities"][0]["amount"], 3.0);
    assert!(group["liabilities"][0]["why"].is_string());
    Ok(())
}

/// `quid revoke '#2'` takes the id of `c2` (as `quid commitments` shows it) in its `#`
/// form too; a word is refused as a usage error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoke_takes_hash_ids() -> TestResult {
    let server = Server::start().await?;
    let alice = User::register(&server.url(), "alice").await?;
    team(&alice, &[]).await?;
    let mut tail = alice.tail("team", 0)?;
    alice
        .ok(&["send", "-g", "team", "I will do 2 hours of cooking"])
        .await?;
    bound(&mut tail, "alice").await?;
    let listed = alice.ok(&["commitments", "-g", "team"]).await?;
    let id = listed
        .split_whitespace()
        .next()
        .ok_or("no commitment listed")?
        .to_owned();
    let number = id.strip_prefix('c').ok_or("the id is listed as cN")?;
    let out = alice.run(&["revoke", "two"]).await?;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    alice.ok(&["revoke", &format!("#{number}")]).await?;
    let listed = alice.ok(&["commitments", "-g", "team"]).await?;
    assert!(listed.contains("[revoked]"), "{listed}");
    // the withdrawal is marked apart from new commitments in `quid history`
    let history = alice.ok(&["history", "-g", "team"]).await?;
    assert!(
        history.contains(&format!("x {id} alice withdrew")),
        "{history}"
    );
    Ok(())
}
