//! Entering and leaving the terminal's chat mode, so that an exit, an error or a panic
//! always gives the user back a working shell — and so that a terminal that is already
//! gone (its window closed) never turns leaving into a crash.
//!
//! Nothing here may panic: restoring runs in the panic hook and while unwinding, where a
//! second panic aborts the process. Write errors are therefore ignored, and nothing is
//! printed with `eprintln!`/`println!` (which panic when the terminal is gone). That is
//! why ratatui's `init`/`restore` are not used: `restore` reports failures with
//! `eprintln!`, and ratatui's `Terminal` does the same when dropped.

use std::io::{Stdout, stdout};
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::sync::Once;

use crossterm::cursor::Show;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// The terminal in chat mode. Dropping it (also while a panic unwinds) restores the
/// terminal.
pub struct Screen {
    /// Never dropped: ratatui's `Drop` prints with `eprintln!` when the cursor cannot be
    /// shown, which panics on a closed terminal. [`restore`] shows the cursor instead; all
    /// that is left behind is an output buffer, at exit.
    terminal: ManuallyDrop<Terminal<CrosstermBackend<Stdout>>>,
}

impl Deref for Screen {
    type Target = Terminal<CrosstermBackend<Stdout>>;

    fn deref(&self) -> &Self::Target {
        &self.terminal
    }
}

impl DerefMut for Screen {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.terminal
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        restore();
    }
}

/// Raw mode, alternate screen, mouse and bracketed paste; a panic restores the terminal
/// before the message is printed.
pub fn enter() -> std::io::Result<Screen> {
    install_panic_hook();
    let entered = enable_raw_mode().and_then(|()| {
        execute!(
            stdout(),
            EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste
        )
    });
    let terminal = entered.and_then(|()| Terminal::new(CrosstermBackend::new(stdout())));
    match terminal {
        Ok(terminal) => Ok(Screen {
            terminal: ManuallyDrop::new(terminal),
        }),
        Err(e) => {
            restore();
            Err(e)
        }
    }
}

/// Undoes [`enter`], as far as the terminal still allows; never fails, never panics, and
/// is safe to call more than once.
pub fn restore() {
    let _ = execute!(
        stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        Show
    );
    let _ = disable_raw_mode();
}

/// Restores the terminal before the default hook prints the panic (which ignores write
/// errors itself). Installed once, however often the chat is entered.
fn install_panic_hook() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}
