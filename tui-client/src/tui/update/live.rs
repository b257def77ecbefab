//! Frames about people and positions rather than messages — presence, status, typing,
//! read positions from other devices, groups I was added to, member changes — and what
//! the chat tells the server of its own: how far it read, and that the user is typing.

use quid_shared::ClientFrame;

use super::super::app::{App, Typing};
use super::super::effects::Effect;
use super::merge_groups_keep;
use super::ui;
use crate::ws::{ConnState, WsCommand, WsEvent};

/// Seconds "bob is typing…" stays shown after the last `typing` frame.
pub(super) const TYPING_SHOWN: u32 = 5;

/// A frame about people (presence, status, typing, read, added, member).
pub(super) fn on_people(app: &mut App, event: WsEvent) -> Vec<Effect> {
    match event {
        WsEvent::Presence { group, online } => {
            if let Some(view) = app.index_of(group).map(|i| &mut app.groups[i]) {
                view.online = online;
            }
            Vec::new()
        }
        WsEvent::Status {
            group,
            user,
            online,
        } => {
            if let Some(view) = app.index_of(group).map(|i| &mut app.groups[i]) {
                view.online.retain(|id| *id != user);
                if online {
                    view.online.push(user);
                }
            }
            Vec::new()
        }
        WsEvent::Typing {
            group,
            user,
            private,
        } => {
            if let Some(view) = app.index_of(group).map(|i| &mut app.groups[i]) {
                view.typing.retain(|t| t.user != user.username);
                view.typing.push(Typing {
                    user: user.username,
                    private,
                    ttl: TYPING_SHOWN,
                });
            }
            Vec::new()
        }
        WsEvent::Read { group, seq } => {
            if let Some(view) = app.index_of(group).map(|i| &mut app.groups[i]) {
                view.mark_read(seq, app.me.id);
            }
            Vec::new()
        }
        WsEvent::Added { group } => {
            let name = group.name.clone();
            let effects = merge_groups_keep(app, vec![*group]);
            app.notify(format!("you were added to #{name}"));
            effects
        }
        WsEvent::Member {
            group,
            change,
            user,
            by,
        } => {
            if let Some(view) = app.index_of(group).map(|i| &mut app.groups[i]) {
                view.member_changed(change, user, by);
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Seconds between two `typing` frames while the user types.
const TYPING_EVERY: u64 = 3;

/// While the user types a message (not a command) in the group on screen, the server is
/// told at most every [`TYPING_EVERY`] seconds.
pub(super) fn typing(app: &mut App) -> Vec<Effect> {
    let text = app.input_text();
    if app.conn != ConnState::Connected
        || text.trim().is_empty()
        || super::super::commands::is_command(&text)
        || app.editing.is_some()
        || app
            .typing_told
            .is_some_and(|at| app.ticks < at + TYPING_EVERY)
    {
        return Vec::new();
    }
    let Some((group, to)) = app
        .active_group()
        .map(|v| (v.group.id, v.query().map(|u| u.username.clone())))
    else {
        return Vec::new();
    };
    app.typing_told = Some(app.ticks);
    // in a private conversation, only its other party is told
    vec![Effect::Ws(WsCommand::Once(ClientFrame::Typing {
        group,
        to,
    }))]
}

/// Tells the server how far the group on screen is read, when that moved (at most once
/// a tick, so a replay of many messages is one frame).
pub(super) fn read_position(app: &mut App) -> Vec<Effect> {
    if app.conn != ConnState::Connected {
        return Vec::new();
    }
    let Some(view) = app.active_group_mut() else {
        return Vec::new();
    };
    // the group is read to its end only while it is on screen (not one of its private
    // conversations)
    let read = match view.showing {
        Some(_) => view.read_upto,
        None => view.read_upto.max(view.last_seq()),
    };
    if read <= view.read_sent {
        return Vec::new();
    }
    view.read_sent = read;
    vec![Effect::Ws(WsCommand::Once(ClientFrame::Read {
        group: view.group.id,
        seq: read,
    }))]
}

/// Scrolls the conversation so that message `seq` of the group on screen is at the top
/// (the line above it when it is the first).
pub(super) fn jump_to(app: &mut App, seq: i64) {
    let Some(index) = app.active else {
        return;
    };
    let (width, height) = ui::conversation_size(app);
    match ui::conversation_line_of(app, index, seq, width) {
        Some((line, total)) => {
            let below = total.saturating_sub(line);
            app.groups[index].scroll = below.saturating_sub(usize::from(height));
        }
        None => app.error(format!(
            "#{seq} is not loaded: scroll up (PgUp) to load older messages"
        )),
    }
}
