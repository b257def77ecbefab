//! The account and invitation commands of `quid` against the real server: `logout` ends
//! the session on the server (a copy of the token is refused afterwards), `sessions`
//! lists and ends sessions, `password` and `delete-account` work from a script, and
//! `invite` / `join` / `kick` / `admin` manage a group with clear refusals.

mod common;

use common::{Server, TestResult, User, stderr, team};

/// The stored token, as a copy an attacker might have taken.
fn stored_token(user: &User) -> Result<String, Box<dyn std::error::Error>> {
    Ok(std::fs::read_to_string(user.config_dir().join("token"))?
        .trim()
        .to_owned())
}

/// `quid logout` ends the session on the server: a copy of its token no longer works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_ends_the_session_on_the_server() -> TestResult {
    let server = Server::start().await?;
    let alice = User::register(&server.url(), "alice").await?;
    let copy = stored_token(&alice)?;
    alice.ok(&["logout"]).await?;
    let mut stolen = alice.command(&["groups"]);
    stolen.env("QUID_TOKEN", &copy);
    let out = common::finish(stolen).await?;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("session has ended"),
        "{}",
        stderr(&out)
    );
    Ok(())
}

/// `quid sessions` lists both logins and `quid sessions end` ends the other one;
/// `quid password` from a script ends the rest, and `quid delete-account --yes` deletes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_password_and_deletion_from_the_command_line() -> TestResult {
    let server = Server::start().await?;
    let laptop = User::register(&server.url(), "alice").await?;
    let phone = User::new(&server.url(), "alice")?;
    let out = phone
        .run_with_stdin(
            &["login", "alice", "--password-stdin"],
            "correct horse battery\n",
        )
        .await?;
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = laptop.ok(&["sessions", "--json"]).await?;
    let sessions: Vec<serde_json::Value> = listed
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    assert_eq!(sessions.len(), 2);
    let other = sessions
        .iter()
        .find(|s| s["current"] == false)
        .and_then(|s| s["id"].as_str())
        .ok_or("no other session")?;
    laptop.ok(&["sessions", "end", other]).await?;
    assert_eq!(phone.run(&["groups"]).await?.status.code(), Some(3));

    let out = laptop
        .run_with_stdin(
            &["password", "--password-stdin"],
            "correct horse battery\nan even better passphrase\n",
        )
        .await?;
    assert!(out.status.success(), "{}", stderr(&out));
    laptop.ok(&["groups"]).await?;

    let out = laptop.run(&["delete-account"]).await?;
    assert_eq!(out.status.code(), Some(2), "needs --yes: {}", stderr(&out));
    let out = laptop
        .run_with_stdin(
            &["delete-account", "--yes", "--password-stdin"],
            "an even better passphrase\n",
        )
        .await?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(laptop.run(&["groups"]).await?.status.code(), Some(3));
    Ok(())
}

/// `quid invite` prints a code `quid join` uses; a used-up code is refused with exit 4;
/// `quid kick` needs an admin, and `quid admin` makes one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invite_join_kick_and_admin() -> TestResult {
    let server = Server::start().await?;
    let alice = User::register(&server.url(), "alice").await?;
    let bob = User::register(&server.url(), "bob").await?;
    let carol = User::register(&server.url(), "carol").await?;
    team(&alice, &[]).await?;
    let code = alice
        .ok(&["invite", "-g", "team", "--uses", "1", "--expires", "1d"])
        .await?;
    let code = code.trim();
    assert!(bob.ok(&["join", code]).await?.contains("team"));
    let out = carol.run(&["join", code]).await?;
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("used up"), "{}", stderr(&out));
    let listed = alice.ok(&["invite", "-g", "team", "--list"]).await?;
    assert!(listed.contains("1 of 1 uses"), "{listed}");

    let code = alice.ok(&["invite", "-g", "team"]).await?;
    carol.ok(&["join", code.trim()]).await?;
    let out = bob.run(&["kick", "-g", "team", "carol"]).await?;
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("admins"), "{}", stderr(&out));
    alice.ok(&["admin", "-g", "team", "bob"]).await?;
    bob.ok(&["kick", "-g", "team", "carol"]).await?;
    let out = carol.run(&["history", "-g", "team"]).await?;
    assert_eq!(out.status.code(), Some(4), "carol is out: {}", stderr(&out));
    Ok(())
}

/// Against a TLS server, `quid` with `--ca-cert` (here `QUID_CA_CERT`) registers, sends
/// over HTTPS and tails over WSS; without it the server is unreachable (exit 5).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_speaks_https_and_wss_with_a_private_ca() -> TestResult {
    let ca = quid_tests::tls::TestCa::new()?;
    let data = tempfile::tempdir()?;
    let mut config = quid_tests::test_config(data.path());
    config.tls_cert = Some(ca.cert_path());
    config.tls_key = Some(ca.key_path());
    let running = quid_server::start(config).await?;
    let url = format!("https://localhost:{}", running.addr().port());

    let stranger = User::new(&url, "alice")?;
    let out = stranger
        .run_with_stdin(
            &["register", "alice", "--password-stdin"],
            "correct horse battery\n",
        )
        .await?;
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));

    let mut alice = User::new(&url, "alice")?;
    alice.ca_cert = Some(ca.ca_path());
    let out = alice
        .run_with_stdin(
            &["register", "alice", "--password-stdin"],
            "correct horse battery\n",
        )
        .await?;
    assert!(out.status.success(), "{}", stderr(&out));
    alice.ok(&["groups", "create", "team"]).await?;
    let mut tail = alice.tail("team", 0)?;
    alice.ok(&["send", "-g", "team", "hello over tls"]).await?;
    let seen = tail.next().await?;
    assert_eq!(seen["content"], "hello over tls");
    running.shutdown().await?;
    Ok(())
}
