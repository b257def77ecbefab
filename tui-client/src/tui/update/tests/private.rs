//! `update` for private conversations (`/query bob`): each a buffer of its own, numbered
//! after its group, with its own unread count and bell, closable, kept between runs.

use crossterm::event::{KeyCode, KeyModifiers};
use quid_shared::ClientFrame;

use super::on_team;
use crate::tui::app::{App, Buffer};
use crate::tui::effects::Effect;
use crate::tui::fixtures::*;
use crate::tui::update::update;
use crate::ws::WsCommand;

fn command(app: &mut App, line: &str) -> Vec<Effect> {
    type_text(app, line);
    update(app, press(KeyCode::Enter))
}

fn alt(c: char) -> crate::tui::event::Event {
    key(KeyCode::Char(c), KeyModifiers::ALT)
}

/// What the buffer on screen shows, by seq.
fn shown(app: &App) -> Vec<i64> {
    let view = app.active_group().expect("a group on screen");
    view.messages
        .iter()
        .filter(|m| view.shows(m, alice().id))
        .map(|m| m.seq)
        .collect()
}

fn with_bob(group: usize) -> Buffer {
    Buffer {
        group,
        with: Some(bob().id),
    }
}

/// `/query bob` opens a buffer listed (and numbered) right after its group that shows
/// only bob's and my private messages, which the group no longer shows; what I type
/// there goes to bob alone, and typing is told to bob alone; `/query` alone goes back to
/// the group, the buffer staying in the list.
#[test]
fn query_opens_a_buffer_of_its_own() {
    let mut app = on_team();
    let team = group(1, "team", 0);
    deliver(&mut app, text(&team, 1, carol(), "public"));
    deliver(&mut app, private(&team, 2, bob(), &alice(), "psst"));
    deliver(
        &mut app,
        private(&team, 3, carol(), &alice(), "other secret"),
    );
    command(&mut app, "/query bob");
    assert_eq!(app.active_buffer(), Some(with_bob(1)));
    let numbered: Vec<Buffer> = app.buffers();
    assert_eq!(numbered.len(), 3);
    assert_eq!(numbered[2], with_bob(1), "after its group: Alt+3");
    assert_eq!(shown(&app), vec![2]);
    let typed = update(&mut app, press(KeyCode::Char('h')));
    assert_eq!(
        typed,
        vec![Effect::Ws(WsCommand::Once(ClientFrame::Typing {
            group: team.id,
            to: Some("bob".into())
        }))]
    );
    let sent = update(&mut app, press(KeyCode::Enter));
    assert!(matches!(
        sent.as_slice(),
        [Effect::Ws(WsCommand::Send { to: Some(to), content, .. })] if to == "bob" && content == "h"
    ));
    command(&mut app, "/query");
    assert_eq!(app.active_group().and_then(|v| v.query()), None);
    assert_eq!(
        shown(&app),
        vec![1, 3],
        "bob's conversation is in its buffer"
    );
    assert_eq!(app.buffers().len(), 3);
    command(&mut app, "/query alice");
    assert!(app.notice.as_ref().is_some_and(|n| n.is_error));
}

/// A private buffer counts its own unread messages, each a mention that rings the bell
/// and counts in the title; the group does not count them. Alt+A goes there first, and
/// Alt+N numbers are the list's.
#[test]
fn a_private_buffer_counts_and_rings_on_its_own() {
    let mut app = on_team();
    let team = group(1, "team", 0);
    command(&mut app, "/query bob");
    update(&mut app, alt('2'));
    assert_eq!(app.active_buffer().map(|b| b.with), Some(None), "team");
    deliver(&mut app, private(&team, 1, bob(), &alice(), "psst"));
    deliver(&mut app, text(&team, 2, carol(), "public"));
    assert_eq!(app.activity(with_bob(1)), (1, true));
    assert!(std::mem::take(&mut app.ring));
    assert_eq!(app.title(), "quid — 1 unread");
    update(&mut app, alt('1'));
    deliver(&mut app, text(&team, 3, carol(), "more"));
    assert_eq!(
        app.groups[1].unread, 1,
        "the private message is not the group's"
    );
    assert!(!app.groups[1].mentioned);

    update(&mut app, alt('a'));
    assert_eq!(app.active_buffer(), Some(with_bob(1)), "a mention first");
    assert_eq!(app.activity(with_bob(1)), (0, false));
    assert_eq!(app.title(), "quid");
    let marker = app.groups[1].private(bob().id).and_then(|p| p.marker);
    assert_eq!(marker, Some(0), "the new-messages line before psst");
    update(&mut app, alt('a'));
    assert_eq!(app.active_buffer().map(|b| b.group), Some(1));
    assert_eq!(app.groups[1].unread, 0);
    update(&mut app, alt('3'));
    assert_eq!(app.active_buffer(), Some(with_bob(1)));
    update(&mut app, key(KeyCode::Char('n'), KeyModifiers::CONTROL));
    assert_eq!(
        app.active_buffer().map(|b| b.group),
        Some(0),
        "round to ops"
    );
}

/// `/close` closes the private buffer on screen (the group comes back, showing its
/// messages again), `/close bob` one elsewhere with its unread count going to the group;
/// with none, it says so.
#[test]
fn close_ends_a_private_buffer() {
    let mut app = on_team();
    let team = group(1, "team", 0);
    deliver(&mut app, private(&team, 1, bob(), &alice(), "psst"));
    command(&mut app, "/query bob");
    command(&mut app, "/close");
    assert_eq!(app.buffers().len(), 2);
    assert_eq!(
        app.active_buffer().map(|b| (b.group, b.with)),
        Some((1, None))
    );
    assert_eq!(shown(&app), vec![1]);

    command(&mut app, "/query bob");
    update(&mut app, alt('2'));
    deliver(&mut app, private(&team, 2, bob(), &alice(), "still there?"));
    command(&mut app, "/close bob");
    assert_eq!(app.buffers().len(), 2);
    assert_eq!((app.groups[1].unread, app.groups[1].mentioned), (1, true));
    command(&mut app, "/close");
    assert!(app.notice.as_ref().is_some_and(|n| n.is_error));
}

/// Kept between runs: the next run opens the buffer again with its read position, counts
/// what was replayed after it there — including what the server counted in the group's
/// unread — and the group keeps the rest.
#[test]
fn private_buffers_are_kept_between_runs() {
    let mut app = on_team();
    let team = group(1, "team", 0);
    deliver(&mut app, private(&team, 1, bob(), &alice(), "psst"));
    command(&mut app, "/query bob");
    update(&mut app, alt('2'));
    let kept = app.kept_privates();
    assert_eq!(kept.len(), 1);
    assert_eq!((kept[0].group, kept[0].read), (team.id, 1));

    // meanwhile: a private message and a public one; the server counts both as unread
    let mut listed = group(1, "team", 3);
    (listed.read, listed.unread) = (1, 2);
    let mut next = App::new(alice(), vec![group(2, "ops", 0), listed], (100, 30));
    next.restore_privates(&kept);
    crate::tui::update::start(&mut next);
    for m in [
        private(&team, 1, bob(), &alice(), "psst"),
        private(&team, 2, bob(), &alice(), "you there?"),
        text(&team, 3, carol(), "public"),
    ] {
        deliver(&mut next, m);
    }
    assert_eq!(next.buffers()[2], with_bob(1));
    assert_eq!(next.activity(with_bob(1)), (1, true));
    assert_eq!(next.groups[1].unread, 1, "the public one");
}
