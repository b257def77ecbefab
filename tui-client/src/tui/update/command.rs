//! What each `/command` does to the chat and which requests it makes.

use super::super::app::Buffer;
use super::super::app::{App, Outgoing, PaneData, PaneFocus};
use super::super::commands::Command;
use super::super::effects::{ApiRequest, Effect};
use super::super::event::RequestError;
use super::{open_group, pane_requests, switch_to, switch_to_buffer};
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
        Command::Invite => match app.active_group() {
            Some(view) => vec![Effect::Api(ApiRequest::Invite {
                group: view.group.id,
            })],
            None => no_group(app),
        },
        Command::Kick(username) => kick(app, &username),
        Command::Msg { to, text } => send(app, text, Some(to)),
        Command::Query { to, text } => query(app, to, text),
        Command::Close(with) => close(app, with.as_deref()),
        Command::Commitments => show_pane(app, PaneFocus::Commitments),
        Command::Liabilities => show_pane(app, PaneFocus::Liabilities),
        Command::WhatIf(text) => whatif(app, text),
        Command::Revoke(id) => vec![Effect::Api(ApiRequest::Revoke { id })],
        Command::Names => names(app),
        Command::Topic(topic) => topic_command(app, topic),
        Command::Search(query) => match app.active_group() {
            Some(view) => vec![Effect::Api(ApiRequest::Search {
                group: view.group.id,
                query,
            })],
            None => no_group(app),
        },
        Command::Jump(seq) => {
            super::live::jump_to(app, seq);
            Vec::new()
        }
        Command::Delete(seq) => delete(app, seq),
        Command::React { seq, emoji, remove } => react(app, seq, emoji, remove),
        Command::Notify(level) => notify(app, level),
        Command::Reconnect => {
            app.notify("connecting now…");
            vec![Effect::Ws(WsCommand::Reconnect)]
        }
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

/// Removes a member of the current group, found by name.
fn kick(app: &mut App, username: &str) -> Vec<Effect> {
    let Some(view) = app.active_group() else {
        return no_group(app);
    };
    let group = view.group.id;
    let member = view.group.members.iter().find(|m| m.username == username);
    match member {
        Some(member) => vec![Effect::Api(ApiRequest::Kick {
            group,
            user: member.id,
            username: member.username.clone(),
        })],
        None => {
            app.error(format!("{username} is not a member of this group"));
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

/// `/query bob`: opens the private conversation with bob, a buffer of its own, and shows
/// it; `/query` alone goes back to the whole group.
fn query(app: &mut App, to: Option<String>, text: Option<String>) -> Vec<Effect> {
    let (Some(group), Some(view)) = (app.active, app.active_group()) else {
        return no_group(app);
    };
    let Some(name) = to else {
        return switch_to(app, group);
    };
    let Some(member) = view
        .group
        .members
        .iter()
        .find(|m| m.username.eq_ignore_ascii_case(&name))
        .cloned()
    else {
        app.error(format!("{name} is not a member of this group"));
        return Vec::new();
    };
    if member.id == app.me.id {
        app.error("a private conversation is with someone else");
        return Vec::new();
    }
    let me = app.me.id;
    app.groups[group].open_private(member.clone(), me);
    let mut effects = switch_to_buffer(
        app,
        Buffer {
            group,
            with: Some(member.id),
        },
    );
    if let Some(text) = text {
        effects.extend(send(app, text, Some(member.username)));
    }
    effects
}

/// `/close [bob]`: closes a private conversation of the group on screen (the one on
/// screen by default); its messages show in the group again.
fn close(app: &mut App, with: Option<&str>) -> Vec<Effect> {
    let Some(view) = app.active_group_mut() else {
        return no_group(app);
    };
    let found = match with {
        None => view.showing,
        Some(name) => view
            .privates
            .iter()
            .find(|p| p.with.username.eq_ignore_ascii_case(name))
            .map(|p| p.with.id),
    };
    let was_showing = view.showing.is_some() && view.showing == found;
    match found.and_then(|with| view.close_private(with)) {
        Some(closed) => {
            view.scroll = 0;
            app.notify(format!(
                "closed the private conversation with {}",
                closed.with.username
            ));
            if was_showing {
                return open_group(app);
            }
            Vec::new()
        }
        None => {
            app.error(match with {
                Some(name) => format!("no private conversation with {name} here"),
                None => "no private conversation on screen: /close USER (/leave leaves a group)"
                    .to_owned(),
            });
            Vec::new()
        }
    }
}

fn names(app: &mut App) -> Vec<Effect> {
    let Some(view) = app.active_group() else {
        return no_group(app);
    };
    let names = view.member_names();
    let online = view.online.len();
    let text = format!(
        "{} members, {online} connected: {}",
        names.len(),
        names.join(" ")
    );
    app.notify(text);
    Vec::new()
}

fn topic_command(app: &mut App, topic: Option<String>) -> Vec<Effect> {
    let Some(view) = app.active_group() else {
        return no_group(app);
    };
    let group = view.group.id;
    match topic {
        None => {
            let text = match &view.group.topic {
                Some(topic) => format!("topic: {topic}"),
                None => "no topic: /topic TEXT sets one".to_owned(),
            };
            app.notify(text);
            Vec::new()
        }
        Some(topic) => vec![Effect::Api(ApiRequest::Topic {
            group,
            topic: Some(topic).filter(|t| !t.is_empty()),
        })],
    }
}

fn delete(app: &mut App, seq: Option<i64>) -> Vec<Effect> {
    let me = app.me.id;
    let Some(view) = app.active_group() else {
        return no_group(app);
    };
    let group = view.group.id;
    match seq.or_else(|| view.last_own(me).map(|m| m.seq)) {
        Some(seq) => vec![Effect::Api(ApiRequest::Delete { group, seq })],
        None => {
            app.error("you have no message here to delete");
            Vec::new()
        }
    }
}

fn react(app: &mut App, seq: Option<i64>, emoji: String, remove: bool) -> Vec<Effect> {
    let Some(view) = app.active_group() else {
        return no_group(app);
    };
    let group = view.group.id;
    let last = view
        .messages
        .iter()
        .rev()
        .find(|m| !m.is_deleted())
        .map(|m| m.seq);
    match seq.or(last) {
        Some(seq) => vec![Effect::Api(ApiRequest::React {
            group,
            seq,
            emoji,
            remove,
        })],
        None => {
            app.error("no message to react to");
            Vec::new()
        }
    }
}

fn notify(app: &mut App, level: Option<crate::config::NotifyLevel>) -> Vec<Effect> {
    let Some(view) = app.active_group() else {
        return no_group(app);
    };
    let group = view.group.clone();
    match level {
        None => {
            let level = app.notify_level(&group);
            app.notify(format!(
                "#{} rings the bell for: {}",
                group.name,
                format!("{level:?}").to_lowercase()
            ));
            Vec::new()
        }
        Some(level) => {
            let key = group.id.to_string();
            app.notify.insert(key.clone(), level);
            vec![Effect::Api(ApiRequest::SaveNotify { key, level })]
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

/// A request that ends in a few words (`what`; empty: nothing to say) has ended.
pub(super) fn done(app: &mut App, what: String, result: Result<(), RequestError>) {
    match result {
        Ok(()) if what.is_empty() => {}
        Ok(()) => app.notify(what),
        Err(e) => app.error(request_failed(e)),
    }
}

/// `/search` has its answer: the results open the side pane.
pub(super) fn found(
    app: &mut App,
    group: quid_shared::Id,
    query: String,
    result: Result<Vec<quid_shared::Message>, RequestError>,
) {
    match result {
        Ok(messages) => {
            app.notify(format!(
                "{} found for \"{query}\": /jump SEQ to go to one",
                messages.len()
            ));
            app.search = Some(super::super::app::SearchResults {
                group,
                query,
                messages,
            });
            app.side_pane = true;
            app.pane_scroll = 0;
        }
        Err(e) => app.error(request_failed(e)),
    }
}

/// A failed request in words.
fn request_failed(error: RequestError) -> String {
    match error {
        RequestError::Unsupported => "the server does not offer this".to_owned(),
        RequestError::Failed(e) => e,
    }
}
