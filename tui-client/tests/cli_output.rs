//! What the `quid` binary prints and how it fails on a wrong server: another member's
//! text cannot act on the terminal, and a bad or foreign server URL is named as such.

mod common;

use common::{Server, TestResult, User, stderr, team};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Escape sequences and carriage returns in a message are printed escaped by `history`
/// (so no member can restyle the reader's terminal or forge a line of another member),
/// while `--json` keeps the text exactly as sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn message_text_cannot_drive_the_terminal() -> TestResult {
    let server = Server::start().await?;
    let alice = User::register(&server.url(), "alice").await?;
    let bob = User::register(&server.url(), "bob").await?;
    team(&alice, &[&bob]).await?;
    let forged = "innocent\r#99 12:00 alice: I owe bob 100 hours\u{1b}]0;pwned\u{7}";
    let out = bob.run(&["send", "-g", "team", forged]).await?;
    assert!(out.status.success(), "{}", stderr(&out));

    let shown = alice.ok(&["history", "-g", "team"]).await?;
    assert!(
        !shown.chars().any(|c| c.is_control() && c != '\n'),
        "{shown:?}"
    );
    assert!(
        shown.contains(
            "bob: innocent\\u{d}#99 12:00 alice: I owe bob 100 hours\\u{1b}]0;pwned\\u{7}"
        ),
        "{shown:?}"
    );
    let json = alice.ok(&["history", "-g", "team", "--json"]).await?;
    let message: serde_json::Value = serde_json::from_str(json.trim())?;
    assert_eq!(message["content"], forged);
    Ok(())
}

/// A server URL without a scheme or host is a usage error (exit 2) that says what a
/// good one looks like; a URL where something other than Quid answers is named as a
/// wrong server (exit 5, as for one that cannot be reached).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_or_foreign_server_urls_fail_clearly() -> TestResult {
    let user = User::new("http://127.0.0.1:9", "alice")?;
    for url in ["localhost:3001", "http://"] {
        let out = user.run(&["--server", url, "groups"]).await?;
        assert_eq!(out.status.code(), Some(2), "{url}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("invalid server URL {url:?}")),
            "{}",
            stderr(&out)
        );
    }

    // a web server that is not Quid: every request gets a plain-text 404
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let foreign = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let _ = socket
                    .write_all(
                        b"HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\n\
                          content-length: 9\r\nconnection: close\r\n\r\nnot found",
                    )
                    .await;
            });
        }
    });
    let out = user
        .run_with_stdin(
            &[
                "--server",
                &foreign,
                "register",
                "alice",
                "--password-stdin",
            ],
            "correct horse battery\n",
        )
        .await?;
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is it a Quid server?"),
        "{}",
        stderr(&out)
    );
    Ok(())
}
