//! `update` for the conversation and the connection: pending clarifications, the
//! connection state, loading older messages, the outbox, scrollback that stays put.

use crossterm::event::{KeyCode, KeyModifiers};
use quid_shared::MessagePage;

use crate::tui::app::App;
use crate::tui::effects::{ApiRequest, Effect};
use crate::tui::event::{ApiOutcome, Event};
use crate::tui::fixtures::*;
use crate::tui::update::update;
use crate::ws::{ConnState, WsCommand, WsEvent};

/// A clarification for me is pending until my next message in that group.
#[test]
fn pending_clarification_until_answered() {
    let mut app = app();
    let ops = group(2, "ops", 0);
    update(
        &mut app,
        arrives(text(&ops, 1, alice(), "I'll do some work if bob helps")),
    );
    update(
        &mut app,
        arrives(clarification(&ops, 2, &alice(), "How many hours?")),
    );
    assert_eq!(app.groups[0].pending_clarification, Some(2));
    update(
        &mut app,
        arrives(clarification(&ops, 3, &bob(), "not mine")),
    );
    assert_eq!(app.groups[0].pending_clarification, Some(2));
    update(&mut app, arrives(text(&ops, 4, alice(), "3 hours")));
    assert_eq!(app.groups[0].pending_clarification, None);
}

/// The status follows the connection; a reconnect refreshes the group list.
#[test]
fn connection_state_is_shown_and_reconnect_refreshes() {
    let mut app = app();
    update(&mut app, Event::Net(WsEvent::State(ConnState::Connected)));
    let reconnecting = ConnState::Reconnecting {
        in_secs: 4,
        reason: "server unreachable".into(),
    };
    update(&mut app, Event::Net(WsEvent::State(reconnecting.clone())));
    assert_eq!(app.conn, reconnecting);
    let effects = update(&mut app, Event::Net(WsEvent::State(ConnState::Connected)));
    assert_eq!(effects, vec![Effect::Api(ApiRequest::Groups)]);
}

/// Scrolling to the top of what is loaded fetches older messages once.
#[test]
fn scrolling_to_the_top_loads_older_messages() {
    let mut app = App::new(alice(), vec![group(1, "team", 300)], (100, 30));
    let team = group(1, "team", 300);
    for seq in 201..=300 {
        update(&mut app, arrives(text(&team, seq, bob(), "x")));
    }
    let effects = update(&mut app, key(KeyCode::Home, KeyModifiers::CONTROL));
    assert_eq!(
        effects,
        vec![Effect::Api(ApiRequest::Older {
            group: team.id,
            before: 201
        })]
    );
    assert!(update(&mut app, press(KeyCode::PageUp)).is_empty());
    let page = MessagePage {
        messages: (101..=200)
            .map(|seq| text(&team, seq, bob(), "y"))
            .collect(),
        has_more: true,
    };
    update(
        &mut app,
        Event::Api(ApiOutcome::Older {
            group: team.id,
            result: Ok(page),
        }),
    );
    assert_eq!(app.groups[0].messages.len(), 200);
    assert_eq!(app.groups[0].messages[0].seq, 101);
}

/// A sent message waits in the outbox until acknowledged, or until the server refuses it.
#[test]
fn outbox_until_acked_or_refused() {
    let mut app = app();
    type_text(&mut app, "hello");
    let effects = update(&mut app, press(KeyCode::Enter));
    let Some(Effect::Ws(WsCommand::Send { client_id, .. })) = effects.first() else {
        panic!("expected a send, got {effects:?}");
    };
    assert_eq!(app.outbox.len(), 1);
    update(
        &mut app,
        Event::Net(WsEvent::Acked {
            client_id: client_id.clone(),
        }),
    );
    assert!(app.outbox.is_empty());
    type_text(&mut app, "too much");
    let effects = update(&mut app, press(KeyCode::Enter));
    let Some(Effect::Ws(WsCommand::Send { client_id, .. })) = effects.first() else {
        panic!("expected a send, got {effects:?}");
    };
    update(
        &mut app,
        Event::Net(WsEvent::Error {
            code: quid_shared::ErrorCode::RateLimited,
            message: "slow down".into(),
            reference: Some(client_id.clone()),
        }),
    );
    assert!(app.outbox.is_empty());
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.is_error && n.text.contains("slow down"))
    );
}

/// Scrolled back, the view stays put while new messages arrive below.
#[test]
fn scrolled_back_view_stays_put() {
    let mut app = app();
    let ops = group(2, "ops", 0);
    for seq in 1..=60 {
        update(&mut app, arrives(text(&ops, seq, bob(), "line")));
    }
    update(&mut app, press(KeyCode::PageUp));
    let scrolled = app.groups[0].scroll;
    assert!(scrolled > 0);
    update(&mut app, arrives(text(&ops, 61, bob(), "one more")));
    assert_eq!(app.groups[0].scroll, scrolled + 1);
}
