//! Driving the browser client in a real browser for the tests: chromium and chromedriver
//! found on `PATH`, one chromedriver process, headless sessions with fresh profiles, and a
//! [`Page`] per member with explicit waits (every wait has a deadline).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::common::{STEP, TestResult};

/// How often a condition on the page is checked while waiting for it.
const POLL: Duration = Duration::from_millis(50);

/// chromium and chromedriver, if installed.
pub fn browser() -> Option<(PathBuf, PathBuf)> {
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
pub struct Driver {
    _child: Child,
    url: String,
}

impl Driver {
    /// Starts chromedriver and waits for it to say it listens.
    pub async fn start(path: &Path) -> Result<Driver, Box<dyn std::error::Error>> {
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
    pub async fn session(
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
pub struct Page {
    pub client: Client,
    pub name: &'static str,
}

impl Page {
    /// Runs `script` (a function body) with `args`; its result.
    pub async fn js(
        &self,
        script: &str,
        args: Vec<Value>,
    ) -> Result<Value, Box<dyn std::error::Error>> {
        Ok(self.client.execute(script, args).await?)
    }

    /// Waits until `script` returns something truthy, and returns it; fails after [`STEP`]
    /// with what was last seen.
    pub async fn until(
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
    pub async fn status(&self) -> Result<String, Box<dyn std::error::Error>> {
        let value = self
            .js(
                "return document.getElementById('conn').textContent + ' / ' + \
                 document.getElementById('notice').textContent",
                vec![],
            )
            .await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    pub async fn type_into(&self, css: &str, text: &str) -> TestResult {
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
    pub async fn click(&self, css: &str) -> TestResult {
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
    pub async fn say(&self, text: &str) -> TestResult {
        self.type_into("#input", &format!("{text}\u{e007}")).await
    }

    /// Waits until the connection shows as connected.
    pub async fn connected(&self) -> TestResult {
        self.until(
            "connected",
            "return document.getElementById('conn').textContent === 'connected'",
            vec![],
        )
        .await?;
        Ok(())
    }

    /// Waits until a message whose text is exactly `content` is shown; its classes.
    pub async fn shows(&self, content: &str) -> Result<String, Box<dyn std::error::Error>> {
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
    pub async fn count(&self, content: &str) -> Result<u64, Box<dyn std::error::Error>> {
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
    pub async fn pane_shows(&self, text: &str) -> TestResult {
        self.until(
            &format!("{text:?} in the side panel"),
            "return document.getElementById('pane').textContent.includes(arguments[0])",
            vec![json!(text)],
        )
        .await?;
        Ok(())
    }

    /// Waits until `group` is the conversation on screen.
    pub async fn on_screen(&self, group: &str) -> TestResult {
        self.until(
            &format!("{group} on screen"),
            "return document.getElementById('conv-name').textContent === arguments[0]",
            vec![json!(group)],
        )
        .await?;
        Ok(())
    }

    /// Picks who sees what is sent next ("" = everyone), as the select beside the input
    /// does; a name the select does not offer is added to it first.
    pub async fn send_to(&self, username: &str) -> TestResult {
        self.js(
            "const s = document.getElementById('send-to');
             if (![...s.options].some(o => o.value === arguments[0])) {
               s.add(new Option(arguments[0], arguments[0]));
             }
             s.value = arguments[0];
             s.dispatchEvent(new Event('change'))",
            vec![json!(username)],
        )
        .await?;
        Ok(())
    }

    /// Waits until the login form is shown and the chat is not.
    pub async fn login_form(&self) -> TestResult {
        self.until(
            "the login form",
            "return !document.getElementById('auth').hidden
               && document.getElementById('chat').hidden",
            vec![],
        )
        .await?;
        Ok(())
    }

    /// Registers or logs in through the form.
    pub async fn sign_in(&self, origin: &str, username: &str, register: bool) -> TestResult {
        self.client.goto(&format!("{origin}/")).await?;
        self.login_form().await?;
        if register {
            self.click("#auth-switch").await?;
        }
        self.type_into("#auth-username", username).await?;
        self.type_into("#auth-password", "correct horse battery")
            .await?;
        self.click("#auth-submit").await?;
        self.connected().await
    }

    pub async fn screenshot(&self, name: &str) -> TestResult {
        if std::env::var_os("QUID_WEB_SCREENSHOTS").is_none() {
            return Ok(());
        }
        // a passing notice would cover part of the picture
        self.until(
            "the notice gone",
            "return document.getElementById('notice').hidden",
            vec![],
        )
        .await?;
        let png = self.client.screenshot().await?;
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
        std::fs::write(docs.join(name), png)?;
        Ok(())
    }
}
