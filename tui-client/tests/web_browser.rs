//! The browser client in a real browser: Debian's chromium, headless, driven through
//! chromedriver. Two members in two browsers (one at phone width) and a third on the
//! `quid` CLI share a group. It lives here, beside the CLI's tests, because it runs the
//! real `quid` binary and restarts the server on the same address.
//!
//! Without chromium or chromedriver it skips with one line — never when `CI` is set
//! (`.ci/run` installs them). `QUID_WEB_SCREENSHOTS=1` saves the screenshots shown in the
//! README to `docs/`.

mod browser;
mod common;

use std::io::Write;

use browser::{Driver, Page, browser};
use common::{Server, TestResult, User};
use quid_shared::{CreateGroup, PostMessage};
use serde_json::json;

/// The whole story in two browsers and the CLI: register and log in, create a group and
/// add members from the page; older history on request; a message typed in one browser
/// reaches the other and `quid tail`; a private message reaches only its target's
/// browser; a question only its target sees, answered with Reply; a commitment typed in a
/// browser shows up with its liability in both side panels, a conditional one says why it
/// binds (the other's amount), and the first is revoked there; after a server restart both
/// pages reconnect and show what was sent meanwhile exactly once, including a message
/// typed while offline; markup in a message is shown as text; a refused send fails with
/// retry and discard; nothing is loaded from elsewhere; leaving a group; logout ends the
/// session in the page.
#[tokio::test]
async fn two_browsers_and_the_cli_share_a_group() -> TestResult {
    let Some((chromium, chromedriver)) = browser() else {
        if std::env::var_os("CI").is_some() {
            return Err("CI needs chromium and chromedriver (.ci/run installs them)".into());
        }
        // written past the test harness's capture, so the line shows in a normal run
        let _ = writeln!(
            std::io::stderr(),
            "web_browser: skipped: chromium or chromedriver is not installed (apt-get install chromium chromium-driver)"
        );
        return Ok(());
    };
    let mut server = Server::start().await?;
    let origin = server.url();
    let carol = User::register(&origin, "carol").await?;
    common::account(&origin, "bella").await?;
    // an older group with more history than the page loads at first
    let (dora, _) = common::account(&origin, "dora").await?;
    let archive = dora
        .create_group(&CreateGroup {
            name: "archive".into(),
            description: None,
        })
        .await?;
    dora.add_member(archive.id, "bella").await?;
    for n in 1..=60 {
        dora.post_message(&PostMessage {
            group_id: archive.id,
            content: format!("archive {n}"),
            client_id: None,
            reply_to: None,
            to: None,
        })
        .await?;
    }
    let driver = Driver::start(&chromedriver).await?;
    let profiles = tempfile::tempdir()?;
    let anna = Page {
        client: driver
            .session(&chromium, &profiles.path().join("anna"), false)
            .await?,
        name: "anna",
    };
    let bella = Page {
        client: driver
            .session(&chromium, &profiles.path().join("bella"), true)
            .await?,
        name: "bella",
    };
    let result = story(&mut server, &origin, &carol, &anna, &bella).await;
    for page in [anna, bella] {
        let _ = page.client.close().await;
    }
    result?;
    server.stop().await
}

async fn story(
    server: &mut Server,
    origin: &str,
    carol: &User,
    anna: &Page,
    bella: &Page,
) -> TestResult {
    // anna registers in the page, creates the group and adds bella and carol there
    anna.sign_in(origin, "anna", true).await?;
    anna.type_into("#create-name", "team\u{e007}").await?;
    anna.on_screen("team").await?;
    for name in ["bella", "carol"] {
        anna.type_into("#add-name", &format!("{name}\u{e007}"))
            .await?;
        anna.until(
            &format!("{name} listed"),
            "return document.getElementById('member-list').textContent.includes(arguments[0])",
            vec![json!(name)],
        )
        .await?;
    }
    bella.sign_in(origin, "bella", false).await?;
    let mut tail = carol.tail("team", 0)?;

    // bella opens on her oldest group: its newest page, then older history on request
    bella.shows("archive 60").await?;
    assert_eq!(bella.count("archive 10").await?, 0);
    bella
        .until(
            "older messages after scrolling to the top",
            "const s = document.getElementById('messages-scroll');
             if (s.scrollTop > 0) s.scrollTop = 0;
             return document.querySelector('#messages li') &&
               document.querySelector('#messages .body').textContent === 'archive 1'",
            vec![],
        )
        .await?;
    assert_eq!(bella.count("archive 11").await?, 1);
    // at phone width the group list is a drawer
    bella.click("#toggle-groups").await?;
    bella
        .click("#groups button[data-group]:not([aria-current])")
        .await?;
    bella.on_screen("team").await?;

    // a message typed in one browser reaches the other and the CLI; Shift+Enter breaks lines
    anna.say("hello from the browser").await?;
    bella.shows("hello from the browser").await?;
    tail.until("hello from the browser").await?;
    bella
        .type_into("#input", "two\u{e008}\u{e007}\u{e000}lines\u{e007}")
        .await?;
    anna.shows("two\nlines").await?;

    // private: bella's browser shows it marked, anna's never does; anna's own private
    // message to bella does not reach carol's tail
    let out = carol
        .run(&["send", "-g", "team", "--to", "bella", "for bella only"])
        .await?;
    assert!(out.status.success(), "{}", common::stderr(&out));
    let shown = bella.shows("for bella only").await?;
    assert!(
        shown.contains("private") && shown.contains("only you and carol can see this"),
        "{shown}"
    );
    anna.send_to("bella").await?;
    anna.say("psst, bella").await?;
    bella.shows("psst, bella").await?;
    anna.send_to("").await?;

    // the server's question is bella's alone; she answers it with Reply (reply_to)
    bella
        .say("If dave does 2 hours of work, I will do 1 hour of work")
        .await?;
    let question = bella
        .until(
            "a question",
            "const q = document.querySelector('#messages .kind-clarification_request');
             return q ? q.querySelector('.meta').textContent : null",
            vec![],
        )
        .await?;
    assert!(
        question
            .as_str()
            .unwrap_or_default()
            .contains("only you can see this"),
        "{question}"
    );
    bella
        .click("#messages .kind-clarification_request button[data-action='reply']")
        .await?;
    bella
        .until(
            "the reply bar",
            "return !document.getElementById('replying').hidden",
            vec![],
        )
        .await?;
    bella.say("never mind").await?;
    bella
        .until(
            "the answer shown with the question it answers",
            "const m = [...document.querySelectorAll('#messages .msg')]
               .find(e => e.querySelector('.body').textContent === 'never mind');
             return m && m.querySelector('.answers') !== null",
            vec![],
        )
        .await?;
    carol
        .ok(&["send", "-g", "team", "public after the private ones"])
        .await?;
    anna.shows("public after the private ones").await?;
    assert_eq!(anna.count("for bella only").await?, 0);
    let questions = anna
        .js(
            "return document.querySelectorAll('#messages .kind-clarification_request').length",
            vec![],
        )
        .await?;
    assert_eq!(questions, json!(0), "bella's question reached anna");
    let seen = tail.until("public after the private ones").await?;
    // carol sees her own private message, never anna's to bella
    assert!(
        seen.iter().all(|m| m["content"] != "psst, bella"),
        "{seen:?}"
    );

    // a commitment typed in a browser: both side panels show it and the new liability
    bella.say("I will do 3 hours of cleaning").await?;
    for page in [anna, bella] {
        page.pane_shows("bella: 3 hours of cleaning, unconditionally")
            .await?;
        page.pane_shows("3 hours of cleaning — why?").await?;
    }
    // anna's offer that follows from it: her liability says why, down to bella's amount
    anna.say("If bella does 3 hours of cleaning, I will do 2 hours of cooking")
        .await?;
    for page in [anna, bella] {
        page.pane_shows("2 hours of cooking — why?").await?;
    }
    anna.click("#liabilities summary").await?; // anna's, the first
    anna.pane_shows("because bella is bound to ≥ 3 hours of cleaning (now 3 hours)")
        .await?;
    anna.screenshot("web-desktop.png").await?;
    bella.screenshot("web-phone.png").await?;
    // at phone width the side panel is a drawer
    bella.click("#toggle-pane").await?;
    bella.click("#commitments button[data-revoke]").await?;
    anna.until(
        "both liabilities gone",
        "const text = document.getElementById('liabilities').textContent;
         return !text.includes('cleaning') && !text.includes('cooking')",
        vec![],
    )
    .await?;
    bella.click("#toggle-pane").await?;

    // restart: both pages reconnect and show what was sent meanwhile, once
    server.stop().await?;
    for page in [anna, bella] {
        page.until(
            "the connection shown as lost",
            "return document.getElementById('conn').textContent.startsWith('reconnecting')",
            vec![],
        )
        .await?;
    }
    anna.say("typed while offline").await?;
    server.restart().await?;
    carol
        .ok(&["send", "-g", "team", "sent during the restart"])
        .await?;
    for page in [anna, bella] {
        page.connected().await?;
        for content in ["typed while offline", "sent during the restart"] {
            page.shows(content).await?;
        }
    }
    // markup is text: it arrives after everything above, so nothing is still on its way
    let markup = "<script>window.pwned = 1</script><b>not bold</b>";
    carol.ok(&["send", "-g", "team", markup]).await?;
    for page in [anna, bella] {
        page.shows(markup).await?;
        for content in [
            "typed while offline",
            "sent during the restart",
            "hello from the browser",
        ] {
            assert_eq!(page.count(content).await?, 1, "{}: {content}", page.name);
        }
        let pending = page
            .js(
                "return document.querySelectorAll('#pending li').length",
                vec![],
            )
            .await?;
        assert_eq!(
            pending,
            json!(0),
            "{}: a message still shows as sending",
            page.name
        );
        let injected = page
            .js(
                "return window.pwned !== undefined || document.querySelector('#messages b, #messages script') !== null",
                vec![],
            )
            .await?;
        assert_eq!(injected, json!(false), "{}", page.name);
    }
    tail.until(markup).await?;

    // a send the server refuses shows as failed, with retry (same client_id) and discard
    anna.send_to("nobody").await?;
    anna.say("to nobody").await?;
    let failed = "return [...document.querySelectorAll('#pending .failed .status')]
                    .some(e => e.textContent.includes('not a member'))";
    anna.until("the send shown as failed", failed, vec![])
        .await?;
    anna.click("#pending button[data-action='retry']").await?;
    anna.until(
        "the retry refused too",
        "return document.querySelector('#pending .status').textContent.startsWith('failed after 2 tries')",
        vec![],
    )
    .await?;
    anna.click("#pending button[data-action='discard']").await?;
    anna.until(
        "nothing pending",
        "return document.querySelectorAll('#pending li').length === 0",
        vec![],
    )
    .await?;
    assert_eq!(anna.count("to nobody").await?, 0);

    // nothing came from anywhere but the server itself
    let foreign = anna
        .js(
            "return performance.getEntriesByType('resource').map(e => e.name)
               .filter(n => !n.startsWith(location.origin + '/'))",
            vec![],
        )
        .await?;
    assert_eq!(foreign, json!([]));

    // bella leaves team (the page asks first) and is left with archive
    bella
        .click("#leave-box button[data-action='leave-ask']")
        .await?;
    bella
        .click("#leave-box button[data-action='leave-confirm']")
        .await?;
    bella.on_screen("archive").await?;
    bella
        .until(
            "one group left",
            "return document.querySelectorAll('#groups li').length === 1",
            vec![],
        )
        .await?;

    // logout: back to the form, and a reload stays logged out (the cookie is gone)
    anna.click("#logout").await?;
    anna.login_form().await?;
    anna.client.refresh().await?;
    anna.login_form().await?;
    Ok(())
}
