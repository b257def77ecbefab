//! `update` for the chat features people expect: edits and their changes, the bell and
//! the title, search and jump, refused input, reconnecting now (people and positions:
//! `people`).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use quid_shared::MessageKind;

use super::on_team;
use crate::config::NotifyLevel;
use crate::tui::effects::{ApiRequest, Effect};
use crate::tui::event::{ApiOutcome, Event};
use crate::tui::fixtures::*;
use crate::tui::update::update;
use crate::ws::{ConnState, WsCommand, WsEvent};

/// Up on an empty input puts my last message there to edit; Enter saves it through the
/// API, Esc gives up; with no message of mine, Up recalls sent lines as before.
#[test]
fn up_edits_my_last_message() {
    let mut app = on_team();
    let team = group(1, "team", 0);
    deliver(&mut app, text(&team, 1, alice(), "lunch at noon"));
    deliver(&mut app, text(&team, 2, bob(), "ok"));
    update(&mut app, press(KeyCode::Up));
    assert_eq!(app.input_text(), "lunch at noon");
    assert_eq!(app.editing, Some((team.id, 1)));
    update(&mut app, press(KeyCode::Esc));
    assert!(app.input.is_empty() && app.editing.is_none());
    update(&mut app, press(KeyCode::Up));
    update(&mut app, press(KeyCode::Backspace));
    for c in "n".chars() {
        update(&mut app, press(KeyCode::Char(c)));
    }
    let effects = update(&mut app, press(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::Api(ApiRequest::Edit {
            group: team.id,
            seq: 1,
            content: "lunch at noon".into()
        })]
    );
    assert!(app.editing.is_none());
    // in a group without a message of mine, Up recalls what I sent
    let mut app = crate::tui::fixtures::app();
    app.history.entries.push("earlier line".into());
    update(&mut app, press(KeyCode::Up));
    assert_eq!(app.input_text(), "earlier line");
    assert!(app.editing.is_none());
}

/// Edit, reaction and delete messages change the message they name, are not lines of
/// their own, and count as nothing unread.
#[test]
fn changes_apply_to_their_message() {
    let mut app = app();
    let team = group(1, "team", 0);
    deliver(&mut app, text(&team, 1, bob(), "lunch at noon"));
    let before = app.groups[1].unread;
    deliver(
        &mut app,
        change(1, 2, MessageKind::Edit, bob(), "lunch at one"),
    );
    deliver(&mut app, change(1, 3, MessageKind::Reaction, carol(), "👍"));
    let view = &app.groups[1];
    assert_eq!(view.messages.len(), 1);
    assert_eq!(view.messages[0].content, "lunch at one");
    assert!(view.messages[0].is_edited());
    assert_eq!(
        view.messages[0].reactions(),
        vec![("👍".to_owned(), vec!["carol".to_owned()])]
    );
    assert_eq!(view.unread, before, "changes are not unread");
    deliver(
        &mut app,
        change(1, 4, MessageKind::Delete, bob(), "message deleted"),
    );
    assert!(app.groups[1].messages[0].is_deleted());
    assert_eq!(app.groups[1].group.head, 4);
}

/// A mention in another group rings the bell and counts in the title; plain chatter
/// does not; `/notify all` makes it ring and keeps the setting; `none` silences.
#[test]
fn the_bell_rings_for_what_concerns_me() {
    let mut app = app();
    let team = group(1, "team", 0);
    deliver(&mut app, text(&team, 1, bob(), "chatter"));
    assert!(!app.ring);
    assert_eq!(app.title(), "quid");
    deliver(&mut app, text(&team, 2, bob(), "alice: can you look?"));
    assert!(std::mem::take(&mut app.ring));
    deliver(&mut app, private(&team, 3, carol(), &alice(), "psst"));
    assert!(std::mem::take(&mut app.ring));
    assert_eq!(app.title(), "quid — 2 unread");
    // ops on screen: /notify all there
    for c in "/notify all".chars() {
        update(&mut app, press(KeyCode::Char(c)));
    }
    let ops = group(2, "ops", 0);
    let effects = update(&mut app, press(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::Api(ApiRequest::SaveNotify {
            key: ops.id.to_string(),
            level: NotifyLevel::All
        })]
    );
    deliver(&mut app, text(&ops, 1, bob(), "chatter"));
    assert!(std::mem::take(&mut app.ring));
    app.notify.insert(team.id.to_string(), NotifyLevel::None);
    deliver(&mut app, text(&team, 4, bob(), "alice again"));
    assert!(!app.ring);
    // opening the group clears its count from the title
    update(
        &mut app,
        Event::Key(KeyEvent::new(KeyCode::Char('2'), KeyModifiers::ALT)),
    );
    assert_eq!(app.title(), "quid");
}

/// A message the server refuses comes back into the input with the error shown.
#[test]
fn refused_input_comes_back() {
    let mut app = on_team();
    for c in "to nobody".chars() {
        update(&mut app, press(KeyCode::Char(c)));
    }
    update(&mut app, press(KeyCode::Enter));
    assert!(app.input.is_empty());
    let client_id = app.outbox[0].client_id.clone();
    update(
        &mut app,
        net(WsEvent::Error {
            code: quid_shared::ErrorCode::BadRequest,
            message: "`to`: nobody is not a member of this group".into(),
            reference: Some(client_id),
        }),
    );
    assert_eq!(app.input_text(), "to nobody");
    assert!(app.outbox.is_empty());
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.is_error && n.text.contains("not sent"))
    );
}

/// `/search` asks the server; its results open the side pane; `/jump` scrolls so the
/// message shows at the top.
#[test]
fn search_and_jump() {
    let mut app = on_team();
    let team = group(1, "team", 0);
    for seq in 1..=60 {
        deliver(&mut app, text(&team, seq, bob(), &format!("line {seq}")));
    }
    for c in "/search line 3".chars() {
        update(&mut app, press(KeyCode::Char(c)));
    }
    let effects = update(&mut app, press(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::Api(ApiRequest::Search {
            group: team.id,
            query: "line 3".into()
        })]
    );
    let found = vec![text(&team, 3, bob(), "line 3")];
    update(
        &mut app,
        Event::Api(ApiOutcome::Found {
            group: team.id,
            query: "line 3".into(),
            result: Ok(found),
        }),
    );
    assert!(app.side_pane);
    assert_eq!(app.search.as_ref().map(|s| s.messages.len()), Some(1));
    for c in "/jump 3".chars() {
        update(&mut app, press(KeyCode::Char(c)));
    }
    update(&mut app, press(KeyCode::Enter));
    assert!(app.groups[1].scroll > 0, "scrolled back to #3");
}

/// While waiting to reconnect, Ctrl+R (and /reconnect) connect now; connected, Ctrl+R
/// is redo.
#[test]
fn reconnect_now() {
    let mut app = on_team();
    let ctrl_r = Event::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    assert!(update(&mut app, ctrl_r.clone()).is_empty());
    update(
        &mut app,
        net(WsEvent::State(ConnState::Reconnecting {
            in_secs: 20,
            reason: "server unreachable".into(),
        })),
    );
    assert_eq!(
        update(&mut app, ctrl_r),
        vec![Effect::Ws(WsCommand::Reconnect)]
    );
}
