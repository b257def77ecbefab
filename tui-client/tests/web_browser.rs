//! The browser client in a real browser: Debian's chromium, headless, driven through
//! chromedriver. Two members in two browsers (one at phone width) and a third on the
//! `quid` CLI share a group. It lives here, beside the CLI's tests, because it runs the
//! real `quid` binary and restarts the server on the same address.
//!
//! Without chromium or chromedriver it skips with one line — never when `CI` is set
//! (`.ci/run` installs them). `QUID_WEB_SCREENSHOTS=1` saves the screenshots shown in the
//! README to `docs/`.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use common::{STEP, Server, TestResult, User};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use quid_shared::{CreateGroup, PostMessage};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How often a condition on the page is checked while waiting for it.
const POLL: Duration = Duration::from_millis(50);

/// chromium and chromedriver, if installed.
fn browser() -> Option<(PathBuf, PathBuf)> {
    let find = |names: &[&str]| {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
            .find(|p| p.is_file())
    };
    Some((
        find(&["chromium", "chromium-browser"])?,
        find(&["chromedriver"])?,
    ))
}

/// A chromedriver process on a free port, ended when dropped.
struct Driver {
    _child: Child,
    url: String,
}

impl Driver {
    /// Starts chromedriver and waits for it to say it listens.
    async fn start(path: &Path) -> Result<Driver, Box<dyn std::error::Error>> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let mut child = Command::new(path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        let stdout = child.stdout.take().ok_or("chromedriver has no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        tokio::time::timeout(STEP, async {
            while let Some(line) = lines.next_line().await? {
                if line.contains("started successfully") {
                    return Ok(());
                }
            }
            Err(std::io::Error::other(
                "chromedriver ended before it listened",
            ))
        })
        .await??;
        // keep draining its output so it never blocks on a full pipe
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Driver {
            _child: child,
            url: format!("http://127.0.0.1:{port}"),
        })
    }

    /// A new headless browser with a fresh profile; `phone` emulates a 390 px wide screen.
    async fn session(
        &self,
        chromium: &Path,
        profile: &Path,
        phone: bool,
    ) -> Result<Client, Box<dyn std::error::Error>> {
        let mut options = json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,800", format!("--user-data-dir={}", profile.display()),
            ],
        });
        if phone {
            options["mobileEmulation"] =
                json!({"deviceMetrics": {"width": 390, "height": 780, "pixelRatio": 2}});
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert("goog:chromeOptions".into(), options);
        Ok(ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await?)
    }
}

/// One member's browser tab on the page.
struct Page {
    client: Client,
    name: &'static str,
}

impl Page {
    /// Runs `script` (a function body) with `args`; its result.
    async fn js(
        &self,
        script: &str,
        args: Vec<Value>,
    ) -> Result<Value, Box<dyn std::error::Error>> {
        Ok(self.client.execute(script, args).await?)
    }

    /// Waits until `script` returns something truthy, and returns it; fails after [`STEP`]
    /// with what was last seen.
    async fn until(
        &self,
        what: &str,
        script: &str,
        args: Vec<Value>,
    ) -> Result<Value, Box<dyn std::error::Error>> {
        let deadline = tokio::time::Instant::now() + STEP;
        loop {
            let value = self.js(script, args.clone()).await?;
            let truthy = !matches!(&value, Value::Null | Value::Bool(false))
                && value != json!(0)
                && value != json!("");
            if truthy {
                return Ok(value);
            }
            if tokio::time::Instant::now() > deadline {
                let status = self.status().await.unwrap_or_default();
                return Err(
                    format!("{}: timed out waiting for {what} ({status})", self.name).into(),
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The connection state and notice the page shows, for failure messages.
    async fn status(&self) -> Result<String, Box<dyn std::error::Error>> {
        let value = self
            .js(
                "return document.getElementById('conn').textContent + ' / ' + \
                 document.getElementById('notice').textContent",
                vec![],
            )
            .await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    async fn type_into(&self, css: &str, text: &str) -> TestResult {
        self.client
            .find(Locator::Css(css))
            .await?
            .send_keys(text)
            .await
            .map_err(|e| format!("{}: typing into {css}: {e}", self.name))?;
        Ok(())
    }

    /// Clicks the element once the page shows it (a click often makes the next one
    /// appear: the page draws on the next frame).
    async fn click(&self, css: &str) -> TestResult {
        self.until(
            &format!("{css} shown"),
            "const e = document.querySelector(arguments[0]);
             return e !== null && e.getClientRects().length > 0 && !e.disabled",
            vec![json!(css)],
        )
        .await?;
        self.client
            .find(Locator::Css(css))
            .await?
            .click()
            .await
            .map_err(|e| format!("{}: clicking {css}: {e}", self.name))?;
        Ok(())
    }

    /// Types a message and presses Enter.
    async fn say(&self, text: &str) -> TestResult {
        self.type_into("#input", &format!("{text}\u{e007}")).await
    }

    /// Waits until the connection shows as connected.
    async fn connected(&self) -> TestResult {
        self.until(
            "connected",
            "return document.getElementById('conn').textContent === 'connected'",
            vec![],
        )
        .await?;
        Ok(())
    }

    /// Waits until a message whose text is exactly `content` is shown; its classes.
    async fn shows(&self, content: &str) -> Result<String, Box<dyn std::error::Error>> {
        let classes = self
            .until(
                &format!("the message {content:?}"),
                "const m = [...document.querySelectorAll('#messages .msg')]
                   .find(e => e.querySelector('.body').textContent === arguments[0]);
                 return m ? m.className + ' | ' + m.querySelector('.meta').textContent : null",
                vec![json!(content)],
            )
            .await?;
        Ok(classes.as_str().unwrap_or_default().to_owned())
    }

    /// How many shown messages have exactly this text.
    async fn count(&self, content: &str) -> Result<u64, Box<dyn std::error::Error>> {
        let n = self
            .js(
                "return [...document.querySelectorAll('#messages .body')]
                   .filter(e => e.textContent === arguments[0]).length",
                vec![json!(content)],
            )
            .await?;
        Ok(n.as_u64().unwrap_or_default())
    }

    /// Waits until the side panel's text contains `text`.
    async fn pane_shows(&self, text: &str) -> TestResult {
        self.until(
            &format!("{text:?} in the side panel"),
            "return document.getElementById('pane').textContent.includes(arguments[0])",
            vec![json!(text)],
        )
        .await?;
        Ok(())
    }

    /// Registers or logs in through the form.
    async fn sign_in(&self, origin: &str, username: &str, register: bool) -> TestResult {
        self.client.goto(&format!("{origin}/")).await?;
        self.until(
            "the login form",
            "return !document.getElementById('auth').hidden",
            vec![],
        )
        .await?;
        if register {
            self.click("#auth-switch").await?;
        }
        self.type_into("#auth-username", username).await?;
        self.type_into("#auth-password", "correct horse battery")
            .await?;
        self.click("#auth-submit").await?;
        self.connected().await
    }

    async fn screenshot(&self, name: &str) -> TestResult {
        if std::env::var_os("QUID_WEB_SCREENSHOTS").is_none() {
            return Ok(());
        }
        let png = self.client.screenshot().await?;
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
        std::fs::write(docs.join(name), png)?;
        Ok(())
    }
}

/// The whole story in two browsers and the CLI: register and log in, create a group and
/// add members from the page; older history on request; a question only its target sees,
/// answered with Reply; a message typed in one browser reaches the other and
/// `quid tail`; a private message reaches only its target's browser; a commitment typed
/// in a browser shows up with its liability (and why) in both side panels, and its
/// creator revokes it there; after a server restart both pages reconnect and show what
/// was sent meanwhile exactly once, including a message typed while offline; markup in a
/// message is shown as text; a refused send fails with retry and discard; nothing is
/// loaded from elsewhere; leaving a group; logout ends the session in the page.
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
    anna.until(
        "the new group on screen",
        "return document.getElementById('conv-name').textContent === 'team'",
        vec![],
    )
    .await?;
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
    bella
        .until(
            "team on screen",
            "return document.getElementById('conv-name').textContent === 'team'",
            vec![],
        )
        .await?;

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
    anna.js(
        "const s = document.getElementById('send-to'); s.value = 'bella';
         s.dispatchEvent(new Event('change'))",
        vec![],
    )
    .await?;
    anna.say("psst, bella").await?;
    bella.shows("psst, bella").await?;

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
    anna.click("#liabilities summary").await?;
    anna.pane_shows("#1 bella: 3 hours of cleaning, unconditionally")
        .await?;
    anna.screenshot("web-desktop.png").await?;
    bella.screenshot("web-phone.png").await?;
    // at phone width the side panel is a drawer
    bella.click("#toggle-pane").await?;
    bella.click("#commitments button[data-revoke]").await?;
    anna.until(
        "the liability gone",
        "return !document.getElementById('liabilities').textContent.includes('cleaning')",
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
    anna.js(
        "const s = document.getElementById('send-to'); s.value = '';
         s.dispatchEvent(new Event('change'))",
        vec![],
    )
    .await?;
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
    anna.js(
        "const s = document.getElementById('send-to'); s.add(new Option('nobody', 'nobody'));
         s.value = 'nobody'; s.dispatchEvent(new Event('change'))",
        vec![],
    )
    .await?;
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
    bella
        .until(
            "archive on screen after leaving",
            "return document.getElementById('conv-name').textContent === 'archive'
               && document.querySelectorAll('#groups li').length === 1",
            vec![],
        )
        .await?;

    // logout: back to the form, and a reload stays logged out (the cookie is gone)
    anna.click("#logout").await?;
    anna.until(
        "the login form",
        "return !document.getElementById('auth').hidden",
        vec![],
    )
    .await?;
    anna.client.refresh().await?;
    anna.until(
        "the login form after a reload",
        "return !document.getElementById('auth').hidden && document.getElementById('chat').hidden",
        vec![],
    )
    .await?;
    Ok(())
}
