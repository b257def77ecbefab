//! Whole screens rendered into ratatui's `TestBackend` and compared with insta snapshots.

use quid_shared::{Commitment, CommitmentStatus, Liability, MessageKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

use super::super::app::{App, PaneData, PaneFocus};
use super::super::fixtures::*;
use super::super::update::update;
use crate::tui::event::Event;
use crate::ws::{ConnState, WsEvent};

fn connected(app: &mut App) {
    update(app, Event::Net(WsEvent::State(ConnState::Connected)));
}

/// The group list shows numbers, unread counts and the commitment-change marker.
#[test]
fn group_list_with_unread_counts() {
    let mut app = App::new(
        alice(),
        vec![
            group(1, "team", 0),
            group(2, "ops", 0),
            group(3, "garden", 0),
        ],
        (80, 12),
    );
    connected(&mut app);
    let team = group(1, "team", 0);
    for seq in 1..=3 {
        deliver(&mut app, text(&team, seq, bob(), "news"));
    }
    deliver(
        &mut app,
        text(&group(2, "ops", 0), 1, carol(), "alice, ping"),
    );
    deliver(
        &mut app,
        message(
            &team,
            4,
            MessageKind::Liability,
            None,
            "Liabilities changed: bob: work 0 → 3 hours",
        ),
    );
    insta::assert_snapshot!(render(&app).backend());
}

/// Every kind of message, the read marker, a multi-line message and a mention.
#[test]
fn conversation_with_every_message_kind() {
    let mut app = App::new(alice(), vec![group(1, "team", 2)], (100, 22));
    connected(&mut app);
    let team = group(1, "team", 2);
    deliver(&mut app, text(&team, 1, bob(), "morning all"));
    deliver(
        &mut app,
        text(&team, 2, carol(), "hi alice, shall we plan the week?"),
    );
    app.groups[0].marker = Some(2);
    deliver(
        &mut app,
        text(&team, 3, alice(), "If bob does 5h of work, I'll do 3h"),
    );
    let mut commitment = message(
        &team,
        4,
        MessageKind::Commitment,
        None,
        "alice committed: 3 hours of work if bob does ≥ 5 hours of work",
    );
    commitment.meta = serde_json::json!({"commitment_id": 1});
    deliver(&mut app, commitment);
    deliver(
        &mut app,
        message(
            &team,
            5,
            MessageKind::Liability,
            None,
            "Liabilities changed: alice: work 0 → 3 hours; bob: work 0 → 5 hours",
        ),
    );
    deliver(
        &mut app,
        private(&team, 6, bob(), &alice(), "thanks, I'm in"),
    );
    deliver(
        &mut app,
        private(&team, 7, alice(), &carol(), "can you cover Friday?"),
    );
    deliver(
        &mut app,
        clarification(
            &team,
            8,
            &alice(),
            "How many hours do you mean by \"some\"?",
        ),
    );
    let mut answer = message(
        &team,
        9,
        MessageKind::ClarificationResponse,
        Some(alice()),
        "2 hours",
    );
    answer.private = true;
    answer.target = Some(alice().id);
    deliver(&mut app, answer);
    deliver(
        &mut app,
        text(&team, 10, carol(), "agenda:\n- budget\n- rota"),
    );
    let terminal = render(&app);
    insta::assert_snapshot!(terminal.backend());
    // The mention of "alice" in carol's message is highlighted.
    let buffer = terminal.backend().buffer();
    let highlighted = buffer
        .content()
        .iter()
        .filter(|cell| cell.bg == Color::Yellow)
        .map(|cell| cell.symbol())
        .collect::<String>();
    assert_eq!(highlighted, "alice");
}

/// While a clarification is pending, the input says it can be answered there.
#[test]
fn pending_clarification() {
    let mut app = App::new(alice(), vec![group(1, "team", 0)], (80, 10));
    connected(&mut app);
    let team = group(1, "team", 0);
    deliver(
        &mut app,
        text(&team, 1, alice(), "I'll do a few hours if bob helps"),
    );
    deliver(
        &mut app,
        clarification(&team, 2, &alice(), "How many hours exactly?"),
    );
    insta::assert_snapshot!(render(&app).backend());
}

/// The side pane lists liabilities and the commitments behind them.
#[test]
fn liabilities_pane() {
    let mut app = App::new(alice(), vec![group(1, "team", 0)], (110, 14));
    connected(&mut app);
    let team = group(1, "team", 0);
    deliver(
        &mut app,
        text(&team, 1, bob(), "If alice does 3h, I'll do 5h of work"),
    );
    app.side_pane = true;
    app.pane_focus = PaneFocus::Liabilities;
    let view = &mut app.groups[0];
    view.liabilities = PaneData::Loaded(vec![
        Liability {
            user: alice(),
            action: "work".into(),
            unit: "hours".into(),
            amount: 3.0,
            because: vec![1],
            why: None,
        },
        Liability {
            user: bob(),
            action: "work".into(),
            unit: "hours".into(),
            amount: 5.0,
            because: vec![2],
            why: None,
        },
    ]);
    view.commitments = PaneData::Loaded(vec![
        commitment(1, alice(), "3 hours of work if bob does ≥ 5 hours of work"),
        commitment(2, bob(), "5 hours of work if alice does ≥ 3 hours of work"),
    ]);
    insta::assert_snapshot!(render(&app).backend());
}

/// The status bar tells the truth while the connection is down; a message typed meanwhile
/// shows as on its way.
#[test]
fn reconnecting_status() {
    let mut app = App::new(alice(), vec![group(1, "team", 0)], (80, 8));
    connected(&mut app);
    update(
        &mut app,
        Event::Net(WsEvent::State(ConnState::Reconnecting {
            in_secs: 4,
            reason: "the server is restarting".into(),
        })),
    );
    update(&mut app, Event::Paste("typed while offline".into()));
    update(
        &mut app,
        Event::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Enter,
        )),
    );
    insta::assert_snapshot!(render(&app).backend());
}

/// The help window lists the keys and commands.
#[test]
fn help_window() {
    let mut app = App::new(alice(), vec![group(1, "team", 0)], (90, 36));
    app.show_help = true;
    insta::assert_snapshot!(render(&app).backend());
}

/// The screen's text, one string per row.
fn rows(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let buffer = terminal.backend().buffer();
    let width = usize::from(buffer.area.width);
    buffer
        .content()
        .chunks(width)
        .map(|row| row.iter().map(|cell| cell.symbol()).collect())
        .collect()
}

/// At 80x24 the help is taller than the screen: it starts at the top, says there is
/// more, and scrolls (PgDn, End, Up) until its last entries show.
#[test]
fn help_scrolls_at_80x24() {
    use crossterm::event::{KeyCode, KeyEvent};
    let key = |code| Event::Key(KeyEvent::from(code));
    let mut app = App::new(alice(), vec![group(1, "team", 0)], (80, 24));
    update(&mut app, key(KeyCode::F(1)));
    let top = rows(&render(&app)).join("\n");
    assert!(top.contains("Keys") && top.contains("send the message"));
    assert!(top.contains("1-22 of 45"), "says there is more:\n{top}");
    assert!(!top.contains("/quit"));

    update(&mut app, key(KeyCode::PageDown));
    let paged = rows(&render(&app)).join("\n");
    assert!(paged.contains("/reconnect"), "{paged}");
    update(&mut app, key(KeyCode::PageDown));
    assert_eq!(app.help_scroll, 23, "stops at the end");
    let terminal = render(&app);
    let end = rows(&terminal).join("\n");
    assert!(end.contains("/quit") && end.contains("//text sends a message"));
    insta::assert_snapshot!(terminal.backend());
    update(&mut app, key(KeyCode::Up));
    assert_eq!(app.help_scroll, 22);
    update(&mut app, key(KeyCode::Home));
    assert_eq!(app.help_scroll, 0);
    update(&mut app, key(KeyCode::End));
    assert_eq!(app.help_scroll, 23);
    update(&mut app, key(KeyCode::Esc));
    assert!(!app.show_help);
}

fn commitment(id: i64, creator: quid_shared::UserRef, summary: &str) -> Commitment {
    Commitment {
        id,
        group: group(1, "team", 0).id,
        creator,
        status: CommitmentStatus::Active,
        conditions: Vec::new(),
        promises: Vec::new(),
        source_text: None,
        source_message: None,
        summary: summary.into(),
        created_at: T0,
        revoked_at: None,
        version: 1,
        meta: serde_json::Value::Null,
    }
}

/// A long message being written wraps in the input, which grows to show it.
#[test]
fn long_input_wraps() {
    let mut app = App::new(alice(), vec![group(1, "team", 0)], (60, 10));
    update(
        &mut app,
        Event::Paste(
            "If bob does at least 3 hours of testing, I will do 2 hours plus 50% of any excess"
                .into(),
        ),
    );
    insta::assert_snapshot!(render(&app).backend());
}

/// The side pane shows each liability's why, and an offer tried with `/whatif` on top:
/// how it reads and before → after.
#[test]
fn side_pane_shows_why_and_whatif() {
    let mut app = App::new(alice(), vec![group(1, "team", 0)], (140, 20));
    connected(&mut app);
    app.side_pane = true;
    app.pane_focus = PaneFocus::Liabilities;
    let bound = Liability {
        user: alice(),
        action: "work".into(),
        unit: "hours".into(),
        amount: 2.0,
        because: vec![-1],
        why: Some("2 hours of work, because of the offer tried".into()),
    };
    let view = &mut app.groups[0];
    view.liabilities = PaneData::Loaded(vec![Liability {
        why: Some("3 hours of work, because of c1 (bob: …)".into()),
        ..bound.clone()
    }]);
    view.commitments = PaneData::Loaded(Vec::new());
    view.whatif = Some((
        "I'll do 2h".into(),
        PaneData::Loaded(quid_shared::WhatIf {
            commitments: vec![quid_shared::ProposedCommitment {
                summary: "2 hours of work, unconditionally".into(),
                conditions: Vec::new(),
                promises: Vec::new(),
            }],
            withdraws: None,
            replaces: None,
            question: None,
            before: Vec::new(),
            after: vec![bound],
            changes: vec![quid_shared::LiabilityChange {
                user: alice(),
                action: "work".into(),
                unit: "hours".into(),
                old: 0.0,
                new: 2.0,
            }],
        }),
    ));
    let screen = rows(&render(&app)).join("\n");
    for shown in [
        "What if: I'll do 2h",
        "reads as: 2 hours of work,",
        "alice: work 0 → 2 hours",
        "alice: 3 hours of work, because of c1",
    ] {
        assert!(screen.contains(shown), "{shown}:\n{screen}");
    }
}
