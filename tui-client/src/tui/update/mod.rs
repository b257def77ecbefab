//! `update`: how each [`Event`] changes the [`App`], and which effects it asks for. Pure —
//! no terminal, no network — so it is tested directly.
//!
//! Keys, mouse and paste live in `keys`, `/commands` in `command`, frames about people
//! and read positions in `live`; messages and HTTP results are handled here.

mod command;
mod keys;
mod live;
#[cfg(test)]
mod tests;

use quid_shared::{Group, Id, Message, MessageKind};

use super::app::{App, Buffer, GroupView, PaneData};
use super::effects::{ApiRequest, Effect};
use super::event::{ApiOutcome, Event, RequestError};
use super::ui;
use crate::config::NotifyLevel;
use crate::ws::{ConnState, WsCommand, WsEvent};

/// Refresh the group list this often (seconds), to notice groups others added us to.
const REFRESH_EVERY: u32 = 30;

/// The effects to run when the chat opens: join every group with some backlog.
pub fn start(app: &mut App) -> Vec<Effect> {
    let mut effects: Vec<Effect> = app
        .groups
        .iter()
        .map(|g| {
            Effect::Ws(WsCommand::Join {
                group: g.group.id,
                since: Some(g.initial_since()),
            })
        })
        .collect();
    if app.groups.is_empty() {
        app.notify("you are in no group yet: /create NAME, or ask a member to /add you");
    }
    effects.extend(open_group(app));
    effects
}

/// Applies one event.
pub fn update(app: &mut App, event: Event) -> Vec<Effect> {
    match event {
        Event::Key(key) => keys::on_key(app, key),
        Event::Paste(text) => keys::on_paste(app, &text),
        Event::Mouse(mouse) => keys::on_mouse(app, mouse),
        Event::Resize(w, h) => {
            app.size = (w, h);
            Vec::new()
        }
        Event::Net(event) => on_net(app, event),
        Event::Api(outcome) => on_api(app, outcome),
        Event::Tick => on_tick(app),
        Event::TerminalClosed => {
            app.should_quit = true;
            Vec::new()
        }
    }
}

fn on_tick(app: &mut App) -> Vec<Effect> {
    if let Some(notice) = &mut app.notice {
        notice.ttl = notice.ttl.saturating_sub(1);
        if notice.ttl == 0 {
            app.notice = None;
        }
    }
    for view in &mut app.groups {
        for typing in &mut view.typing {
            typing.ttl = typing.ttl.saturating_sub(1);
        }
        view.typing.retain(|t| t.ttl > 0);
    }
    app.ticks += 1;
    let mut effects = live::read_position(app);
    app.ticks_since_refresh += 1;
    if app.ticks_since_refresh >= REFRESH_EVERY && app.conn == ConnState::Connected {
        app.ticks_since_refresh = 0;
        effects.push(Effect::Api(ApiRequest::Groups));
    }
    effects
}

fn on_net(app: &mut App, event: WsEvent) -> Vec<Effect> {
    match event {
        WsEvent::State(state) => {
            let reconnected = state == ConnState::Connected
                && (app.was_connected || std::mem::take(&mut app.started_offline));
            if state == ConnState::Connected {
                app.was_connected = true;
            }
            app.conn = state;
            if reconnected {
                // Membership may have changed while we were away.
                return vec![Effect::Api(ApiRequest::Groups)];
            }
            Vec::new()
        }
        WsEvent::Message(message) => on_message(app, message),
        WsEvent::Acked { client_id } => {
            app.outbox.retain(|o| o.client_id != client_id);
            Vec::new()
        }
        WsEvent::Joined { .. } => Vec::new(),
        WsEvent::Presence { .. }
        | WsEvent::Status { .. }
        | WsEvent::Typing { .. }
        | WsEvent::Read { .. }
        | WsEvent::Added { .. }
        | WsEvent::Member { .. } => live::on_people(app, event),
        WsEvent::Removed { group } => {
            let how = departure(app, group, Departure::Removed);
            remove_group(app, group, how)
        }
        WsEvent::Error {
            message, reference, ..
        } => {
            let refused = app
                .outbox
                .iter()
                .position(|o| Some(o.client_id.as_str()) == reference.as_deref());
            if let Some(at) = refused {
                // the refused text goes back into the input, to be fixed and sent again
                let refused = app.outbox.remove(at);
                if app.input.is_empty() {
                    keys::set_input(app, &refused.content);
                }
                app.error(format!("not sent: {message}"));
            } else {
                app.error(format!("server: {message}"));
            }
            Vec::new()
        }
    }
}

/// A message arrived (live or replayed, never twice).
fn on_message(app: &mut App, message: Message) -> Vec<Effect> {
    if let Some(client_id) = &message.client_id {
        app.outbox.retain(|o| &o.client_id != client_id);
    }
    let Some(index) = app.index_of(message.group) else {
        return Vec::new();
    };
    // A reader scrolled back keeps their place while new lines arrive below.
    let anchored = app.active == Some(index) && app.groups[index].scroll > 0;
    let width = ui::conversation_size(app).0;
    let before = anchored.then(|| ui::conversation_lines(app, index, width));
    let effects = record_message(app, index, message);
    if let Some(before) = before {
        let after = ui::conversation_lines(app, index, width);
        if let Some(view) = app.groups.get_mut(index) {
            view.scroll += after.saturating_sub(before);
        }
    }
    effects
}

/// Stores a message in group `index`: unread counts (the group's, or those of the private
/// conversation it belongs to), mentions, clarification state, and the side pane's
/// freshness.
fn record_message(app: &mut App, index: usize, message: Message) -> Vec<Effect> {
    let me = app.me.id;
    let concerns_me = crate::notify::concerns(&message, &app.me);
    let level = app.notify_level(&app.groups[index].group);
    let rings = match level {
        NotifyLevel::All => !message.kind.is_change(),
        NotifyLevel::Mentions => concerns_me,
        NotifyLevel::None => false,
    };
    let is_active = app.active == Some(index);
    let pane_open = app.side_pane;
    let view = &mut app.groups[index];
    let private = view.private_of(&message, me);
    let on_screen = is_active && view.showing == private;
    let (seq, kind) = (message.seq, message.kind);
    let mine = message.author.as_ref().is_some_and(|a| a.id == me);
    let clarification_for_me =
        kind == MessageKind::ClarificationRequest && message.target == Some(me);
    let answers_clarification = (mine
        && matches!(kind, MessageKind::User | MessageKind::ClarificationResponse))
        || (kind == MessageKind::ClarificationResponse && message.target == Some(me));
    let author = message.author.as_ref().map(|a| a.username.clone());
    if !view.insert(message) {
        return Vec::new();
    }
    if let Some(author) = author {
        view.typing.retain(|t| t.user != author);
    }
    if clarification_for_me {
        view.pending_clarification = Some(seq);
    } else if answers_clarification && view.pending_clarification.is_some_and(|p| seq > p) {
        view.pending_clarification = None;
    }
    let unseen = match private.and_then(|with| view.private(with)) {
        Some(conversation) => seq > conversation.read_upto,
        None => seq > view.read_upto,
    };
    if unseen && !mine && rings {
        app.ring = true;
    }
    let view = &mut app.groups[index];
    if let Some(with) = private {
        // the server counted it in the group's unread: it counts here instead
        if !mine && seq > view.read_upto && seq <= view.counted_upto {
            view.unread = view.unread.saturating_sub(1);
        }
        if let Some(conversation) = view.private_mut(with)
            && unseen
        {
            if on_screen {
                conversation.read_upto = seq;
            } else if !mine {
                conversation.unread += 1;
                conversation.alerts += usize::from(rings);
            }
        }
        return Vec::new();
    }
    if unseen {
        if on_screen {
            view.read_upto = seq;
        } else if !mine {
            if seq > view.counted_upto {
                view.unread += 1;
            }
            view.mentioned |= concerns_me;
            if rings {
                view.alerts += 1;
            }
        }
    }
    // A change already seen (replayed from before the read marker) marks nothing.
    let changes_pane = matches!(kind, MessageKind::Commitment | MessageKind::Liability);
    if changes_pane && unseen {
        if is_active && pane_open {
            return pane_requests(view.group.id);
        }
        view.pane_stale = true;
    }
    Vec::new()
}

fn on_api(app: &mut App, outcome: ApiOutcome) -> Vec<Effect> {
    match outcome {
        ApiOutcome::Done { what, result } => {
            command::done(app, what, result);
            Vec::new()
        }
        ApiOutcome::Found {
            group,
            query,
            result,
        } => {
            command::found(app, group, query, result);
            Vec::new()
        }
        ApiOutcome::Groups(Ok(groups)) => merge_groups(app, groups),
        ApiOutcome::GroupCreated(Ok(group)) => {
            let id = group.id;
            app.notify(format!("created #{}", group.name));
            let mut effects = merge_groups_keep(app, vec![group]);
            if let Some(index) = app.index_of(id) {
                effects.extend(switch_to(app, index));
            }
            effects
        }
        ApiOutcome::MemberAdded {
            group,
            username,
            result: Ok(()),
        } => {
            let name = app
                .index_of(group)
                .map_or(String::new(), |i| app.groups[i].group.name.clone());
            app.notify(format!("added {username} to #{name}"));
            vec![Effect::Api(ApiRequest::Groups)]
        }
        ApiOutcome::Invited {
            group,
            result: Ok(code),
        } => {
            let name = app
                .index_of(group)
                .map_or(String::new(), |i| app.groups[i].group.name.clone());
            app.notify(format!(
                "invitation to #{name} (7 days): {code} (they join with: quid join {code})"
            ));
            Vec::new()
        }
        ApiOutcome::Kicked {
            username,
            result: Ok(()),
            ..
        } => {
            app.notify(format!("removed {username}"));
            vec![Effect::Api(ApiRequest::Groups)]
        }
        ApiOutcome::Left { group, result } => {
            app.leaving.retain(|g| *g != group);
            match result {
                Ok(()) => remove_group(app, group, Departure::Left),
                Err(e) => {
                    app.error(describe(&e));
                    Vec::new()
                }
            }
        }
        ApiOutcome::Commitments { group, result } => {
            if let Some(i) = app.index_of(group) {
                app.groups[i].commitments = pane_data(result);
            }
            Vec::new()
        }
        ApiOutcome::Liabilities { group, result } => {
            if let Some(i) = app.index_of(group) {
                app.groups[i].liabilities = pane_data(result);
            }
            Vec::new()
        }
        ApiOutcome::WhatIf {
            group,
            text,
            result,
        } => {
            if let Some(i) = app.index_of(group) {
                let view = &mut app.groups[i];
                // only the answer to the offer tried last is shown
                if view
                    .whatif
                    .as_ref()
                    .is_some_and(|(tried, _)| *tried == text)
                {
                    view.whatif = Some((text, pane_data(result)));
                }
            }
            Vec::new()
        }
        ApiOutcome::Revoked { id, result: Ok(()) } => {
            app.notify(format!("revoked commitment #{id}"));
            Vec::new()
        }
        ApiOutcome::Older { group, result } => {
            if let Some(i) = app.index_of(group) {
                let view = &mut app.groups[i];
                view.loading_older = false;
                match result {
                    Ok(page) => {
                        view.has_older = page.has_more;
                        for message in page.messages {
                            view.insert(message);
                        }
                    }
                    Err(e) => app.error(format!("cannot load older messages: {}", describe(&e))),
                }
            }
            Vec::new()
        }
        ApiOutcome::Groups(Err(e))
        | ApiOutcome::GroupCreated(Err(e))
        | ApiOutcome::MemberAdded { result: Err(e), .. }
        | ApiOutcome::Invited { result: Err(e), .. }
        | ApiOutcome::Kicked { result: Err(e), .. }
        | ApiOutcome::Revoked { result: Err(e), .. } => {
            app.pending_join = None;
            app.error(describe(&e));
            Vec::new()
        }
    }
}

fn describe(error: &RequestError) -> String {
    match error {
        RequestError::Unsupported => "this server does not support that".into(),
        RequestError::Failed(text) => text.clone(),
    }
}

fn pane_data<T>(result: Result<T, RequestError>) -> PaneData<T> {
    match result {
        Ok(data) => PaneData::Loaded(data),
        Err(RequestError::Unsupported) => PaneData::Unsupported,
        Err(RequestError::Failed(e)) => PaneData::Failed(e),
    }
}

/// Replaces the group list with the server's: new groups are joined, vanished ones left.
fn merge_groups(app: &mut App, groups: Vec<Group>) -> Vec<Effect> {
    let listed: Vec<Id> = groups.iter().map(|g| g.id).collect();
    let gone: Vec<Id> = app
        .groups
        .iter()
        .map(|g| g.group.id)
        .filter(|id| !listed.contains(id))
        .collect();
    let mut effects = merge_groups_keep(app, groups);
    for id in gone {
        let how = departure(app, id, Departure::Vanished);
        effects.extend(remove_group(app, id, how));
    }
    if let Some(wanted) = app.pending_join.take() {
        effects.extend(command::join(app, &wanted, false));
    }
    effects
}

/// Adds or updates the given groups without removing any.
fn merge_groups_keep(app: &mut App, groups: Vec<Group>) -> Vec<Effect> {
    let mut effects = Vec::new();
    for group in groups {
        match app.index_of(group.id) {
            Some(i) => {
                let view = &mut app.groups[i];
                view.group.name = group.name;
                view.group.description = group.description;
                view.group.members = group.members;
                view.group.topic = group.topic;
            }
            None => {
                // New to the chat while it runs: none of it has been seen.
                let view = GroupView::unseen(group);
                effects.push(Effect::Ws(WsCommand::Join {
                    group: view.group.id,
                    since: Some(view.initial_since()),
                }));
                let active_id = app.active_group().map(|g| g.group.id);
                // a new group goes last: the numbers of the others stay
                app.groups.push(view);
                app.active = match active_id {
                    Some(id) => app.index_of(id),
                    None => Some(0),
                };
                if active_id.is_none() {
                    effects.extend(open_group(app));
                }
            }
        }
    }
    effects
}

/// How the user stopped being a member of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Departure {
    /// They asked to leave it, here.
    Left,
    /// The server ended the subscription unasked (`left`): removed, or left elsewhere.
    Removed,
    /// It is missing from a refreshed group list, and was not left here.
    Vanished,
}

/// `Left` if the user asked to leave `group` here, else `otherwise`.
fn departure(app: &App, group: Id, otherwise: Departure) -> Departure {
    if app.leaving.contains(&group) {
        Departure::Left
    } else {
        otherwise
    }
}

/// Drops a group the user is no longer in, says why, and opens a neighbour if it was on
/// screen — holding back the next send if text was typed for the group that went away.
fn remove_group(app: &mut App, group: Id, how: Departure) -> Vec<Effect> {
    let Some(index) = app.index_of(group) else {
        return Vec::new();
    };
    let removed = app.groups.remove(index);
    let was_active = app.active == Some(index);
    app.active = match app.active {
        _ if app.groups.is_empty() => None,
        Some(a) if a > index => Some(a - 1),
        Some(a) if a == index => Some(index.min(app.groups.len() - 1)),
        other => other,
    };
    let name = removed.group.name;
    let now_showing = match app.active_group() {
        Some(view) if was_active => format!(" (now showing #{})", view.group.name),
        _ => String::new(),
    };
    if how == Departure::Left {
        app.notify(format!("you left #{name}{now_showing}"));
    } else {
        app.error(format!(
            "you are no longer a member of #{name}{now_showing}"
        ));
    }
    if was_active && !app.input.is_empty() {
        app.displaced_from = Some(name);
    }
    // After a `left` from the server the connection has already forgotten the group.
    let mut effects = match how {
        Departure::Removed => Vec::new(),
        Departure::Left | Departure::Vanished => vec![Effect::Ws(WsCommand::Leave { group })],
    };
    if was_active && app.active.is_some() {
        effects.extend(open_group(app));
    }
    effects
}

/// Makes group `index` the buffer on screen.
pub fn switch_to(app: &mut App, index: usize) -> Vec<Effect> {
    switch_to_buffer(
        app,
        Buffer {
            group: index,
            with: None,
        },
    )
}

/// Makes `to` the buffer on screen: marks the one left as read and places the read
/// marker in the one entered.
pub fn switch_to_buffer(app: &mut App, to: Buffer) -> Vec<Effect> {
    let exists = app
        .groups
        .get(to.group)
        .is_some_and(|view| to.with.is_none_or(|with| view.private(with).is_some()));
    if !exists || app.active_buffer() == Some(to) {
        return Vec::new();
    }
    // Chosen by the user: what they type next is for this buffer.
    app.displaced_from = None;
    if let Some(old) = app.active_group_mut() {
        let last = old.last_seq();
        match old.showing.and_then(|with| old.private_mut(with)) {
            Some(conversation) => {
                conversation.read_upto = conversation.read_upto.max(last);
                conversation.marker = None;
            }
            None => {
                old.read_upto = old.read_upto.max(last);
                old.marker = None;
            }
        }
        old.scroll = 0;
    }
    app.active = Some(to.group);
    app.groups[to.group].showing = to.with;
    open_group(app)
}

/// Bookkeeping when a buffer comes on screen.
fn open_group(app: &mut App) -> Vec<Effect> {
    let pane_open = app.side_pane;
    app.pane_scroll = 0;
    let Some(view) = app.active_group_mut() else {
        return Vec::new();
    };
    let last = view.last_seq();
    if let Some(conversation) = view.showing.and_then(|with| view.private_mut(with)) {
        conversation.marker = (conversation.unread > 0).then_some(conversation.read_upto);
        conversation.unread = 0;
        conversation.alerts = 0;
        conversation.read_upto = conversation.read_upto.max(last);
    } else {
        // a marker restored from an earlier run stays until the group is left
        view.marker = (view.unread > 0).then_some(view.read_upto).or(view.marker);
        view.unread = 0;
        view.alerts = 0;
        view.mentioned = false;
        view.read_upto = view.read_upto.max(last);
    }
    if pane_open {
        view.pane_stale = false;
        return pane_requests(view.group.id);
    }
    Vec::new()
}

/// Reloads the side pane of `group`.
fn pane_requests(group: Id) -> Vec<Effect> {
    vec![
        Effect::Api(ApiRequest::Commitments { group }),
        Effect::Api(ApiRequest::Liabilities { group }),
    ]
}

/// Opens or closes the side pane.
pub fn toggle_pane(app: &mut App) -> Vec<Effect> {
    app.side_pane = !app.side_pane;
    if app.side_pane
        && let Some(view) = app.active_group_mut()
    {
        view.pane_stale = false;
        return pane_requests(view.group.id);
    }
    Vec::new()
}
