//! `update` for the group list: joining on start, unread counts and read markers, Alt+A,
//! refreshes, removals and leaving, and clicks in the list.

use crossterm::event::{KeyCode, KeyModifiers};

use crate::tui::app::App;
use crate::tui::effects::{ApiRequest, Effect};
use crate::tui::event::{ApiOutcome, Event};
use crate::tui::fixtures::*;
use crate::tui::update::{start, update};
use crate::ws::{WsCommand, WsEvent};

/// Opening the chat joins every group with a backlog of recent messages.
#[test]
fn start_joins_every_group_with_backlog() {
    let mut app = App::new(alice(), vec![group(1, "team", 150)], (100, 30));
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
    update(&mut app, arrives(text(&team, 1, bob(), "hello")));
    update(&mut app, arrives(text(&team, 2, bob(), "anyone?")));
    update(&mut app, arrives(text(&team, 2, bob(), "anyone?")));
    assert_eq!(
        app.groups[1].unread, 2,
        "a repeated message is counted once"
    );
    update(&mut app, key(KeyCode::Char('2'), KeyModifiers::ALT));
    assert_eq!(app.active, Some(1));
    assert_eq!(app.groups[1].unread, 0);
    assert_eq!(app.groups[1].marker, Some(0));
    update(&mut app, arrives(text(&team, 3, carol(), "here")));
    assert_eq!(app.groups[1].unread, 0, "the open group has nothing unread");
}

/// Read markers from an earlier run: what came after them counts as unread as it is
/// replayed, the group on screen shows the "new messages" line after its mark, and the
/// marks kept for next time are the last seq seen on screen and the old mark elsewhere.
#[test]
fn read_marks_from_an_earlier_run() {
    let (general, team) = (group(1, "general", 5), group(2, "team", 5));
    let mut app = App::new(alice(), vec![general.clone(), team.clone()], (100, 30));
    let marks = [(general.id, 2), (team.id, 3)];
    app.restore_read_marks(|id| marks.iter().find(|(g, _)| *g == id).map(|(_, seq)| *seq));
    start(&mut app);
    for seq in 1..=5 {
        update(&mut app, arrives(text(&general, seq, bob(), "news")));
        update(&mut app, arrives(text(&team, seq, bob(), "news")));
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

    let mut later = App::new(alice(), vec![group(1, "general", 5)], (100, 30));
    later.restore_read_marks(|_| Some(9));
    assert_eq!(
        later.groups[0].read_upto, 5,
        "a mark past the head is ignored"
    );
}

/// A mention marks the group, and Alt+A goes to mentions before plain activity.
#[test]
fn alt_a_prefers_mentions() {
    let mut app = App::new(
        alice(),
        vec![group(1, "a", 0), group(2, "b", 0), group(3, "c", 0)],
        (100, 30),
    );
    update(
        &mut app,
        arrives(text(&group(2, "b", 0), 1, bob(), "lunch?")),
    );
    update(
        &mut app,
        arrives(text(&group(3, "c", 0), 1, bob(), "@alice can you review?")),
    );
    assert!(app.groups[2].mentioned && !app.groups[1].mentioned);
    update(&mut app, key(KeyCode::Char('a'), KeyModifiers::ALT));
    assert_eq!(app.active, Some(2));
    update(&mut app, key(KeyCode::Char('a'), KeyModifiers::ALT));
    assert_eq!(app.active, Some(1));
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

/// A group the user is added to while the chat runs counts its messages as unread; the
/// groups present when the chat opened count what they held as read.
#[test]
fn a_group_added_while_running_counts_as_unread() {
    let (team, garden) = (group(2, "team", 2), group(3, "garden", 2));
    let mut app = App::new(alice(), vec![group(1, "a", 0), team.clone()], (100, 30));
    start(&mut app);
    let listed = vec![group(1, "a", 0), team.clone(), garden.clone()];
    update(&mut app, Event::Api(ApiOutcome::Groups(Ok(listed))));
    for seq in 1..=2 {
        update(&mut app, arrives(text(&team, seq, bob(), "old news")));
        update(&mut app, arrives(text(&garden, seq, bob(), "welcome")));
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
        update(&mut app, arrives(text(&team, seq, bob(), "line")));
    }
    update(&mut app, mouse(MouseEventKind::ScrollUp, 10));
    assert_eq!(app.groups[1].scroll, 3);
    update(&mut app, mouse(MouseEventKind::ScrollDown, 10));
    assert_eq!(app.groups[1].scroll, 0);
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
    let mut app = App::new(alice(), groups, (100, 12));
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
