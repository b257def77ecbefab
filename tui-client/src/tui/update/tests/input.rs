//! `update` for the input line: sending, new lines, paste, commands and their errors,
//! history, tab completion, the editing keys, quitting.

use crossterm::event::{KeyCode, KeyModifiers};

use crate::tui::effects::Effect;
use crate::tui::event::Event;
use crate::tui::fixtures::*;
use crate::tui::update::update;
use crate::ws::WsCommand;

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
    app.input = crate::tui::input::InputLine::default();
    type_text(&mut app, "hi ");
    type_text(&mut app, "@");
    update(&mut app, press(KeyCode::Tab));
    assert_eq!(app.input_text(), "hi @bob ");
    update(&mut app, press(KeyCode::Tab));
    assert_eq!(app.input_text(), "hi @carol ");
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
