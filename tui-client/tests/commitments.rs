//! `quid commitments`, `quid liabilities` and `quid revoke` against the real server, with
//! commitments made the way people make them: by writing them in the chat.

mod common;

use common::{Server, TestResult, User, stderr, team};

/// A commitment written in chat shows up in `quid commitments`; the liabilities it creates
/// in `quid liabilities`; `quid revoke` takes it back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commitments_and_liabilities_follow_the_chat() -> TestResult {
    let server = Server::start().await?;
    let alice = User::register(&server.url(), "alice").await?;
    let bob = User::register(&server.url(), "bob").await?;
    team(&alice, &[&bob]).await?;
    let mut tail = alice.tail("team", 0)?;
    bob.ok(&["send", "-g", "team", "If alice does 5h of work, I'll do 3h"])
        .await?;
    alice
        .ok(&["send", "-g", "team", "I will do 10 hours of work"])
        .await?;
    // Detection runs after the messages are stored: wait for the liability message that
    // names bob.
    loop {
        let message = tail.next().await?;
        let content = message["content"].as_str().unwrap_or_default();
        if message["kind"] == "liability" && content.contains("bob") {
            break;
        }
    }

    let liabilities = alice.ok(&["liabilities", "-g", "team"]).await?;
    assert!(
        liabilities.contains("alice: 10 hours of work"),
        "{liabilities}"
    );
    assert!(
        liabilities.contains("bob: 3 hours of work"),
        "{liabilities}"
    );

    let listed = bob.ok(&["commitments", "-g", "team", "--json"]).await?;
    let commitments: Vec<serde_json::Value> = listed
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    assert_eq!(commitments.len(), 2, "{listed}");
    let bobs = commitments
        .iter()
        .find(|c| c["creator"]["username"] == "bob")
        .and_then(|c| c["id"].as_i64())
        .ok_or("bob's commitment is missing")?;

    let out = alice.run(&["revoke", &bobs.to_string()]).await?;
    assert_eq!(
        out.status.code(),
        Some(4),
        "only the creator may revoke: {}",
        stderr(&out)
    );
    bob.ok(&["revoke", &bobs.to_string()]).await?;
    let liabilities = alice.ok(&["liabilities", "-g", "team"]).await?;
    assert!(!liabilities.contains("bob:"), "{liabilities}");
    Ok(())
}
