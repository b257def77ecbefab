//! `update` for the side pane: refreshed or marked by commitment and liability changes,
//! missing endpoints, scrolling, `/whatif`.

use crossterm::event::KeyCode;
use quid_shared::MessageKind;

use crate::tui::app::{App, PaneData};
use crate::tui::effects::{ApiRequest, Effect};
use crate::tui::event::{ApiOutcome, Event, RequestError};
use crate::tui::fixtures::*;
use crate::tui::update::{start, update};

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
        arrives(message(
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
        arrives(message(
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

/// The commitment-change marker is set only by changes not seen before: replaying the
/// backlog up to the read marker leaves it off, a newer commitment sets it.
#[test]
fn replayed_commitments_do_not_mark_the_group() {
    let team = group(2, "team", 5);
    let mut app = App::new(alice(), vec![group(1, "a", 0), team.clone()], (100, 30));
    app.restore_read_marks(|_| Some(4));
    start(&mut app);
    for seq in 3..=4 {
        update(
            &mut app,
            arrives(message(&team, seq, MessageKind::Commitment, None, "seen")),
        );
    }
    assert!(!app.groups[1].pane_stale, "seen before this run");
    update(
        &mut app,
        arrives(message(&team, 5, MessageKind::Liability, None, "new")),
    );
    assert!(app.groups[1].pane_stale, "arrived after the read marker");
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
