//! The conversation: messages styled by kind (user text with author and time; commitments
//! and liability changes set apart; private messages and clarifications marked "only you
//! can see this"), day separators, the read marker, mentions highlighted, and scrollback.

use quid_shared::{Message, MessageKind};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::super::app::{App, GroupView};
use super::wrap::wrap;
use crate::notify::mention_ranges;
use crate::present::Announcement;
use crate::{present, timefmt};

const DIM: Style = Style::new().fg(Color::DarkGray);
/// Indent of continuation lines (the width of `HH:MM `).
const INDENT: &str = "      ";
const INDENT_WIDTH: u16 = 6;

/// The header above the conversation: group name, description, members.
pub fn draw_header(frame: &mut Frame, area: Rect, app: &App) {
    let line = match app.active_group() {
        Some(view) => {
            let mut spans = vec![Span::styled(
                format!(" #{}", view.group.name),
                Style::default().add_modifier(Modifier::BOLD),
            )];
            if let Some(other) = view.query() {
                spans.push(Span::styled(
                    format!(
                        " → {} (private; /query alone for the group)",
                        other.username
                    ),
                    Style::new().fg(Color::Magenta),
                ));
                frame.render_widget(Paragraph::new(Line::from(spans)), area);
                return;
            }
            let about = view
                .group
                .topic
                .as_deref()
                .or(view.group.description.as_deref())
                .filter(|d| !d.is_empty());
            if let Some(about) = about {
                spans.push(Span::raw(format!(" — {about}")));
            }
            // connected members first-class: `●bob` online, `bob` not
            let members = view.member_names();
            spans.push(Span::styled(format!("  ({})", members.join(", ")), DIM));
            Line::from(spans)
        }
        None => Line::from(Span::styled(" no group", DIM)),
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// Draws the active group's conversation, scrolled as the user left it.
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let Some(view) = app.active_group() else {
        let hint =
            "You are in no group yet. /create NAME starts one; a member can /add you to theirs.";
        frame.render_widget(
            Paragraph::new(Span::styled(hint, DIM)).wrap(Wrap { trim: true }),
            area,
        );
        return;
    };
    let lines = lines(app, view, area.width);
    let height = usize::from(area.height);
    let scroll = view.scroll.min(lines.len().saturating_sub(height));
    let end = lines.len() - scroll;
    let start = end.saturating_sub(height);
    // Like every chat: a short conversation sits just above the input.
    let padding = height.saturating_sub(end - start);
    let area = Rect {
        y: area.y + u16::try_from(padding).unwrap_or(0),
        height: area.height - u16::try_from(padding).unwrap_or(0),
        ..area
    };
    let visible: Vec<Line<'static>> = lines.into_iter().skip(start).take(end - start).collect();
    frame.render_widget(Paragraph::new(visible), area);
}

/// How many screen lines group `index` takes at `width`.
pub fn line_count(app: &App, index: usize, width: u16) -> usize {
    app.groups
        .get(index)
        .map_or(0, |view| lines(app, view, width).len())
}

/// Where message `seq` of group `index` starts among its screen lines, and their count.
pub fn line_of(app: &App, index: usize, seq: i64, width: u16) -> Option<(usize, usize)> {
    let view = app.groups.get(index)?;
    let mut starts = Vec::new();
    let all = lines_marked(app, view, width, Some((seq, &mut starts)));
    starts.first().map(|start| (*start, all.len()))
}

/// Every screen line of the conversation at `width`.
fn lines(app: &App, view: &GroupView, width: u16) -> Vec<Line<'static>> {
    lines_marked(app, view, width, None)
}

/// [`lines`], noting where message `seq` starts when asked.
fn lines_marked(
    app: &App,
    view: &GroupView,
    width: u16,
    mut mark: Option<(i64, &mut Vec<usize>)>,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if view.loading_older {
        lines.push(Line::from(Span::styled("  loading older messages…", DIM)));
    } else if view.has_older && view.messages.first().is_some_and(|m| m.seq > 1) {
        lines.push(Line::from(Span::styled(
            "  older messages: PgUp or Home to load",
            DIM,
        )));
    }
    // what is typing and sending shows in the buffer it is for
    let here = |user: Option<&str>| match (view.query(), user) {
        (Some(other), user) => user == Some(other.username.as_str()),
        (None, None) => true,
        (None, Some(name)) => !view.privates.iter().any(|p| p.with.username == name),
    };
    let outbox: Vec<_> = app
        .outbox
        .iter()
        .filter(|o| o.group == view.group.id && here(o.to.as_deref()))
        .collect();
    let sending = !outbox.is_empty();
    if view.messages.is_empty() && !view.has_older && !sending {
        lines.push(Line::from(Span::styled(
            "  no messages yet: say hello",
            DIM,
        )));
    }
    let marker = match view.showing.and_then(|with| view.private(with)) {
        Some(conversation) => conversation.marker,
        None => view.marker,
    };
    let first_unread = marker.and_then(|marker| {
        view.messages
            .iter()
            .map(|m| m.seq)
            .find(|seq| *seq > marker)
    });
    let mut last_day = None;
    for message in view.messages.iter().filter(|m| view.shows(m, app.me.id)) {
        let day = timefmt::date_clock(message.created_at)
            .split(' ')
            .next()
            .map(str::to_owned);
        if day != last_day {
            lines.push(separator(&day.clone().unwrap_or_default(), width, DIM));
        }
        last_day = day;
        if Some(message.seq) == first_unread {
            lines.push(separator(
                "new messages",
                width,
                Style::new().fg(Color::LightRed),
            ));
        }
        if let Some((seq, starts)) = &mut mark
            && *seq == message.seq
        {
            starts.push(lines.len());
        }
        for line in message_lines(app, view, message) {
            lines.extend(wrap(line.spans, width, INDENT_WIDTH));
        }
        for (_, text) in view
            .system_lines
            .iter()
            .filter(|(at, _)| *at == message.seq)
        {
            lines.push(system_line(text));
        }
    }
    let shown = |at: i64| view.messages.iter().any(|m| m.seq == at);
    for (_, text) in view.system_lines.iter().filter(|(at, _)| !shown(*at)) {
        lines.push(system_line(text));
    }
    let typing: Vec<String> = view
        .typing
        .iter()
        .filter(|t| here(t.private.then_some(t.user.as_str())))
        .map(|t| {
            if t.private {
                format!("{} (to you)", t.user)
            } else {
                t.user.clone()
            }
        })
        .collect();
    if !typing.is_empty() {
        let verb = if typing.len() == 1 { "is" } else { "are" };
        lines.push(Line::from(Span::styled(
            format!("      {} {verb} typing…", typing.join(", ")),
            DIM.add_modifier(Modifier::ITALIC),
        )));
    }
    for outgoing in outbox {
        let to = outgoing
            .to
            .as_deref()
            .map_or(String::new(), |to| format!(" → {to} (private)"));
        let text = format!(
            "--:-- {}{to}: {} (sending…)",
            app.me.username,
            outgoing.content.replace('\n', " ")
        );
        lines.extend(wrap(vec![Span::styled(text, DIM)], width, INDENT_WIDTH));
    }
    lines
}

/// A line about the group itself (a member added, removed, left).
fn system_line(text: &str) -> Line<'static> {
    Line::from(Span::styled(format!("      — {text}"), DIM))
}

/// `──── text ────` across the width.
fn separator(text: &str, width: u16, style: Style) -> Line<'static> {
    let label = format!(" {text} ");
    let side = usize::from(width).saturating_sub(label.chars().count()) / 2;
    let rule = "─".repeat(side);
    Line::from(Span::styled(format!("{rule}{label}{rule}"), style))
}

/// One message as lines: a first line with time and tag, continuation lines indented.
fn message_lines(app: &App, view: &GroupView, message: &Message) -> Vec<Line<'static>> {
    let time = Span::styled(format!("{} ", timefmt::clock(message.created_at)), DIM);
    let me = app.me.id;
    let author = message
        .author
        .as_ref()
        .map_or("quid".to_owned(), |a| a.username.clone());
    let mine = message.author.as_ref().is_some_and(|a| a.id == me);
    let only_you = Span::styled(
        " (only you can see this)",
        Style::new()
            .fg(Color::Magenta)
            .add_modifier(Modifier::ITALIC),
    );
    let (mut head, body_style): (Vec<Span<'static>>, Style) = match message.kind {
        MessageKind::User => {
            let mut head = vec![Span::styled(author.clone(), author_style(&author))];
            if message.private {
                if mine {
                    let to = message
                        .target
                        .and_then(|t| view.member_name(t))
                        .unwrap_or("?");
                    head.push(Span::styled(
                        format!(" → {to} (private)"),
                        Style::new().fg(Color::Magenta),
                    ));
                } else {
                    head.push(Span::styled(" → you", Style::new().fg(Color::Magenta)));
                    head.push(only_you.clone());
                }
            }
            head.push(Span::raw(": "));
            (head, Style::new())
        }
        MessageKind::Commitment => {
            // A withdrawal is struck through in grey, a change marked, a new one ticked.
            let (mark, style) = match present::announcement(message) {
                Announcement::New => ("✔", Style::new().fg(Color::Yellow)),
                Announcement::Changed => ("✎", Style::new().fg(Color::LightYellow)),
                Announcement::Withdrawn => ("✘", Style::new().fg(Color::DarkGray)),
            };
            (
                vec![Span::styled(
                    format!("┃ {mark}{} ", present::commitment_ref(message)),
                    style.add_modifier(Modifier::BOLD),
                )],
                style,
            )
        }
        MessageKind::Liability => {
            let style = Style::new().fg(Color::Cyan);
            (
                vec![Span::styled("┃ ⚖ ", style.add_modifier(Modifier::BOLD))],
                style,
            )
        }
        MessageKind::ClarificationRequest => {
            let style = Style::new().fg(Color::Magenta);
            (
                vec![
                    Span::styled("? quid asks", style.add_modifier(Modifier::BOLD)),
                    only_you.clone(),
                    Span::raw(": "),
                ],
                style,
            )
        }
        MessageKind::ClarificationResponse => (
            vec![
                Span::styled(author.clone(), author_style(&author)),
                Span::styled(" answered", Style::new().fg(Color::Magenta)),
                only_you,
                Span::raw(": "),
            ],
            Style::new(),
        ),
        MessageKind::Topic => (vec![Span::styled("~ ", DIM)], DIM),
        // changes of earlier messages are applied to them, never shown as lines
        MessageKind::Edit | MessageKind::Delete | MessageKind::Reaction => return Vec::new(),
    };
    head.insert(0, time);
    let mut out = Vec::new();
    if message.is_deleted() {
        head.push(Span::styled(
            "message deleted",
            DIM.add_modifier(Modifier::ITALIC),
        ));
        out.push(Line::from(head));
        return out;
    }
    let count = message.content.split('\n').count();
    for (i, text) in message.content.split('\n').enumerate() {
        let mut spans = if i == 0 {
            std::mem::take(&mut head)
        } else {
            vec![Span::raw(INDENT)]
        };
        spans.extend(highlight(app, message, text, body_style));
        if i + 1 == count && message.is_edited() {
            spans.push(Span::styled(" (edited)", DIM));
        }
        out.push(Line::from(spans));
    }
    let reactions = message.reactions();
    if !reactions.is_empty() {
        let shown: Vec<String> = reactions
            .iter()
            .map(|(emoji, who)| format!("{emoji} {}", who.len()))
            .collect();
        out.push(Line::from(vec![
            Span::raw(INDENT),
            Span::styled(shown.join("  "), Style::new().fg(Color::LightBlue)),
        ]));
    }
    out
}

/// Splits `text` into spans with mentions of the user highlighted.
fn highlight(app: &App, message: &Message, text: &str, style: Style) -> Vec<Span<'static>> {
    if !app.mentions_me(message) {
        return vec![Span::styled(text.to_owned(), style)];
    }
    let mark = Style::new()
        .fg(Color::Black)
        .bg(Color::Yellow)
        .add_modifier(Modifier::BOLD);
    let mut spans = Vec::new();
    let mut at = 0;
    for (start, end) in mention_ranges(text, &app.me.username) {
        spans.push(Span::styled(text[at..start].to_owned(), style));
        spans.push(Span::styled(text[start..end].to_owned(), mark));
        at = end;
    }
    spans.push(Span::styled(text[at..].to_owned(), style));
    spans
}

/// A stable colour per author, so people are told apart at a glance.
fn author_style(name: &str) -> Style {
    const COLORS: [Color; 6] = [
        Color::LightGreen,
        Color::LightBlue,
        Color::LightCyan,
        Color::LightYellow,
        Color::LightMagenta,
        Color::LightRed,
    ];
    let hash = name
        .bytes()
        .fold(5381u32, |h, b| h.wrapping_mul(33) ^ u32::from(b));
    Style::new()
        .fg(COLORS[hash as usize % COLORS.len()])
        .add_modifier(Modifier::BOLD)
}
