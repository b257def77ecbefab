//! The `quid` binary against the real server: sending, tailing, privacy, resuming across a
//! server restart, and clear failures with meaningful exit codes.

mod common;

use common::{Server, TestResult, User, finish, stderr, team};

/// A message `quid send` posts appears in another member's `quid tail --json`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_appears_in_another_members_tail() -> TestResult {
    let server = Server::start().await?;
    let alice = User::register(&server.url(), "alice").await?;
    let bob = User::register(&server.url(), "bob").await?;
    team(&alice, &[&bob]).await?;
    let mut tail = bob.tail("team", 0)?;
    let printed = alice
        .ok(&["send", "-g", "team", "--json", "hello", "bob"])
        .await?;
    let stored: serde_json::Value = serde_json::from_str(printed.trim())?;
    let seen = tail.next().await?;
    assert_eq!(seen["content"], "hello bob");
    assert_eq!(seen["author"]["username"], "alice");
    assert_eq!(seen["seq"], stored["seq"]);
    Ok(())
}

/// Text piped into `quid send` is sent, and `quid history` prints it back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_reads_stdin_and_history_prints_it() -> TestResult {
    let server = Server::start().await?;
    let alice = User::register(&server.url(), "alice").await?;
    alice.ok(&["groups", "create", "team"]).await?;
    let out = alice
        .run_with_stdin(&["send", "-g", "team"], "from a pipe\n")
        .await?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8(out.stdout)?.contains("alice: from a pipe"));
    let history = alice.ok(&["history", "-g", "team", "--json"]).await?;
    let messages: Vec<serde_json::Value> = history
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["content"], "from a pipe");
    Ok(())
}

/// A private message reaches its target's tail and never a third member's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_message_stays_out_of_a_third_members_tail() -> TestResult {
    let server = Server::start().await?;
    let alice = User::register(&server.url(), "alice").await?;
    let bob = User::register(&server.url(), "bob").await?;
    let carol = User::register(&server.url(), "carol").await?;
    team(&alice, &[&bob, &carol]).await?;
    let mut bobs = bob.tail("team", 0)?;
    let mut carols = carol.tail("team", 0)?;
    alice
        .ok(&["send", "-g", "team", "--to", "bob", "only for bob"])
        .await?;
    alice.ok(&["send", "-g", "team", "for everyone"]).await?;
    let bob_saw = bobs.until("for everyone").await?;
    assert_eq!(bob_saw.len(), 2);
    assert_eq!(bob_saw[0]["content"], "only for bob");
    assert_eq!(bob_saw[0]["private"], true);
    let carol_saw = carols.until("for everyone").await?;
    assert_eq!(carol_saw.len(), 1, "carol saw {carol_saw:?}");
    Ok(())
}

/// `quid tail` goes on across a server restart with no message missing or repeated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tail_resumes_across_a_server_restart() -> TestResult {
    let mut server = Server::start().await?;
    let alice = User::register(&server.url(), "alice").await?;
    let bob = User::register(&server.url(), "bob").await?;
    team(&alice, &[&bob]).await?;
    let mut tail = bob.tail("team", 0)?;
    for text in ["one", "two"] {
        alice.ok(&["send", "-g", "team", text]).await?;
    }
    let mut seen = tail.until("two").await?;
    server.restart().await?;
    // Sent while the tail is still away (missed live, so it must come by replay) ...
    alice.ok(&["send", "-g", "team", "three"]).await?;
    seen.extend(tail.until("three").await?);
    // ... and after it is back (live).
    alice.ok(&["send", "-g", "team", "four"]).await?;
    seen.extend(tail.until("four").await?);
    let contents: Vec<&str> = seen.iter().filter_map(|m| m["content"].as_str()).collect();
    assert_eq!(contents, vec!["one", "two", "three", "four"]);
    let seqs: Vec<i64> = seen.iter().filter_map(|m| m["seq"].as_i64()).collect();
    assert_eq!(seqs, vec![1, 2, 3, 4]);
    Ok(())
}

/// An unknown group is a clear error with exit code 4.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_group_fails_clearly() -> TestResult {
    let server = Server::start().await?;
    let alice = User::register(&server.url(), "alice").await?;
    let out = alice.run(&["send", "-g", "nope", "hi"]).await?;
    assert_eq!(out.status.code(), Some(4));
    assert!(
        stderr(&out).contains("no group named \"nope\""),
        "{}",
        stderr(&out)
    );
    let out = alice.run(&["tail", "-g", "nope"]).await?;
    assert_eq!(out.status.code(), Some(4));
    Ok(())
}

/// Without a token every command that needs one (the chat too) says to log in, with exit
/// code 3; and
/// `quid logout` really forgets the token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_logged_in_fails_clearly() -> TestResult {
    let server = Server::start().await?;
    let nobody = User::new(&server.url(), "nobody")?;
    for args in [&["groups"][..], &[][..]] {
        let out = nobody.run(args).await?;
        assert_eq!(out.status.code(), Some(3), "quid {args:?}");
        assert!(stderr(&out).contains("not logged in"), "{}", stderr(&out));
    }
    let alice = User::register(&server.url(), "alice").await?;
    alice.ok(&["groups"]).await?;
    alice.ok(&["logout"]).await?;
    let out = alice.run(&["send", "-g", "team", "hi"]).await?;
    assert_eq!(out.status.code(), Some(3));
    let mut login = alice.command(&["login", "alice"]);
    login.env("QUID_PASSWORD", "wrong password");
    let out = finish(login).await?;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let mut login = alice.command(&["login", "alice"]);
    login.env("QUID_PASSWORD", "correct horse battery");
    let out = finish(login).await?;
    assert!(out.status.success(), "{}", stderr(&out));
    alice.ok(&["groups"]).await?;
    let mut bad_token = alice.command(&["groups"]);
    bad_token.env("QUID_TOKEN", "not-a-token");
    let out = finish(bad_token).await?;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    Ok(())
}

/// With the server down, commands say so and exit with code 5.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_down_fails_clearly() -> TestResult {
    let mut server = Server::start().await?;
    let alice = User::register(&server.url(), "alice").await?;
    server.stop().await?;
    let out = alice.run(&["send", "-g", "team", "hi"]).await?;
    assert_eq!(out.status.code(), Some(5));
    assert!(
        stderr(&out).contains("cannot reach the server"),
        "{}",
        stderr(&out)
    );
    Ok(())
}

/// `quid tail` started while the server is down says so, keeps trying, and prints what
/// is sent once the server is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tail_waits_for_a_server_that_is_down() -> TestResult {
    let mut server = Server::start().await?;
    let alice = User::register(&server.url(), "alice").await?;
    team(&alice, &[]).await?;
    server.stop().await?;
    let mut tail = alice.tail("team", 0)?;
    server.restart().await?;
    alice.ok(&["send", "-g", "team", "back again"]).await?;
    let seen = tail.until("back again").await?;
    assert_eq!(seen.len(), 1);
    Ok(())
}

/// Bad arguments are usage errors (exit 2), and empty input is refused before sending.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2() -> TestResult {
    let server = Server::start().await?;
    let alice = User::register(&server.url(), "alice").await?;
    let out = alice.run(&["send", "hi"]).await?;
    assert_eq!(out.status.code(), Some(2));
    let out = alice
        .run_with_stdin(&["send", "-g", "team"], "  \n")
        .await?;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("empty"), "{}", stderr(&out));
    Ok(())
}

/// While the server has a question open for alice, `quid send` says so on stderr with the
/// command that answers it; `--reply-to` answers it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_hints_at_an_open_question() -> TestResult {
    let server = Server::start().await?;
    let alice = User::register(&server.url(), "alice").await?;
    let bob = User::register(&server.url(), "bob").await?;
    team(&alice, &[&bob]).await?;
    let mut tail = alice.tail("team", 0)?;
    alice
        .ok(&[
            "send",
            "-g",
            "team",
            "I'll do some work if bob does 2 hours",
        ])
        .await?;
    let asked = loop {
        let seen = tail.next().await?;
        if seen["kind"] == "clarification_request" {
            break seen;
        }
    };
    let out = alice
        .run(&["send", "-g", "team", "anyone up for lunch?"])
        .await?;
    assert!(out.status.success(), "{}", stderr(&out));
    let hint = stderr(&out);
    let id = asked["id"].as_i64().ok_or("no id")?;
    assert!(
        hint.contains("quid asked you in team: How much work will you do?")
            && hint.contains(&format!("--reply-to {id}")),
        "{hint}"
    );
    let reply = alice
        .ok(&[
            "send",
            "-g",
            "team",
            "--json",
            "--reply-to",
            &id.to_string(),
            "3 hours",
        ])
        .await?;
    let reply: serde_json::Value = serde_json::from_str(reply.trim())?;
    assert_eq!(reply["kind"], "clarification_response");
    Ok(())
}
