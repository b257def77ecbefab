//! Whole screens at 80×24 for the chat features people expect: an edited message, a
//! deleted one, reaction counts with a flag and a ZWJ emoji, the topic, who is
//! connected, a member change line and who is typing; and search results in the pane.

use quid_shared::{MemberChange, MessageKind};

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::super::app::{App, Buffer};
use super::super::fixtures::*;
use super::super::update::update;
use crate::tui::event::{ApiOutcome, Event};
use crate::ws::{ConnState, WsEvent};

fn net(app: &mut App, event: WsEvent) {
    update(app, Event::Net(event));
}

/// The team at 80×24 with everything the chat now shows about messages and people.
#[test]
fn edits_reactions_presence_and_typing_at_80x24() {
    let mut team = group(1, "team", 0);
    team.topic = Some("release on Friday".into());
    let mut app = App::new(alice(), vec![team.clone()], (80, 24));
    net(&mut app, WsEvent::State(ConnState::Connected));
    net(
        &mut app,
        WsEvent::Message(text(&team, 1, bob(), "lunch at noon")),
    );
    net(
        &mut app,
        WsEvent::Message(text(&team, 2, carol(), "a typo here")),
    );
    net(
        &mut app,
        WsEvent::Message(text(&team, 3, alice(), "flags 🇫🇷🇩🇪 and family 👨‍👩‍👧 fit")),
    );
    net(
        &mut app,
        WsEvent::Message(change(1, 4, MessageKind::Edit, bob(), "lunch at one")),
    );
    net(
        &mut app,
        WsEvent::Message(change(
            2,
            5,
            MessageKind::Delete,
            carol(),
            "message deleted",
        )),
    );
    net(
        &mut app,
        WsEvent::Message(change(1, 6, MessageKind::Reaction, carol(), "👍")),
    );
    net(
        &mut app,
        WsEvent::Message(change(1, 7, MessageKind::Reaction, alice(), "👍")),
    );
    net(
        &mut app,
        WsEvent::Message(change(1, 8, MessageKind::Reaction, alice(), "🇫🇷")),
    );
    net(
        &mut app,
        WsEvent::Presence {
            group: team.id,
            online: vec![alice().id, bob().id],
        },
    );
    net(
        &mut app,
        WsEvent::Member {
            group: team.id,
            change: MemberChange::Left,
            user: carol(),
            by: None,
        },
    );
    net(
        &mut app,
        WsEvent::Typing {
            group: team.id,
            user: bob(),
            private: false,
        },
    );
    let terminal = render(&app);
    insta::assert_snapshot!(terminal.backend());
}

/// Search results open the side pane, newest first, with the seq to jump to.
#[test]
fn search_results_in_the_pane() {
    let team = group(1, "team", 0);
    let mut app = App::new(alice(), vec![team.clone()], (80, 24));
    for seq in 1..=3 {
        net(
            &mut app,
            WsEvent::Message(text(&team, seq, bob(), &format!("pizza {seq}"))),
        );
    }
    let found = vec![
        text(&team, 3, bob(), "pizza 3"),
        text(&team, 1, bob(), "pizza 1"),
    ];
    update(
        &mut app,
        Event::Api(ApiOutcome::Found {
            group: team.id,
            query: "pizza".into(),
            result: Ok(found),
        }),
    );
    let terminal = render(&app);
    insta::assert_snapshot!(terminal.backend());
}

/// A private conversation at 80×24: listed under its group, only its messages shown,
/// the header and the input say where text goes.
#[test]
fn private_conversation_at_80x24() {
    let team = group(1, "team", 0);
    let mut app = App::new(alice(), vec![team.clone(), group(2, "ops", 0)], (80, 24));
    net(
        &mut app,
        WsEvent::Message(text(&team, 1, carol(), "public")),
    );
    net(
        &mut app,
        WsEvent::Message(private(&team, 2, bob(), &alice(), "psst")),
    );
    net(
        &mut app,
        WsEvent::Message(private(&team, 3, alice(), &bob(), "yes?")),
    );
    for c in "/query bob".chars() {
        update(
            &mut app,
            Event::Key(crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::Char(c),
            )),
        );
    }
    update(
        &mut app,
        Event::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Enter,
        )),
    );
    let terminal = render(&app);
    insta::assert_snapshot!(terminal.backend());
    // a click on the line under the group opens the private buffer; the next row is ops
    let with_bob = Some(bob().id);
    assert_eq!(
        super::buffer_at(&app, 3, 2),
        Some(Buffer {
            group: 0,
            with: with_bob
        })
    );
    assert_eq!(
        super::buffer_at(&app, 3, 3),
        Some(Buffer {
            group: 1,
            with: None
        })
    );
    // back in the group, a new message from bob counts under his buffer, as a mention
    update(
        &mut app,
        Event::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('1'),
            crossterm::event::KeyModifiers::ALT,
        )),
    );
    net(
        &mut app,
        WsEvent::Message(private(&team, 4, bob(), &alice(), "lunch?")),
    );
    insta::assert_snapshot!("private_buffer_unread", render(&app).backend());
}

/// The input row of a screen as the terminal shows it: a wide emoji hides the cell
/// after it.
fn input_row(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let y = buffer.area.height - 2;
    let mut row = String::new();
    let mut x = 0;
    while x < buffer.area.width {
        let symbol = buffer[(x, y)].symbol();
        row.push_str(symbol);
        x += u16::try_from(crate::tui::graphemes::text_width(symbol).max(1)).unwrap_or(1);
    }
    row
}

/// A flag and a family emoji typed one code point at a time, as the terminal sends them,
/// show as two emoji of two columns each, with no stray cells; the cursor steps over each
/// in one move and stands in the column of the character it is before.
#[test]
fn emoji_in_the_input_at_80x24() {
    let mut app = App::new(alice(), vec![group(1, "team", 0)], (80, 24));
    type_text(&mut app, "🇫🇷 👨‍👩‍👧 ok");
    let mut terminal = render(&app);
    insta::assert_snapshot!(terminal.backend());
    // prompt (3 columns), then 🇫🇷 (2), space, 👨‍👩‍👧 (2), space, o, k
    assert_eq!(input_row(&terminal).trim_end(), " › 🇫🇷 👨‍👩‍👧 ok");
    terminal.backend_mut().assert_cursor_position((3 + 8, 22));
    let left = Event::Key(crossterm::event::KeyEvent::from(
        crossterm::event::KeyCode::Left,
    ));
    for column in [7, 6, 5, 3, 2, 0, 0] {
        update(&mut app, left.clone());
        let mut terminal = render(&app);
        assert_eq!(input_row(&terminal).trim_end(), " › 🇫🇷 👨‍👩‍👧 ok");
        terminal
            .backend_mut()
            .assert_cursor_position((3 + column, 22));
    }
    // typed in the middle, the text moves right as a whole
    type_text(&mut app, "🇫🇷");
    let mut terminal = render(&app);
    assert_eq!(input_row(&terminal).trim_end(), " › 🇫🇷🇫🇷 👨‍👩‍👧 ok");
    terminal.backend_mut().assert_cursor_position((3 + 2, 22));
}
