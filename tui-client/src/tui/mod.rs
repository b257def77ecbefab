//! The terminal chat: one event loop over one channel of [`event::Event`]s, fed by the
//! terminal, the connection manager, HTTP requests and a ticker. The UI task alone owns
//! the [`app::App`]; `update` changes it, `ui::draw` shows it, `effects` acts on the world.
//!
//! - [`app`] — the state; [`update`] — event -> state change + effects (pure);
//!   [`ui`] — drawing; [`event`] — the event enum and its sources; [`commands`] —
//!   `/commands` and completion; [`effects`] — running what `update` asks for;
//!   [`terminal`] — entering and restoring the terminal; [`marks`] — read markers kept
//!   between runs.
//!
//! However the chat ends (quit, SIGTERM/SIGHUP, the terminal closing), the read markers
//! are saved first, then the terminal is restored; neither may panic, since a closed
//! terminal makes every write fail.

pub mod app;
pub mod commands;
pub mod effects;
pub mod event;
#[cfg(test)]
mod fixtures;
pub mod marks;
pub mod terminal;
pub mod ui;
pub mod update;

use std::io::Write;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use self::app::App;
use self::effects::Executor;
use self::event::Event;
use self::marks::ReadMarks;
use crate::context::{CliError, Context};
use crate::ws;

/// Most events applied between two draws (a replay burst is drawn once, not 100 times).
const EVENTS_PER_FRAME: usize = 256;

/// Opens the chat and runs it until the user quits.
pub async fn run(ctx: &Context) -> Result<(), CliError> {
    use std::io::IsTerminal;
    let api = ctx.authed()?.clone();
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(CliError::NoTerminal);
    }
    let token = api.token().ok_or(CliError::NotLoggedIn)?.to_owned();
    // Fail before touching the terminal: a wrong token or a down server is reported as
    // a plain message with its exit code.
    let me = api.me().await?;
    let groups = api.groups().await?;

    let (events, mut rx) = mpsc::unbounded_channel::<Event>();
    let ws = ws::spawn(api.server(), &token, events.clone());
    let executor = Executor {
        api,
        ws,
        events: events.clone(),
    };
    let mut terminal = terminal::enter()?;
    let cancel = CancellationToken::new();
    event::spawn_terminal_events(events.clone(), cancel.clone());
    event::spawn_ticks(events, cancel.clone());

    let size = terminal
        .size()
        .map(|s| (s.width, s.height))
        .unwrap_or((80, 24));
    let marks = ReadMarks::load(&ctx.config.dir, &ctx.config.server, me.id);
    let mut app = App::new(me.as_ref(), groups, size);
    app.restore_read_marks(|group| marks.get(group));
    executor.run(update::start(&mut app));
    let result = event_loop(&mut terminal, &mut app, &executor, &mut rx).await;
    cancel.cancel();
    // Saved before anything touches the terminal, which may be gone.
    let saved = marks.save(app.read_marks());
    drop(terminal);
    if let Err(e) = saved {
        // Not `eprintln!`: it panics when stderr is the closed terminal.
        let _ = writeln!(
            std::io::stderr(),
            "quid: could not keep the read markers: {e}"
        );
    }
    result
}

/// Runs until the user quits, a signal ends the chat, or the terminal is gone.
async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    executor: &Executor,
    rx: &mut mpsc::UnboundedReceiver<Event>,
) -> Result<(), CliError> {
    let mut terminate = terminate_signal()?;
    while !app.should_quit {
        if terminal.draw(|frame| ui::draw(frame, app)).is_err() {
            // The terminal cannot be written to: it was closed, and nobody is left to
            // read a message about it. End as when it is closed.
            return Err(CliError::OutputClosed);
        }
        tokio::select! {
            event = rx.recv() => {
                let Some(event) = event else { break };
                executor.run(update::update(app, event));
                for _ in 1..EVENTS_PER_FRAME {
                    let Ok(event) = rx.try_recv() else { break };
                    executor.run(update::update(app, event));
                }
            }
            _ = terminate.recv() => break,
        }
    }
    Ok(())
}

/// SIGTERM / SIGHUP end the chat cleanly (the terminal is restored).
#[cfg(unix)]
fn terminate_signal() -> std::io::Result<mpsc::UnboundedReceiver<()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let (tx, rx) = mpsc::unbounded_channel();
    let mut term = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    tokio::spawn(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = hangup.recv() => {}
        }
        let _ = tx.send(());
    });
    Ok(rx)
}

#[cfg(not(unix))]
fn terminate_signal() -> std::io::Result<mpsc::UnboundedReceiver<()>> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::mem::forget(tx);
    Ok(rx)
}
