//! Test data for the chat's unit and snapshot tests: users, groups and messages with fixed
//! ids and times, so screens render the same everywhere.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use quid_shared::{Group, Id, Message, MessageKind, UserRef};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use time::OffsetDateTime;
use time::macros::datetime;

use super::app::App;
use super::effects::Effect;
use super::event::Event;
use super::ui::draw;
use super::update::update;
use crate::ws::WsEvent;

pub fn user(n: u8, name: &str) -> UserRef {
    UserRef {
        id: Id::from_bytes([n; 16]),
        username: name.to_owned(),
    }
}

pub fn alice() -> UserRef {
    user(1, "alice")
}

pub fn bob() -> UserRef {
    user(2, "bob")
}

pub fn carol() -> UserRef {
    user(3, "carol")
}

pub fn group(n: u8, name: &str, head: i64) -> Group {
    Group {
        id: Id::from_bytes([0x10 + n; 16]),
        name: name.to_owned(),
        description: None,
        created_by: alice().id,
        created_at: datetime!(2026-11-27 09:00 UTC),
        head,
        members: vec![alice(), bob(), carol()],
        topic: None,
        // as from a server that keeps no read positions: the chat's own count
        read: 0,
        unread: 0,
        admins: vec![alice().id],
    }
}

pub const T0: OffsetDateTime = datetime!(2026-11-27 17:00 UTC);

pub fn message(
    group: &Group,
    seq: i64,
    kind: MessageKind,
    author: Option<UserRef>,
    content: &str,
) -> Message {
    Message {
        id: seq,
        group: group.id,
        seq,
        kind,
        author,
        content: content.to_owned(),
        private: false,
        target: None,
        reply_to: None,
        client_id: None,
        created_at: T0 + time::Duration::minutes(seq),
        meta: serde_json::Value::Null,
    }
}

pub fn text(group: &Group, seq: i64, author: UserRef, content: &str) -> Message {
    message(group, seq, MessageKind::User, Some(author), content)
}

pub fn private(
    group: &Group,
    seq: i64,
    author: UserRef,
    target: &UserRef,
    content: &str,
) -> Message {
    let mut m = text(group, seq, author, content);
    m.private = true;
    m.target = Some(target.id);
    m
}

/// A change (edit, delete, reaction) by `who` of message `of` in "team".
pub fn change(of: i64, seq: i64, kind: MessageKind, who: UserRef, content: &str) -> Message {
    let mut m = message(&group(1, "team", 0), seq, kind, Some(who), content);
    m.meta = serde_json::json!({ "of": of, "on": true });
    m
}

pub fn clarification(group: &Group, seq: i64, target: &UserRef, content: &str) -> Message {
    let mut m = message(group, seq, MessageKind::ClarificationRequest, None, content);
    m.private = true;
    m.target = Some(target.id);
    m
}

/// Alice's chat with groups "ops" (empty) and "team" (head 0), 100×30.
pub fn app() -> App {
    App::new(
        alice(),
        // the server's order (the order alice joined them)
        vec![group(2, "ops", 0), group(1, "team", 0)],
        (100, 30),
    )
}

pub fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, modifiers))
}

pub fn press(code: KeyCode) -> Event {
    key(code, KeyModifiers::NONE)
}

/// Types `text` key by key, one code point at a time, as a terminal delivers it.
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, press(KeyCode::Char(c)));
    }
}

pub fn net(event: WsEvent) -> Event {
    Event::Net(event)
}

/// A message from the server, live or replayed.
pub fn arrives(message: Message) -> Event {
    net(WsEvent::Message(message))
}

pub fn deliver(app: &mut App, message: Message) -> Vec<Effect> {
    update(app, arrives(message))
}

/// The whole screen drawn into a test backend of the app's size.
pub fn render(app: &App) -> Terminal<TestBackend> {
    let (w, h) = app.size;
    let mut terminal = match Terminal::new(TestBackend::new(w, h)) {
        Ok(t) => t,
        Err(e) => panic!("test backend: {e}"),
    };
    if let Err(e) = terminal.draw(|frame| draw(frame, app)) {
        panic!("draw: {e}");
    }
    terminal
}
