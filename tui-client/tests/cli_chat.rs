//! The CLI's side of the chat features and its rough edges, against the real server:
//! edit, delete, react, search and topic; documented exit codes for conflicts; what a
//! wrong `--server`, a missing token or a missing terminal say; `--notify-cmd` without a
//! shell.

mod common;

use std::time::Duration;

use common::{Server, TestResult, User, stderr, team};

/// Edit, react, search, topic and delete through the CLI, each visible in history.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_react_search_topic_delete() -> TestResult {
    let server = Server::start().await?;
    let alice = User::register(&server.url(), "alice").await?;
    let bob = User::register(&server.url(), "bob").await?;
    team(&alice, &[&bob]).await?;
    alice.ok(&["send", "-g", "team", "pizza at noon"]).await?;
    let edited = alice
        .ok(&["edit", "-g", "team", "#1", "pizza", "at", "one"])
        .await?;
    assert!(edited.contains("pizza at one (edited)"), "{edited}");
    let reacted = bob.ok(&["react", "-g", "team", "1", "👨‍👩‍👧"]).await?;
    assert!(reacted.contains("[👨‍👩‍👧 1]"), "{reacted}");
    let found = bob.ok(&["search", "-g", "team", "pizza"]).await?;
    assert!(found.starts_with("#1 "), "{found}");
    bob.ok(&["topic", "-g", "team", "lunch", "plans"]).await?;
    assert_eq!(
        alice.ok(&["topic", "-g", "team"]).await?.trim(),
        "lunch plans"
    );
    let out = bob.run(&["edit", "-g", "team", "1", "mine now"]).await?;
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    alice.ok(&["delete", "-g", "team", "1"]).await?;
    let history = bob.ok(&["history", "-g", "team"]).await?;
    assert!(
        history.contains("#1 ") && history.contains("(message deleted)"),
        "{history}"
    );
    assert!(!history.contains("pizza"), "{history}");
    let out = bob.run(&["search", "-g", "team", "pizza"]).await?;
    assert!(
        stderr(&out).contains("nothing in team matches"),
        "{}",
        stderr(&out)
    );
    Ok(())
}

/// A taken username and adding a member twice exit with the documented code 6; an
/// empty commitments list says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conflicts_exit_6_and_empty_lists_say_so() -> TestResult {
    let server = Server::start().await?;
    let alice = User::register(&server.url(), "alice").await?;
    let bob = User::register(&server.url(), "bob").await?;
    team(&alice, &[&bob]).await?;
    let again = User::new(&server.url(), "alice")?;
    let out = again
        .run_with_stdin(
            &["register", "alice", "--password-stdin"],
            "correct horse battery\n",
        )
        .await?;
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let out = alice.run(&["groups", "add-member", "team", "bob"]).await?;
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("already a member"),
        "{}",
        stderr(&out)
    );
    let out = alice.run(&["commitments", "-g", "team"]).await?;
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("no commitments in team yet"),
        "{}",
        stderr(&out)
    );
    let out = alice.run(&["liabilities", "-g", "team"]).await?;
    assert!(
        stderr(&out).contains("nobody in team is bound"),
        "{}",
        stderr(&out)
    );
    Ok(())
}

/// A server URL with `/api`, a missing token and a chat without a terminal each say
/// what is wrong and what to do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rough_edges_say_what_is_wrong() -> TestResult {
    let server = Server::start().await?;
    let alice = User::register(&server.url(), "alice").await?;
    let api_url = format!("{}/api", server.url());
    let out = alice.run(&["--server", &api_url, "groups"]).await?;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("ends in /api"), "{}", stderr(&out));
    let nobody = User::new(&server.url(), "nobody")?;
    let out = nobody.run(&["groups"]).await?;
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("quid register"), "{}", stderr(&out));
    // the tests run without a terminal
    let out = alice.run(&[]).await?;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("needs a terminal"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("os error"), "{}", stderr(&out));
    Ok(())
}

/// `--notify-cmd` runs its program for a mention of the user, with the text as one
/// argument that no shell reads: `$(…)` arrives as written and runs nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notify_cmd_gets_the_text_without_a_shell() -> TestResult {
    let server = Server::start().await?;
    let alice = User::register(&server.url(), "alice").await?;
    let bob = User::register(&server.url(), "bob").await?;
    team(&alice, &[&bob]).await?;
    let dir = tempfile::tempdir()?;
    let out = dir.path().join("notified");
    // `tee -a OUT TEXT` appends its (empty) stdin to OUT and to a file named TEXT in its
    // working directory: the file's name shows the argument as it arrived
    let cmd = format!("tee -a {}", out.display());
    let mut tail = bob.command(&[
        "tail",
        "-g",
        "team",
        "--since",
        "0",
        "--json",
        "--notify-cmd",
        &cmd,
    ]);
    tail.current_dir(dir.path());
    let mut tail = tail.spawn()?;
    let text = "bob: $(touch pwned) `touch pwned2`";
    // the tail may still be connecting: send until the command has run once
    let expected = dir.path().join(format!("alice in team: {text}"));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    alice.ok(&["send", "-g", "team", "nothing for him"]).await?;
    alice.ok(&["send", "-g", "team", text]).await?;
    while !expected.exists() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        expected.exists(),
        "the command did not get the text as one argument"
    );
    assert!(out.exists());
    assert!(
        !dir.path().join("pwned").exists(),
        "the text was run by a shell"
    );
    assert!(
        !dir.path().join("pwned2").exists(),
        "the text was run by a shell"
    );
    assert!(
        !dir.path().join("alice in team: nothing for him").exists(),
        "notified of a message that does not concern bob"
    );
    let _ = tail.kill().await;
    Ok(())
}

/// Shell completion offers the user's group names after `-g`, asked of the server when
/// Tab is pressed (bash, run for real).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_offers_group_names() -> TestResult {
    let server = Server::start().await?;
    let alice = User::register(&server.url(), "alice").await?;
    team(&alice, &[]).await?;
    alice.ok(&["groups", "create", "garden"]).await?;
    let names = alice.ok(&["groups", "names"]).await?;
    assert_eq!(names.lines().collect::<Vec<_>>(), ["team", "garden"]);
    let script = alice.ok(&["completions", "bash"]).await?;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("quid.bash");
    std::fs::write(&path, script)?;
    let quid_dir = std::path::Path::new(env!("CARGO_BIN_EXE_quid"))
        .parent()
        .ok_or("no bin dir")?
        .display()
        .to_string();
    let probe = format!(
        "export PATH=\"{quid_dir}:$PATH\"; source {}; \
         COMP_WORDS=(quid send -g ga); COMP_CWORD=3; COMP_LINE='quid send -g ga'; _quid quid ga -g; \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path.display()
    );
    let out = tokio::process::Command::new("bash")
        .arg("-c")
        .arg(&probe)
        .env("QUID_SERVER", &alice.server)
        .env("QUID_CONFIG_DIR", alice.config_dir())
        .env("HOME", alice.home.path())
        .output()
        .await?;
    let offered = String::from_utf8_lossy(&out.stdout);
    assert_eq!(offered.trim(), "garden", "{}", stderr(&out));
    Ok(())
}
