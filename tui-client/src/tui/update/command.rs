//! What each `/command` does to the chat and which requests it makes.

use super::super::app::{App, Outgoing, PaneData, PaneFocus};
use super::super::commands::Command;
use super::super::effects::{ApiRequest, Effect};
use super::{pane_requests, switch_to};
use crate::api::{ApiError, find_group};
use crate::ws::WsCommand;

/// Carries out a parsed command.
pub fn apply(app: &mut App, command: Command) -> Vec<Effect> {
    match command {
        Command::Join(name) => join(app, &name, true),
        Command::Leave(name) => leave(app, name.as_deref()),
        Command::Create { name, description } => {
            vec![Effect::Api(ApiRequest::CreateGroup { name, description })]
        }
        Command::Add(username) => match app.active_group() {
            Some(view) => vec![Effect::Api(ApiRequest::AddMember {
                group: view.group.id,
                username,
            })],
            None => no_group(app),
        },
        Command::Msg { to, text } => send(app, text, Some(to)),
        Command::Commitments => show_pane(app, PaneFocus::Commitments),
        Command::Liabilities => show_pane(app, PaneFocus::Liabilities),
        Command::WhatIf(text) => whatif(app, text),
        Command::Revoke(id) => vec![Effect::Api(ApiRequest::Revoke { id })],
        Command::Help => {
            app.show_help = true;
            app.help_scroll = 0;
            Vec::new()
        }
        Command::Quit => {
            app.should_quit = true;
            Vec::new()
        }
    }
}

/// Switches to a known group; otherwise refreshes the list once and tries again.
pub fn join(app: &mut App, name: &str, may_refresh: bool) -> Vec<Effect> {
    let groups: Vec<_> = app.groups.iter().map(|g| g.group.clone()).collect();
    match find_group(&groups, name) {
        Ok(group) => {
            let id = group.id;
            match app.index_of(id) {
                Some(index) => switch_to(app, index),
                None => Vec::new(),
            }
        }
        Err(ApiError::NoSuchGroup(_)) if may_refresh => {
            app.pending_join = Some(name.to_owned());
            vec![Effect::Api(ApiRequest::Groups)]
        }
        Err(ApiError::NoSuchGroup(_)) => {
            app.error(format!(
                "you are not in a group named {name}; a member can /add you"
            ));
            Vec::new()
        }
        Err(e) => {
            app.error(e.to_string());
            Vec::new()
        }
    }
}

fn leave(app: &mut App, name: Option<&str>) -> Vec<Effect> {
    let group = match name {
        None => app.active_group().map(|g| g.group.clone()),
        Some(name) => {
            let groups: Vec<_> = app.groups.iter().map(|g| g.group.clone()).collect();
            match find_group(&groups, name) {
                Ok(group) => Some(group.clone()),
                Err(e) => {
                    app.error(e.to_string());
                    return Vec::new();
                }
            }
        }
    };
    match group {
        Some(group) => {
            app.leaving.push(group.id);
            vec![Effect::Api(ApiRequest::Leave {
                group: group.id,
                me: app.me.id,
            })]
        }
        None => no_group(app),
    }
}

fn show_pane(app: &mut App, focus: PaneFocus) -> Vec<Effect> {
    app.side_pane = true;
    app.pane_focus = focus;
    match app.active_group_mut() {
        Some(view) => {
            view.pane_stale = false;
            pane_requests(view.group.id)
        }
        None => no_group(app),
    }
}

/// Tries an offer: the side pane opens with what it would change (nothing is sent).
fn whatif(app: &mut App, text: Option<String>) -> Vec<Effect> {
    let Some(view) = app.active_group_mut() else {
        return no_group(app);
    };
    let group = view.group.id;
    match text {
        None => {
            view.whatif = None;
            Vec::new()
        }
        Some(text) => {
            view.whatif = Some((text.clone(), PaneData::NotLoaded));
            app.side_pane = true;
            vec![Effect::Api(ApiRequest::WhatIf { group, text })]
        }
    }
}

fn no_group(app: &mut App) -> Vec<Effect> {
    app.error("no group open: /create NAME or /join GROUP");
    Vec::new()
}

/// Sends a message to the group on screen (private to `to` when given).
pub fn send(app: &mut App, content: String, to: Option<String>) -> Vec<Effect> {
    let client_id = app.next_client_id();
    let Some(view) = app.active_group_mut() else {
        app.error("no group to send to: /create NAME or /join GROUP");
        return Vec::new();
    };
    view.scroll = 0;
    let outgoing = Outgoing {
        client_id,
        group: view.group.id,
        content,
        to,
    };
    app.outbox.push(outgoing.clone());
    vec![Effect::Ws(WsCommand::Send {
        group: outgoing.group,
        content: outgoing.content,
        client_id: outgoing.client_id,
        to: outgoing.to,
    })]
}
