//! `update` for frames about people and positions: read positions kept by the server,
//! presence, status, typing, member changes, `added`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use quid_shared::{ClientFrame, MemberChange};

use super::on_team;
use crate::tui::app::App;
use crate::tui::effects::Effect;
use crate::tui::event::Event;
use crate::tui::fixtures::*;
use crate::tui::update::update;
use crate::ws::{ConnState, WsCommand, WsEvent};

/// The server's read position and unread count win: the count is exact beyond what is
/// loaded, replaying does not count twice, another device's `read` clears it, and the
/// chat tells the server how far it read (once per tick, when it moved).
#[test]
fn read_positions_come_from_and_go_to_the_server() {
    let mut team = group(1, "team", 250);
    team.read = 100;
    team.unread = 150;
    let mut app = App::new(alice(), vec![group(2, "ops", 0), team.clone()], (100, 30));
    assert_eq!(app.groups[1].unread, 150);
    assert_eq!(app.groups[1].marker, Some(100));
    deliver(&mut app, text(&team, 250, bob(), "replayed"));
    assert_eq!(app.groups[1].unread, 150, "counted by the server already");
    update(
        &mut app,
        net(WsEvent::Read {
            group: team.id,
            seq: 250,
        }),
    );
    assert_eq!(app.groups[1].unread, 0);
    // on screen, the position is told to the server once per move
    update(&mut app, net(WsEvent::State(ConnState::Connected)));
    update(
        &mut app,
        Event::Key(KeyEvent::new(KeyCode::Char('2'), KeyModifiers::ALT)),
    );
    deliver(&mut app, text(&team, 251, bob(), "new"));
    let effects = update(&mut app, Event::Tick);
    assert!(
        effects.contains(&Effect::Ws(WsCommand::Once(ClientFrame::Read {
            group: team.id,
            seq: 251
        })))
    );
    let again = update(&mut app, Event::Tick);
    assert!(
        !again
            .iter()
            .any(|e| matches!(e, Effect::Ws(WsCommand::Once(ClientFrame::Read { .. }))))
    );
}

/// Presence fills the header's dots, typing shows until a message or a few seconds,
/// member changes update the member list and leave a line, `added` brings a group in.
#[test]
fn people_frames_change_what_is_shown() {
    let mut app = on_team();
    let team = group(1, "team", 0);
    update(
        &mut app,
        net(WsEvent::Presence {
            group: team.id,
            online: vec![bob().id],
        }),
    );
    assert_eq!(app.groups[1].online, vec![bob().id]);
    update(
        &mut app,
        net(WsEvent::Status {
            group: team.id,
            user: carol().id,
            online: true,
        }),
    );
    update(
        &mut app,
        net(WsEvent::Status {
            group: team.id,
            user: bob().id,
            online: false,
        }),
    );
    assert_eq!(app.groups[1].online, vec![carol().id]);
    update(
        &mut app,
        net(WsEvent::Typing {
            group: team.id,
            user: bob(),
            private: false,
        }),
    );
    assert_eq!(app.groups[1].typing.len(), 1);
    deliver(&mut app, text(&team, 1, bob(), "done typing"));
    assert!(
        app.groups[1].typing.is_empty(),
        "a message ends the typing line"
    );
    update(
        &mut app,
        net(WsEvent::Typing {
            group: team.id,
            user: carol(),
            private: true,
        }),
    );
    for _ in 0..5 {
        update(&mut app, Event::Tick);
    }
    assert!(app.groups[1].typing.is_empty(), "it fades");
    update(
        &mut app,
        net(WsEvent::Member {
            group: team.id,
            change: MemberChange::Removed,
            user: carol(),
            by: Some(alice()),
        }),
    );
    assert!(
        !app.groups[1]
            .group
            .members
            .iter()
            .any(|m| m.username == "carol")
    );
    assert_eq!(
        app.groups[1].system_lines,
        vec![(1, "carol was removed by alice".to_owned())]
    );
    let garden = group(3, "garden", 4);
    let effects = update(
        &mut app,
        net(WsEvent::Added {
            group: Box::new(garden.clone()),
        }),
    );
    assert!(effects.contains(&Effect::Ws(WsCommand::Join {
        group: garden.id,
        since: Some(0)
    })));
    assert_eq!(app.groups.last().map(|g| g.group.id), Some(garden.id));
}

/// Typing a message tells the server at most every few seconds; a command does not.
#[test]
fn typing_is_told_throttled() {
    let mut app = on_team();
    let team = group(1, "team", 0);
    let told = |effects: &[Effect]| {
        effects.contains(&Effect::Ws(WsCommand::Once(ClientFrame::Typing {
            group: team.id,
            to: None,
        })))
    };
    assert!(told(&update(&mut app, press(KeyCode::Char('h')))));
    assert!(!told(&update(&mut app, press(KeyCode::Char('i')))));
    for _ in 0..3 {
        update(&mut app, Event::Tick);
    }
    assert!(told(&update(&mut app, press(KeyCode::Char('!')))));
    app.input = crate::tui::input::InputLine::default();
    app.typing_told = None;
    assert!(!told(&update(&mut app, press(KeyCode::Char('/')))));
}
