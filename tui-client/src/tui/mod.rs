//! The terminal chat: one event loop over one channel of [`event::Event`]s, fed by the
//! terminal, the connection manager, HTTP requests and a ticker. The UI task alone owns
//! the [`app::App`]; `update` changes it, `ui::draw` shows it, `effects` acts on the world.
//!
//! - [`app`] — the state; [`update`] — event -> state change + effects (pure);
//!   [`ui`] — drawing; [`event`] — the event enum and its sources; [`commands`] —
//!   `/commands` and completion; [`effects`] — running what `update` asks for;
//!   [`terminal`] — entering and restoring the terminal; [`kept`] — a file kept between
//!   runs, one entry per server and account; [`marks`] — read markers kept between runs; [`cache`] — the groups, last buffer, side pane
//!   and private conversations kept between runs (so the chat opens while the server is
//!   down); [`group_state`] — what a group's view learns besides its messages (read
//!   position, members) and its private conversations, each a buffer of its own;
//!   [`input`] — the input line's text and editing, by grapheme; [`graphemes`] — how wide
//!   text is on screen.
//!
//! However the chat ends (quit, SIGTERM/SIGHUP, the terminal closing), the read markers
//! are saved first, then the terminal is restored; neither may panic, since a closed
//! terminal makes every write fail.

pub mod app;
pub mod cache;
pub mod commands;
pub mod effects;
pub mod event;
#[cfg(test)]
mod fixtures;
pub mod graphemes;
pub mod group_state;
pub mod input;
pub mod kept;
pub mod marks;
pub mod terminal;
pub mod ui;
pub mod update;

use std::io::Write;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use self::app::App;
use self::cache::{ChatState, StateFile};
use self::effects::Executor;
use self::event::Event;
use self::marks::ReadMarks;
use crate::api::{ApiClient, ApiError};
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
    let state_file = StateFile::new(&ctx.config.dir, &ctx.config.server, &token);
    let kept = state_file.load();
    // Fail before touching the terminal: a wrong token is reported as a plain message
    // with its exit code. A server that is down is waited for, from what was kept of
    // the last run; without it, it is reported too.
    let (me, groups, offline) = match open_with(&api).await {
        Ok((me, groups)) => (me.as_ref(), groups, false),
        Err(ApiError::Unreachable { .. }) if kept.me.is_some() => {
            let me = kept.me.clone().ok_or(CliError::NotLoggedIn)?;
            (me, kept.groups.clone(), true)
        }
        Err(e) => return Err(e.into()),
    };

    let (events, mut rx) = mpsc::unbounded_channel::<Event>();
    let ws = ws::spawn(api.server(), &token, events.clone());
    let executor = Executor {
        api,
        config_dir: ctx.config.dir.clone(),
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
    let mut app = App::new(me, groups, size);
    app.restore_read_marks(|group| marks.get(group));
    app.notify = ctx.config.notify.clone();
    app.started_offline = offline;
    app.side_pane = kept.side_pane;
    app.restore_privates(&kept.privates);
    if let Some(index) = kept.last_group.and_then(|id| app.index_of(id)) {
        app.active = Some(index);
        let view = &mut app.groups[index];
        view.showing = kept
            .last_private
            .filter(|with| view.private(*with).is_some());
    }
    executor.run(update::start(&mut app));
    if offline {
        app.notify(
            "the server is down: showing what was kept; connecting when it is back (Ctrl+R now)",
        );
    }
    let result = event_loop(&mut terminal, &mut app, &executor, &mut rx).await;
    cancel.cancel();
    // Saved before anything touches the terminal, which may be gone.
    let kept = state_file.save(ChatState {
        me: Some(app.me.clone()),
        groups: app.groups.iter().map(|v| v.group.clone()).collect(),
        last_group: app.active_group().map(|v| v.group.id),
        side_pane: app.side_pane,
        privates: app.kept_privates(),
        last_private: app.active_group().and_then(|v| v.showing),
    });
    let saved = marks.save(app.read_marks()).and(kept);
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
    let mut title = String::new();
    while !app.should_quit {
        if terminal.draw(|frame| ui::draw(frame, app)).is_err() {
            // The terminal cannot be written to: it was closed, and nobody is left to
            // read a message about it. End as when it is closed.
            return Err(CliError::OutputClosed);
        }
        signal(app, &mut title);
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

/// The user and their groups, asked of the server.
async fn open_with(
    api: &ApiClient,
) -> Result<(quid_shared::User, Vec<quid_shared::Group>), ApiError> {
    Ok((api.me().await?, api.groups().await?))
}

/// Rings the bell once for what arrived since the last frame, and keeps the terminal's
/// title (`quid — 3 unread`) up to date. A failed write is ignored: the next draw
/// notices a terminal that is gone.
fn signal(app: &mut App, title: &mut String) {
    let mut out = std::io::stdout();
    if std::mem::take(&mut app.ring) {
        let _ = out.write_all(b"\x07").and_then(|()| out.flush());
    }
    let now = app.title();
    if now != *title {
        let _ = crossterm::execute!(out, crossterm::terminal::SetTitle(&now));
        *title = now;
    }
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
