//! `update` without a terminal or a server: events in, state and effects out.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use quid_shared::{MessageKind, MessagePage};

use super::super::app::PaneData;
use super::super::effects::{ApiRequest, Effect};
use super::super::event::{ApiOutcome, Event, RequestError};
use super::super::fixtures::*;
use super::{start, update};
use crate::ws::{ConnState, WsCommand, WsEvent};

fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, modifiers))
}

fn press(code: KeyCode) -> Event {
    key(code, KeyModifiers::NONE)
}

fn type_text(app: &mut super::App, text: &str) {
    for c in text.chars() {
        update(app, press(KeyCode::Char(c)));
    }
}

fn net(message: quid_shared::Message) -> Event {
    Event::Net(WsEvent::Message(message))
}

/// Opening the chat joins every group with a backlog of recent messages.
#[test]
fn start_joins_every_group_with_backlog() {
    let mut app = super::App::new(alice(), vec![group(1, "team", 150)], (100, 30));
    let effects = start(&mut app);
    assert_eq!(
        effects,
        vec![Effect::Ws(WsCommand::Join {
            group: group(1, "team", 0).id,
            since: Some(50)
        })]
    );
}

/// Messages in another group count as unread; switching there places the read marker.
#[test]
fn unread_counts_and_read_marker() {
    let mut app = app();
    let team = group(1, "team", 0);
    update(&mut app, net(text(&team, 1, bob(), "hello")));
    update(&mut app, net(text(&team, 2, bob(), "anyone?")));
    update(&mut app, net(text(&team, 2, bob(), "anyone?")));
    assert_eq!(
        app.groups[1].unread, 2,
        "a repeated message is counted once"
    );
    update(&mut app, key(KeyCode::Char('2'), KeyModifiers::ALT));
    assert_eq!(app.active, Some(1));
    assert_eq!(app.groups[1].unread, 0);
    assert_eq!(app.groups[1].marker, Some(0));
    update(&mut app, net(text(&team, 3, carol(), "here")));
    assert_eq!(app.groups[1].unread, 0, "the open group has nothing unread");
}

/// Read markers from an earlier run: what came after them counts as unread as it is
/// replayed, the group on screen shows the "new messages" line after its mark, and the
/// marks kept for next time are the last seq seen on screen and the old mark elsewhere.
#[test]
fn read_marks_from_an_earlier_run() {
    let (general, team) = (group(1, "general", 5), group(2, "team", 5));
    let mut app = super::App::new(alice(), vec![general.clone(), team.clone()], (100, 30));
    let marks = [(general.id, 2), (team.id, 3)];
    app.restore_read_marks(|id| marks.iter().find(|(g, _)| *g == id).map(|(_, seq)| *seq));
    start(&mut app);
    for seq in 1..=5 {
        update(&mut app, net(text(&general, seq, bob(), "news")));
        update(&mut app, net(text(&team, seq, bob(), "news")));
    }
    assert_eq!(app.active, Some(0));
    assert_eq!((app.groups[0].unread, app.groups[0].marker), (0, Some(2)));
    assert_eq!(
        app.groups[1].unread, 2,
        "seqs 4 and 5 arrived after the mark"
    );
    assert_eq!(app.read_marks(), vec![(general.id, 5), (team.id, 3)]);

    update(&mut app, key(KeyCode::Char('2'), KeyModifiers::ALT));
    assert_eq!((app.groups[1].unread, app.groups[1].marker), (0, Some(3)));
    assert_eq!(
        app.groups[0].marker, None,
        "leaving a group clears its line"
    );
    assert_eq!(app.read_marks(), vec![(general.id, 5), (team.id, 5)]);

    let mut later = super::App::new(alice(), vec![group(1, "general", 5)], (100, 30));
    later.restore_read_marks(|_| Some(9));
    assert_eq!(
        later.groups[0].read_upto, 5,
        "a mark past the head is ignored"
    );
}

/// A mention marks the group, and Alt+A goes to mentions before plain activity.
#[test]
fn alt_a_prefers_mentions() {
    let mut app = super::App::new(
        alice(),
        vec![group(1, "a", 0), group(2, "b", 0), group(3, "c", 0)],
        (100, 30),
    );
    update(&mut app, net(text(&group(2, "b", 0), 1, bob(), "lunch?")));
    update(
        &mut app,
        net(text(&group(3, "c", 0), 1, bob(), "@alice can you review?")),
    );
    assert!(app.groups[2].mentioned && !app.groups[1].mentioned);
    update(&mut app, key(KeyCode::Char('a'), KeyModifiers::ALT));
    assert_eq!(app.active, Some(2));
    update(&mut app, key(KeyCode::Char('a'), KeyModifiers::ALT));
    assert_eq!(app.active, Some(1));
}

/// Enter sends the input to the open group and clears it; Alt+Enter adds a line instead.
#[test]
fn enter_sends_and_alt_enter_adds_a_line() {
    let mut app = app();
    type_text(&mut app, "first");
    update(&mut app, key(KeyCode::Enter, KeyModifiers::ALT));
    type_text(&mut app, "second");
    assert_eq!(app.input_text(), "first\nsecond");
    let effects = update(&mut app, press(KeyCode::Enter));
    match effects.as_slice() {
        [
            Effect::Ws(WsCommand::Send {
                group: g,
                content,
                to: None,
                ..
            }),
        ] => {
            assert_eq!(*g, group(2, "ops", 0).id);
            assert_eq!(content, "first\nsecond");
        }
        other => panic!("expected one send, got {other:?}"),
    }
    assert!(app.input.is_empty());
}

/// Pasted text, newlines included, lands in the input and is not sent by itself.
#[test]
fn paste_goes_into_the_input() {
    let mut app = app();
    let effects = update(&mut app, Event::Paste("line one\r\nline two".into()));
    assert!(effects.is_empty());
    assert_eq!(app.input_text(), "line one\nline two");
}

/// `/msg` sends privately; a bad command shows an error and sends nothing.
#[test]
fn commands_msg_and_errors() {
    let mut app = app();
    type_text(&mut app, "/msg bob psst");
    let effects = update(&mut app, press(KeyCode::Enter));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Ws(WsCommand::Send { to: Some(to), content, .. })] if to == "bob" && content == "psst"
    ));
    type_text(&mut app, "/frobnicate");
    assert!(update(&mut app, press(KeyCode::Enter)).is_empty());
    assert!(app.notice.as_ref().is_some_and(|n| n.is_error));
    assert_eq!(
        app.input_text(),
        "/frobnicate",
        "kept in the input, to be fixed"
    );
    update(&mut app, key(KeyCode::Char('u'), KeyModifiers::CONTROL));
    type_text(&mut app, "//etc is a path");
    let effects = update(&mut app, press(KeyCode::Enter));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Ws(WsCommand::Send { content, .. })] if content == "/etc is a path"
    ));
}

/// Up recalls sent lines, Down walks back to the unsent draft.
#[test]
fn input_history() {
    let mut app = app();
    for line in ["one", "two"] {
        type_text(&mut app, line);
        update(&mut app, press(KeyCode::Enter));
    }
    type_text(&mut app, "draft");
    update(&mut app, press(KeyCode::Up));
    assert_eq!(app.input_text(), "two");
    update(&mut app, press(KeyCode::Up));
    assert_eq!(app.input_text(), "one");
    update(&mut app, press(KeyCode::Down));
    update(&mut app, press(KeyCode::Down));
    assert_eq!(app.input_text(), "draft");
}

/// Tab completes commands, then member names; a second Tab cycles.
#[test]
fn tab_completion() {
    let mut app = app();
    type_text(&mut app, "/li");
    update(&mut app, press(KeyCode::Tab));
    assert_eq!(app.input_text(), "/liabilities ");
    app.input = super::super::app::new_input();
    type_text(&mut app, "hi ");
    type_text(&mut app, "@");
    update(&mut app, press(KeyCode::Tab));
    assert_eq!(app.input_text(), "hi @bob ");
    update(&mut app, press(KeyCode::Tab));
    assert_eq!(app.input_text(), "hi @carol ");
}

/// A clarification for me is pending until my next message in that group.
#[test]
fn pending_clarification_until_answered() {
    let mut app = app();
    let ops = group(2, "ops", 0);
    update(
        &mut app,
        net(text(&ops, 1, alice(), "I'll do some work if bob helps")),
    );
    update(
        &mut app,
        net(clarification(&ops, 2, &alice(), "How many hours?")),
    );
    assert_eq!(app.groups[0].pending_clarification, Some(2));
    update(&mut app, net(clarification(&ops, 3, &bob(), "not mine")));
    assert_eq!(app.groups[0].pending_clarification, Some(2));
    update(&mut app, net(text(&ops, 4, alice(), "3 hours")));
    assert_eq!(app.groups[0].pending_clarification, None);
}

/// A liability message refreshes an open side pane, or marks the group when closed.
#[test]
fn liability_changes_refresh_or_mark() {
    let mut app = app();
    let ops = group(2, "ops", 0);
    let team = group(1, "team", 0);
    let opened = update(&mut app, press(KeyCode::F(2)));
    assert_eq!(opened.len(), 2);
    let effects = update(
        &mut app,
        net(message(
            &ops,
            1,
            MessageKind::Liability,
            None,
            "bob: 0 -> 3 hours of work",
        )),
    );
    assert_eq!(
        effects,
        vec![
            Effect::Api(ApiRequest::Commitments { group: ops.id }),
            Effect::Api(ApiRequest::Liabilities { group: ops.id }),
        ]
    );
    update(
        &mut app,
        net(message(
            &team,
            1,
            MessageKind::Commitment,
            None,
            "bob committed",
        )),
    );
    assert!(app.groups[1].pane_stale);
}

/// A server without commitment endpoints (404) leaves the pane working and saying so.
#[test]
fn missing_endpoints_are_shown_as_unsupported() {
    let mut app = app();
    let ops = group(2, "ops", 0);
    update(
        &mut app,
        Event::Api(ApiOutcome::Liabilities {
            group: ops.id,
            result: Err(RequestError::Unsupported),
        }),
    );
    assert_eq!(app.groups[0].liabilities, PaneData::Unsupported);
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

/// A refreshed group list joins new groups and drops the ones we left.
#[test]
fn group_list_refresh_joins_and_leaves() {
    let mut app = app();
    let effects = update(
        &mut app,
        Event::Api(ApiOutcome::Groups(Ok(vec![
            group(1, "team", 0),
            group(3, "new", 7),
        ]))),
    );
    assert!(effects.contains(&Effect::Ws(WsCommand::Join {
        group: group(3, "new", 0).id,
        since: Some(0)
    })));
    assert!(effects.contains(&Effect::Ws(WsCommand::Leave {
        group: group(2, "ops", 0).id
    })));
    // a new group goes last, so Alt+N of the others stays
    let names: Vec<&str> = app.groups.iter().map(|g| g.group.name.as_str()).collect();
    assert_eq!(names, vec!["team", "new"]);
}

/// Scrolling to the top of what is loaded fetches older messages once.
#[test]
fn scrolling_to_the_top_loads_older_messages() {
    let mut app = super::App::new(alice(), vec![group(1, "team", 300)], (100, 30));
    let team = group(1, "team", 300);
    for seq in 201..=300 {
        update(&mut app, net(text(&team, seq, bob(), "x")));
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

/// Ctrl+C and /quit end the chat.
#[test]
fn quitting() {
    let mut app = app();
    update(&mut app, key(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(app.should_quit);
    let mut app = self::app();
    type_text(&mut app, "/quit");
    update(&mut app, press(KeyCode::Enter));
    assert!(app.should_quit);
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

/// A click on a group in the list opens it; the wheel scrolls the conversation.
#[test]
fn mouse_click_and_wheel() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mouse = |kind, row| {
        Event::Mouse(MouseEvent {
            kind,
            column: 3,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let mut app = app();
    update(&mut app, mouse(MouseEventKind::Down(MouseButton::Left), 2));
    assert_eq!(app.active, Some(1));
    let team = group(1, "team", 0);
    for seq in 1..=60 {
        update(&mut app, net(text(&team, seq, bob(), "line")));
    }
    update(&mut app, mouse(MouseEventKind::ScrollUp, 10));
    assert_eq!(app.groups[1].scroll, 3);
    update(&mut app, mouse(MouseEventKind::ScrollDown, 10));
    assert_eq!(app.groups[1].scroll, 0);
}

/// F12 / F11 scroll a side pane longer than the screen, and stop at its end.
#[test]
fn side_pane_scrolls() {
    use quid_shared::Liability;
    let mut app = app();
    app.size = (120, 12);
    update(&mut app, press(KeyCode::F(2)));
    let liabilities = (0..30)
        .map(|i| Liability {
            user: bob(),
            action: format!("task {i}"),
            unit: "hours".into(),
            amount: 1.0,
            because: vec![i],
            why: None,
        })
        .collect();
    app.groups[0].liabilities = PaneData::Loaded(liabilities);
    for _ in 0..20 {
        update(&mut app, press(KeyCode::F(12)));
    }
    let max = app.pane_scroll;
    assert!(max > 0);
    update(&mut app, press(KeyCode::F(12)));
    assert_eq!(app.pane_scroll, max, "stops at the end");
    update(&mut app, press(KeyCode::F(11)));
    assert!(app.pane_scroll < max);
}

/// Scrolled back, the view stays put while new messages arrive below.
#[test]
fn scrolled_back_view_stays_put() {
    let mut app = app();
    let ops = group(2, "ops", 0);
    for seq in 1..=60 {
        update(&mut app, net(text(&ops, seq, bob(), "line")));
    }
    update(&mut app, press(KeyCode::PageUp));
    let scrolled = app.groups[0].scroll;
    assert!(scrolled > 0);
    update(&mut app, net(text(&ops, 61, bob(), "one more")));
    assert_eq!(app.groups[0].scroll, scrolled + 1);
}

/// The server's unasked `left`: the group goes at once, the notice says the user is no
/// longer a member, and a line typed for it is not sent to the group that replaced it
/// until the user presses Enter again.
#[test]
fn removal_drops_the_group_and_holds_back_the_typed_line() {
    let mut app = app();
    let (ops, team) = (group(2, "ops", 0), group(1, "team", 0));
    type_text(&mut app, "meant for ops");
    let effects = update(&mut app, Event::Net(WsEvent::Removed { group: ops.id }));
    assert!(
        effects.is_empty(),
        "the connection already forgot it: {effects:?}"
    );
    let names: Vec<&str> = app.groups.iter().map(|g| g.group.name.as_str()).collect();
    assert_eq!(names, vec!["team"]);
    let notice = app.notice.clone().map(|n| (n.text, n.is_error));
    assert_eq!(
        notice,
        Some((
            "you are no longer a member of #ops (now showing #team)".to_owned(),
            true
        ))
    );

    assert!(update(&mut app, press(KeyCode::Enter)).is_empty());
    assert_eq!(app.input_text(), "meant for ops", "the line is kept");
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.text == "not sent: #ops is gone; Enter sends it to #team")
    );
    let effects = update(&mut app, press(KeyCode::Enter));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Ws(WsCommand::Send { group, content, .. })]
            if *group == team.id && content == "meant for ops"
    ));
}

/// A `left` for a group the user is leaving here reads as leaving it, whichever of the
/// server's frame and the HTTP answer comes first.
#[test]
fn own_leave_is_not_reported_as_a_removal() {
    let mut app = app();
    let ops = group(2, "ops", 0);
    type_text(&mut app, "/leave");
    let effects = update(&mut app, press(KeyCode::Enter));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Api(ApiRequest::Leave { group, .. })] if *group == ops.id
    ));
    update(&mut app, Event::Net(WsEvent::Removed { group: ops.id }));
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| !n.is_error && n.text == "you left #ops (now showing #team)")
    );
    update(
        &mut app,
        Event::Api(ApiOutcome::Left {
            group: ops.id,
            result: Ok(()),
        }),
    );
    assert_eq!(app.groups.len(), 1);
    assert!(app.leaving.is_empty());
    type_text(&mut app, "hi");
    assert_eq!(
        update(&mut app, press(KeyCode::Enter)).len(),
        1,
        "sent at once"
    );
}

/// A group missing from a refreshed list that the user did not leave is reported as a
/// membership that ended, not as "you left".
#[test]
fn group_gone_from_the_list_is_not_reported_as_left() {
    let mut app = app();
    update(
        &mut app,
        Event::Api(ApiOutcome::Groups(Ok(vec![group(1, "team", 0)]))),
    );
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.text.starts_with("you are no longer a member of #ops"))
    );
}

/// Clicks below the group list (on the input or the status bar) switch nothing, even
/// where the list's column would point at a group further down.
#[test]
fn clicks_outside_the_group_list_switch_nothing() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let click = |row| {
        Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 6,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    let groups = (1..)
        .zip(names)
        .map(|(n, name)| group(n, name, 0))
        .collect();
    let mut app = super::App::new(alice(), groups, (100, 12));
    // 12 rows: the list's title on row 0, groups on rows 1-8, the input's top border on
    // row 9, the input line on row 10, the status bar on row 11.
    for row in 9..12 {
        update(&mut app, click(row));
        assert_eq!(app.active, Some(0), "a click on row {row} switched groups");
    }
    update(&mut app, click(8));
    assert_eq!(app.active, Some(7), "the last row of the list still works");
    update(&mut app, click(0));
    assert_eq!(app.active, Some(7), "the list's title is no group");
}

/// The commitment-change marker is set only by changes not seen before: replaying the
/// backlog up to the read marker leaves it off, a newer commitment sets it.
#[test]
fn replayed_commitments_do_not_mark_the_group() {
    let team = group(2, "team", 5);
    let mut app = super::App::new(alice(), vec![group(1, "a", 0), team.clone()], (100, 30));
    app.restore_read_marks(|_| Some(4));
    start(&mut app);
    for seq in 3..=4 {
        update(
            &mut app,
            net(message(&team, seq, MessageKind::Commitment, None, "seen")),
        );
    }
    assert!(!app.groups[1].pane_stale, "seen before this run");
    update(
        &mut app,
        net(message(&team, 5, MessageKind::Liability, None, "new")),
    );
    assert!(app.groups[1].pane_stale, "arrived after the read marker");
}

/// A group the user is added to while the chat runs counts its messages as unread; the
/// groups present when the chat opened count what they held as read.
#[test]
fn a_group_added_while_running_counts_as_unread() {
    let (team, garden) = (group(2, "team", 2), group(3, "garden", 2));
    let mut app = super::App::new(alice(), vec![group(1, "a", 0), team.clone()], (100, 30));
    start(&mut app);
    let listed = vec![group(1, "a", 0), team.clone(), garden.clone()];
    update(&mut app, Event::Api(ApiOutcome::Groups(Ok(listed))));
    for seq in 1..=2 {
        update(&mut app, net(text(&team, seq, bob(), "old news")));
        update(&mut app, net(text(&garden, seq, bob(), "welcome")));
    }
    let unread: Vec<(&str, usize)> = app
        .groups
        .iter()
        .map(|g| (g.group.name.as_str(), g.unread))
        .collect();
    // a group that appears goes last: the others keep their numbers
    assert_eq!(unread, vec![("a", 0), ("team", 0), ("garden", 2)]);
    assert_eq!(app.read_marks()[2], (garden.id, 0), "kept as unread");
}

/// The editing keys docs/tui.md lists: Ctrl+A / Ctrl+E, Ctrl+W, Ctrl+K / Ctrl+U delete to
/// the end / start of the line, Ctrl+Y puts the deleted text back, Ctrl+Z / Ctrl+R undo /
/// redo.
#[test]
fn editing_keys() {
    let ctrl = |c| key(KeyCode::Char(c), KeyModifiers::CONTROL);
    let mut app = app();
    type_text(&mut app, "hello big world");
    update(&mut app, ctrl('w'));
    assert_eq!(app.input_text(), "hello big ");
    update(&mut app, ctrl('u'));
    assert_eq!(app.input_text(), "", "Ctrl+U deletes to the start");
    update(&mut app, ctrl('y'));
    assert_eq!(app.input_text(), "hello big ", "Ctrl+Y puts it back");
    update(&mut app, ctrl('z'));
    assert_eq!(app.input_text(), "", "Ctrl+Z undoes the Ctrl+Y");
    update(&mut app, ctrl('z'));
    assert_eq!(app.input_text(), "hello big ", "and then the Ctrl+U");
    update(&mut app, ctrl('r'));
    assert_eq!(app.input_text(), "", "Ctrl+R redoes");
    update(&mut app, ctrl('z'));
    update(&mut app, ctrl('a'));
    update(&mut app, press(KeyCode::Right));
    update(&mut app, ctrl('k'));
    assert_eq!(app.input_text(), "h", "Ctrl+K deletes to the end");
    update(&mut app, ctrl('e'));
    type_text(&mut app, "i");
    assert_eq!(app.input_text(), "hi");
}

/// `/whatif OFFER` opens the side pane and asks the server (nothing is sent to the group);
/// the answer is kept for the offer tried last, and `/whatif` alone hides it.
#[test]
fn whatif_asks_and_shows_in_the_side_pane() {
    let mut app = app();
    app.active = Some(0);
    let team = app.groups[0].group.id;
    type_text(&mut app, "/whatif I'll do 2h");
    let effects = update(&mut app, press(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::Api(ApiRequest::WhatIf {
            group: team,
            text: "I'll do 2h".into()
        })]
    );
    assert!(app.side_pane);
    assert!(app.outbox.is_empty(), "nothing is sent");
    let answer = quid_shared::WhatIf {
        commitments: Vec::new(),
        withdraws: None,
        replaces: None,
        question: Some("2 of what?".into()),
        before: Vec::new(),
        after: Vec::new(),
        changes: Vec::new(),
    };
    let outcome = |text: &str| {
        Event::Api(ApiOutcome::WhatIf {
            group: team,
            text: text.into(),
            result: Ok(answer.clone()),
        })
    };
    update(&mut app, outcome("an earlier offer"));
    assert!(matches!(
        app.groups[0].whatif,
        Some((_, PaneData::NotLoaded))
    ));
    update(&mut app, outcome("I'll do 2h"));
    assert!(matches!(
        app.groups[0].whatif,
        Some((_, PaneData::Loaded(_)))
    ));
    type_text(&mut app, "/whatif");
    update(&mut app, press(KeyCode::Enter));
    assert!(app.groups[0].whatif.is_none());
}
