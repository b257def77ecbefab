//! `update` without a terminal or a server: events in, state and effects out. One file
//! per area of the chat.

mod chat;
mod conversation;
mod groups;
mod input;
mod pane;
mod people;
mod private;

use crossterm::event::{KeyCode, KeyModifiers};

use crate::tui::app::App;
use crate::tui::fixtures::*;
use crate::tui::update::update;
use crate::ws::{ConnState, WsEvent};

/// Team on screen, connected.
fn on_team() -> App {
    let mut app = app();
    update(&mut app, net(WsEvent::State(ConnState::Connected)));
    update(&mut app, key(KeyCode::Char('2'), KeyModifiers::ALT));
    app
}
