//! Keys, mouse and paste: editing the input line, sending, scrolling, moving between
//! groups, recalling history and completing names.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use super::super::app::{App, Buffer, Completion};
use super::super::commands::{self, Command, candidates, word_before};
use super::super::effects::{ApiRequest, Effect};
use super::super::input::InputLine;
use super::super::ui;
use super::{command, switch_to_buffer, toggle_pane};

/// Lines one mouse-wheel notch scrolls.
const WHEEL_LINES: usize = 3;

/// Handles one key press.
pub fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let shift = key.modifiers.contains(KeyModifiers::SHIFT);
    if key.code != KeyCode::Tab {
        app.completion = None;
    }
    if app.show_help && matches!(key.code, KeyCode::Esc | KeyCode::Char('q')) && !ctrl {
        app.show_help = false;
        return Vec::new();
    }
    if app.show_help && scroll_help(app, key.code) {
        return Vec::new();
    }
    let input_empty = app.input.is_empty();
    match key.code {
        KeyCode::Char('c') if ctrl => app.should_quit = true,
        KeyCode::Enter if alt || shift => app.input.insert_newline(),
        KeyCode::Enter => return submit(app),
        KeyCode::Tab => complete(app),
        KeyCode::Esc => {
            app.notice = None;
            app.show_help = false;
            if app.editing.take().is_some() {
                app.input = InputLine::default();
            }
        }
        // Ctrl+R is redo in the input; while waiting to reconnect it connects now
        KeyCode::Char('r')
            if ctrl && !alt && matches!(app.conn, crate::ws::ConnState::Reconnecting { .. }) =>
        {
            app.notify("connecting now…");
            return vec![Effect::Ws(crate::ws::WsCommand::Reconnect)];
        }
        KeyCode::F(1) => {
            app.show_help = !app.show_help;
            app.help_scroll = 0;
        }
        KeyCode::F(2) => return toggle_pane(app),
        KeyCode::F(11) => scroll_pane(app, -1),
        KeyCode::F(12) => scroll_pane(app, 1),
        KeyCode::PageUp if alt => scroll_pane(app, -1),
        KeyCode::PageDown if alt => scroll_pane(app, 1),
        KeyCode::PageUp => return scroll_up(app, page(app)),
        KeyCode::PageDown => scroll_down(app, page(app)),
        KeyCode::Home if ctrl || alt || input_empty => return scroll_up(app, usize::MAX),
        KeyCode::End if ctrl || alt || input_empty => scroll_down(app, usize::MAX),
        KeyCode::Char('a') if alt => return next_activity(app),
        KeyCode::Char(c @ '0'..='9') if alt => {
            let n = c.to_digit(10).map_or(0, |d| d as usize);
            let index = if n == 0 { 9 } else { n - 1 };
            return match app.buffers().get(index) {
                Some(buffer) => switch_to_buffer(app, *buffer),
                None => Vec::new(),
            };
        }
        KeyCode::Char('n') if ctrl => return cycle_group(app, 1),
        KeyCode::Char('p') if ctrl => return cycle_group(app, -1),
        KeyCode::Right | KeyCode::Down if alt => return cycle_group(app, 1),
        KeyCode::Left | KeyCode::Up if alt => return cycle_group(app, -1),
        KeyCode::Up if ctrl => recall(app, -1),
        KeyCode::Down if ctrl => recall(app, 1),
        // as in other chats: Up on an empty input edits my last message here
        KeyCode::Up if input_empty && app.history.browsing.is_none() && start_edit(app) => {}
        KeyCode::Up if app.input.row() == 0 => recall(app, -1),
        KeyCode::Down if app.input.row() + 1 >= app.input.line_count() => recall(app, 1),
        _ => {
            app.input.handle(key);
            if matches!(key.code, KeyCode::Char(_)) && !ctrl && !alt {
                return super::live::typing(app);
            }
        }
    }
    Vec::new()
}

/// Pasted text goes into the input as is (newlines included), never sent by itself.
pub fn on_paste(app: &mut App, text: &str) -> Vec<Effect> {
    app.completion = None;
    app.input
        .insert_str(&text.replace("\r\n", "\n").replace('\r', "\n"));
    Vec::new()
}

/// Wheel scrolls the conversation (or the help, when shown); a click in the group list
/// opens that group.
pub fn on_mouse(app: &mut App, mouse: MouseEvent) -> Vec<Effect> {
    if app.show_help {
        match mouse.kind {
            MouseEventKind::ScrollUp => move_help(app, -(WHEEL_LINES as isize)),
            MouseEventKind::ScrollDown => move_help(app, WHEEL_LINES as isize),
            _ => {}
        }
        return Vec::new();
    }
    match mouse.kind {
        MouseEventKind::ScrollUp => scroll_up(app, WHEEL_LINES),
        MouseEventKind::ScrollDown => {
            scroll_down(app, WHEEL_LINES);
            Vec::new()
        }
        MouseEventKind::Down(MouseButton::Left) => {
            match ui::buffer_at(app, mouse.column, mouse.row) {
                Some(buffer) => switch_to_buffer(app, buffer),
                None => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// Enter: run a command, or send the input to the group on screen.
fn submit(app: &mut App) -> Vec<Effect> {
    let text = app.input_text();
    if text.trim().is_empty() {
        return Vec::new();
    }
    let parsed = commands::is_command(&text).then(|| commands::parse(&text));
    let sends = matches!(
        parsed,
        None | Some(Ok(
            Command::Msg { .. } | Command::Query { text: Some(_), .. }
        ))
    );
    if sends && let Some(gone) = app.displaced_from.take() {
        // Typed for a group that went away meanwhile: not sent to its replacement unseen.
        let target = app
            .active_group()
            .map_or("no group".to_owned(), |g| format!("#{}", g.group.name));
        app.error(format!(
            "not sent: #{gone} is gone; Enter sends it to {target}"
        ));
        return Vec::new();
    }
    if let Some((group, seq)) = app.editing.take() {
        app.input = InputLine::default();
        return vec![Effect::Api(ApiRequest::Edit {
            group,
            seq,
            content: text,
        })];
    }
    if let Some(Err(message)) = &parsed {
        // kept in the input, to be fixed
        app.error(message.clone());
        return Vec::new();
    }
    remember(app, &text);
    app.input = InputLine::default();
    match parsed {
        Some(Ok(cmd)) => command::apply(app, cmd),
        Some(Err(_)) => Vec::new(),
        None => {
            let content = text.strip_prefix('/').unwrap_or(&text).to_owned();
            let to = app
                .active_group()
                .and_then(|v| v.query())
                .map(|u| u.username.clone());
            command::send(app, content, to)
        }
    }
}

/// Puts my last message of the group on screen into the input for editing; `false`
/// when there is none.
fn start_edit(app: &mut App) -> bool {
    let me = app.me.id;
    let Some((group, seq, content)) = app.active_group().and_then(|view| {
        view.last_own(me)
            .map(|m| (view.group.id, m.seq, m.content.clone()))
    }) else {
        return false;
    };
    set_input(app, &content);
    app.editing = Some((group, seq));
    true
}

fn remember(app: &mut App, text: &str) {
    let history = &mut app.history;
    if history.entries.last().map(String::as_str) != Some(text) {
        history.entries.push(text.to_owned());
    }
    history.browsing = None;
    history.draft = None;
}

/// Up (-1) and Down (+1) through sent lines; Down past the newest restores the draft.
fn recall(app: &mut App, step: i32) {
    let history = &mut app.history;
    if history.entries.is_empty() {
        return;
    }
    let last = history.entries.len() - 1;
    let next = match (history.browsing, step < 0) {
        (None, true) => {
            history.draft = Some(app.input.text().to_owned());
            Some(last)
        }
        (None, false) => return,
        (Some(i), true) => Some(i.saturating_sub(1)),
        (Some(i), false) if i < last => Some(i + 1),
        (Some(_), false) => None,
    };
    history.browsing = next;
    let text = match next {
        Some(i) => history.entries[i].clone(),
        None => history.draft.take().unwrap_or_default(),
    };
    set_input(app, &text);
}

/// Replaces the input's text, cursor at the end.
pub fn set_input(app: &mut App, text: &str) {
    app.input = InputLine::with_text(text);
}

/// Tab: complete the word before the cursor; again to cycle through the candidates.
fn complete(app: &mut App) {
    let line_range = app.input.current_line();
    let line = app.input.text()[line_range.clone()].to_owned();
    let cursor = app.input.cursor() - line_range.start;
    let replace = |app: &mut App, start: usize, with: &str| {
        let at = line_range.start;
        app.input.replace(at + start..at + cursor, with);
    };
    if let Some(done) = &mut app.completion {
        done.index = (done.index + 1) % done.candidates.len().max(1);
        let start = done.start;
        if let Some(candidate) = done.candidates.get(done.index).cloned() {
            replace(app, start, &candidate);
        }
        return;
    }
    let (start, word) = word_before(&line, cursor);
    let members: Vec<&str> = app.active_group().map_or_else(Vec::new, |g| {
        g.group
            .members
            .iter()
            .map(|m| m.username.as_str())
            .filter(|name| *name != app.me.username)
            .collect()
    });
    let found = candidates(&line, start, word, &members);
    if word.is_empty() && !line.is_empty() {
        return;
    }
    match found.as_slice() {
        [] => {}
        [one] => {
            let one = one.clone();
            replace(app, start, &one);
        }
        many => {
            app.notify(many.join("  "));
            let first = many[0].clone();
            app.completion = Some(Completion {
                start,
                candidates: many.to_vec(),
                index: 0,
            });
            replace(app, start, &first);
        }
    }
}

/// Up / Down, PgUp / PgDn, Home / End move the help window while it is shown; returns
/// whether the key was one of those.
fn scroll_help(app: &mut App, code: KeyCode) -> bool {
    let (_, page) = ui::help_extent(app);
    let page = isize::try_from(page).unwrap_or(isize::MAX);
    match code {
        KeyCode::Up => move_help(app, -1),
        KeyCode::Down => move_help(app, 1),
        KeyCode::PageUp => move_help(app, -page),
        KeyCode::PageDown => move_help(app, page),
        KeyCode::Home => app.help_scroll = 0,
        KeyCode::End => app.help_scroll = ui::help_extent(app).0,
        _ => return false,
    }
    true
}

/// Scrolls the help by `lines` (up when negative), within its extent.
fn move_help(app: &mut App, lines: isize) {
    let (max, _) = ui::help_extent(app);
    app.help_scroll = app.help_scroll.saturating_add_signed(lines).min(max);
}

/// Half a screen of conversation.
fn page(app: &App) -> usize {
    let (_, height) = ui::conversation_size(app);
    (usize::from(height) / 2).max(1)
}

/// Scrolls back; at the top of what is loaded, fetches an older page.
fn scroll_up(app: &mut App, lines: usize) -> Vec<Effect> {
    let (width, height) = ui::conversation_size(app);
    let Some(index) = app.active else {
        return Vec::new();
    };
    let total = ui::conversation_lines(app, index, width);
    let max = total.saturating_sub(usize::from(height));
    let Some(view) = app.groups.get_mut(index) else {
        return Vec::new();
    };
    view.scroll = view.scroll.saturating_add(lines).min(max);
    let at_top = view.scroll >= max;
    if at_top && view.has_older && !view.loading_older {
        if let Some(first) = view.messages.first().map(|m| m.seq) {
            view.loading_older = true;
            return vec![Effect::Api(ApiRequest::Older {
                group: view.group.id,
                before: first,
            })];
        }
    }
    Vec::new()
}

/// F11 / F12: the side pane up (-1) or down (+1) by half a screen.
fn scroll_pane(app: &mut App, direction: i32) {
    let step = page(app);
    let max = ui::side_pane_max_scroll(app);
    app.pane_scroll = if direction < 0 {
        app.pane_scroll.saturating_sub(step)
    } else {
        app.pane_scroll.saturating_add(step).min(max)
    };
}

fn scroll_down(app: &mut App, lines: usize) {
    if let Some(view) = app.active_group_mut() {
        view.scroll = view.scroll.saturating_sub(lines);
    }
}

/// Alt+A: the next buffer with unread messages, mentions first (a private message to me
/// is one), then commitment changes.
fn next_activity(app: &mut App) -> Vec<Effect> {
    let buffers = app.buffers();
    let count = buffers.len();
    let start = app
        .active_buffer()
        .and_then(|b| buffers.iter().position(|x| *x == b))
        .unwrap_or(0);
    let order: Vec<Buffer> = (1..=count).map(|k| buffers[(start + k) % count]).collect();
    let target = order
        .iter()
        .find(|b| app.activity(**b).1)
        .or_else(|| order.iter().find(|b| app.activity(**b).0 > 0))
        .or_else(|| {
            order
                .iter()
                .find(|b| b.with.is_none() && app.groups[b.group].pane_stale)
        })
        .copied();
    match target {
        Some(buffer) => switch_to_buffer(app, buffer),
        None => {
            app.notify("no activity elsewhere");
            Vec::new()
        }
    }
}

/// The next (+1) or previous (-1) buffer, round the list.
fn cycle_group(app: &mut App, step: isize) -> Vec<Effect> {
    let buffers = app.buffers();
    let count = buffers.len();
    if count == 0 {
        return Vec::new();
    }
    let current = app
        .active_buffer()
        .and_then(|b| buffers.iter().position(|x| *x == b))
        .unwrap_or(0) as isize;
    let next = (current + step).rem_euclid(count as isize) as usize;
    switch_to_buffer(app, buffers[next])
}
