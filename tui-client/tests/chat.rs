//! The chat's logic wired to the real server, without a terminal: the same `update`,
//! effects executor and connection manager the terminal chat runs, driven by key events.

mod common;

use common::{STEP, Server, TestResult, account, group_with};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use quid_client::api::ApiClient;
use quid_client::tui::app::{App, Buffer};
use quid_client::tui::effects::Executor;
use quid_client::tui::event::Event;
use quid_client::tui::update;
use quid_client::ws::{self, ConnState};
use quid_shared::{Id, PostMessage};
use tokio::sync::mpsc::UnboundedReceiver;

async fn post(api: &ApiClient, group: Id, text: &str) -> TestResult {
    post_to(api, group, text, None).await
}

/// Posts `text` to the group, private to `to` when given.
async fn post_to(api: &ApiClient, group: Id, text: &str, to: Option<&str>) -> TestResult {
    api.post_message(&PostMessage {
        group_id: group,
        content: text.into(),
        client_id: None,
        reply_to: None,
        to: to.map(str::to_owned),
    })
    .await?;
    Ok(())
}

/// A chat as the terminal runs it, minus the terminal.
struct Chat {
    app: App,
    executor: Executor,
    rx: UnboundedReceiver<Event>,
}

impl Chat {
    async fn open(server: &str, api: ApiClient) -> Result<Self, Box<dyn std::error::Error>> {
        Chat::open_with(server, api, |_| {}).await
    }

    /// Opens the chat with `restore` applied to it first, as `quid` applies what it
    /// kept from the last run.
    async fn open_with(
        server: &str,
        api: ApiClient,
        restore: impl FnOnce(&mut App),
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let me = api.me().await?;
        let groups = api.groups().await?;
        let (events, rx) = tokio::sync::mpsc::unbounded_channel::<Event>();
        let token = api.token().ok_or("no token")?.to_owned();
        let executor = Executor {
            api,
            config_dir: std::env::temp_dir(),
            ws: ws::spawn(server, &token, events.clone()),
            events,
        };
        let mut app = App::new(me.as_ref(), groups, (100, 30));
        restore(&mut app);
        executor.run(update::start(&mut app));
        Ok(Chat { app, executor, rx })
    }

    /// Applies events until `done` holds, failing after [`STEP`].
    async fn until(&mut self, what: &str, done: impl Fn(&App) -> bool) -> TestResult {
        let deadline = tokio::time::Instant::now() + STEP;
        while !done(&self.app) {
            let event = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .map_err(|_| format!("timed out waiting for {what}"))?
                .ok_or("event channel closed")?;
            self.executor.run(update::update(&mut self.app, event));
        }
        Ok(())
    }

    fn type_line(&mut self, text: &str) {
        let keys = text.chars().map(KeyCode::Char).chain([KeyCode::Enter]);
        for code in keys {
            self.press(KeyEvent::from(code));
        }
    }

    fn press(&mut self, key: KeyEvent) {
        let effects = update::update(&mut self.app, Event::Key(key));
        self.executor.run(effects);
    }

    fn contents(&self) -> Vec<String> {
        self.app.groups[0]
            .messages
            .iter()
            .map(|m| m.content.clone())
            .collect()
    }
}

fn has(app: &App, text: &str) -> bool {
    app.groups
        .first()
        .is_some_and(|g| g.messages.iter().any(|m| m.content == text))
}

/// The chat shows others' messages, sends what is typed, and after a server restart
/// carries on with nothing missing and nothing twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_continues_across_a_server_restart() -> TestResult {
    let mut server = Server::start().await?;
    let (alice, _) = account(&server.url(), "alice").await?;
    let (bob, _) = account(&server.url(), "bob").await?;
    let team = group_with(&alice, "team", "bob").await?;
    post(&alice, team, "one").await?;

    let mut chat = Chat::open(&server.url(), bob).await?;
    chat.until("the backlog", |app| has(app, "one")).await?;
    chat.type_line("hi alice");
    chat.until("our own message", |app| {
        has(app, "hi alice") && app.outbox.is_empty()
    })
    .await?;

    server.stop().await?;
    chat.until("the chat to notice", |app| {
        matches!(app.conn, ConnState::Reconnecting { .. })
    })
    .await?;
    server.restart().await?;
    post(&alice, team, "two").await?;
    chat.until("the message sent during the outage", |app| has(app, "two"))
        .await?;
    chat.until("the connection", |app| app.conn == ConnState::Connected)
        .await?;
    post(&alice, team, "three").await?;
    chat.until("a live message after the restart", |app| has(app, "three"))
        .await?;

    assert_eq!(chat.contents(), vec!["one", "hi alice", "two", "three"]);
    let seqs: Vec<i64> = chat.app.groups[0].messages.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, vec![1, 2, 3, 4]);
    Ok(())
}

/// Removed from the group on screen: the chat drops it at once (no waiting for the next
/// group-list refresh), says why, and the line being typed for it is not sent to the group
/// now on screen until Enter is pressed again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removal_from_the_group_on_screen() -> TestResult {
    let server = Server::start().await?;
    let (alice, _) = account(&server.url(), "alice").await?;
    let (bob, _) = account(&server.url(), "bob").await?;
    let mut groups = Vec::new();
    for name in ["garden", "team"] {
        groups.push(group_with(&alice, name, "bob").await?);
    }
    let bob_id = bob.me().await?.id;
    post(&alice, groups[0], "welcome to the garden").await?;

    let mut chat = Chat::open(&server.url(), bob).await?;
    chat.until("the backlog", |app| has(app, "welcome to the garden"))
        .await?;
    assert_eq!(chat.app.active_group().map(|g| g.group.id), Some(groups[0]));
    for c in "the roses need water".chars() {
        update::update(&mut chat.app, Event::Key(KeyEvent::from(KeyCode::Char(c))));
    }

    alice.remove_member(groups[0], bob_id).await?;
    chat.until("the group to go", |app| app.groups.len() == 1)
        .await?;
    let notice = chat.app.notice.as_ref().map(|n| n.text.as_str());
    assert_eq!(
        notice,
        Some("you are no longer a member of #garden (now showing #team)")
    );

    let held = update::update(&mut chat.app, Event::Key(KeyEvent::from(KeyCode::Enter)));
    assert!(held.is_empty(), "sent to #team unseen: {held:?}");
    chat.type_line("");
    chat.until("the line, sent to #team on purpose", |app| {
        has(app, "the roses need water") && app.outbox.is_empty()
    })
    .await?;
    assert_eq!(chat.app.groups[0].group.id, groups[1]);
    Ok(())
}

/// `/query alice` opens a buffer of its own, numbered after the group: alice's private
/// message counts there as an unread mention and not in the group; what bob writes
/// there reaches alice alone. Kept for the next run, the buffer is there again and
/// counts what alice wrote while bob was away.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_conversation_is_a_buffer_of_its_own() -> TestResult {
    let server = Server::start().await?;
    let (alice, alice_id) = account(&server.url(), "alice").await?;
    let (bob, _) = account(&server.url(), "bob").await?;
    let team = group_with(&alice, "team", "bob").await?;
    post(&alice, team, "welcome").await?;
    let with_alice = Buffer {
        group: 0,
        with: Some(alice_id),
    };
    let alt = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT);

    let mut chat = Chat::open(&server.url(), bob.clone()).await?;
    chat.until("the backlog", |app| has(app, "welcome")).await?;
    chat.type_line("/query alice");
    assert_eq!(
        chat.app.buffers(),
        [
            Buffer {
                group: 0,
                with: None
            },
            with_alice
        ]
    );
    chat.press(alt('1'));
    post_to(&alice, team, "psst", Some("bob")).await?;
    post(&alice, team, "public").await?;
    chat.until("both messages", |app| {
        has(app, "psst") && has(app, "public")
    })
    .await?;
    assert_eq!(chat.app.activity(with_alice), (1, true));
    assert_eq!(chat.app.groups[0].unread, 0, "the group is on screen");
    assert_eq!(chat.app.title(), "quid — 1 unread");

    chat.press(alt('2'));
    assert_eq!(chat.app.active_buffer(), Some(with_alice));
    assert_eq!(chat.app.activity(with_alice), (0, false));
    chat.type_line("just us");
    chat.until("bob's private answer", |app| {
        has(app, "just us") && app.outbox.is_empty()
    })
    .await?;
    let sent = chat.app.groups[0]
        .messages
        .iter()
        .find(|m| m.content == "just us");
    assert!(sent.is_some_and(|m| m.private && m.target == Some(alice_id)));

    let kept = chat.app.kept_privates();
    drop(chat);
    post_to(&alice, team, "still there?", Some("bob")).await?;
    let mut chat = Chat::open_with(&server.url(), bob, |app| app.restore_privates(&kept)).await?;
    chat.until("the replay", |app| has(app, "still there?"))
        .await?;
    assert_eq!(chat.app.buffers()[1], with_alice);
    assert_eq!(chat.app.activity(with_alice), (1, true));
    chat.type_line("/close alice");
    assert_eq!(chat.app.buffers().len(), 1);
    Ok(())
}
