//! Entering and leaving the terminal's chat mode, so that an exit, an error or a panic
//! always gives the user back a working shell.

use std::io::stdout;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use ratatui::DefaultTerminal;

/// Raw mode, alternate screen, mouse and bracketed paste; a panic restores the terminal
/// before the message is printed.
pub fn enter() -> std::io::Result<DefaultTerminal> {
    // `ratatui::init` installs a panic hook that restores raw mode and the screen; ours
    // runs first and also turns mouse capture and bracketed paste off.
    let terminal = ratatui::init();
    let ratatui_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(stdout(), DisableMouseCapture, DisableBracketedPaste);
        ratatui_hook(info);
    }));
    if let Err(e) = execute!(stdout(), EnableMouseCapture, EnableBracketedPaste) {
        leave();
        return Err(e);
    }
    Ok(terminal)
}

/// Undoes [`enter`]; safe to call more than once.
pub fn leave() {
    let _ = execute!(stdout(), DisableMouseCapture, DisableBracketedPaste);
    ratatui::restore();
}
