//! The group list: every buffer — each group, its private conversations under it — with
//! its number (for Alt+N), unread count, and a marker for commitment or liability changes
//! not yet seen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::super::app::App;

/// Marker for unseen commitment / liability changes.
pub const PANE_MARKER: &str = "◆";

/// Draws the list into `area`: every buffer with its Alt+N number, a private
/// conversation under its group.
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let block = Block::default()
        .borders(Borders::RIGHT)
        .border_style(Style::default().fg(Color::DarkGray));
    let inner_width = usize::from(block.inner(area).width);
    let mut lines = vec![Line::from(Span::styled(
        " groups",
        Style::default()
            .fg(Color::DarkGray)
            .add_modifier(Modifier::BOLD),
    ))];
    let buffers = app.buffers();
    let skip = first_shown(app, area.height);
    let on_screen = app.active_buffer();
    for (index, buffer) in buffers.iter().enumerate().skip(skip) {
        let view = &app.groups[buffer.group];
        let number = if index < 10 {
            format!("{:>2} ", (index + 1) % 10)
        } else {
            "   ".to_owned()
        };
        let (unread, mentioned) = app.activity(*buffer);
        let mut badge = String::new();
        if unread > 0 {
            badge.push_str(&format!(" {unread}"));
        }
        let name = match buffer.with.and_then(|with| view.private(with)) {
            Some(private) => format!("└ {}", private.with.username),
            None => {
                if view.pane_stale {
                    badge.push(' ');
                    badge.push_str(PANE_MARKER);
                }
                view.group.name.clone()
            }
        };
        let room = inner_width.saturating_sub(number.chars().count() + badge.chars().count());
        let name: String = name.chars().take(room).collect();
        let padding = " ".repeat(room.saturating_sub(name.chars().count()));
        let mention = Style::default()
            .fg(Color::Magenta)
            .add_modifier(Modifier::BOLD);
        let name_style = if mentioned {
            mention
        } else if unread > 0 {
            Style::default().add_modifier(Modifier::BOLD)
        } else if buffer.with.is_some() {
            Style::default().fg(Color::Magenta)
        } else {
            Style::default()
        };
        let badge_style = if mentioned {
            mention
        } else {
            Style::default().fg(Color::Yellow)
        };
        let mut line = Line::from(vec![
            Span::styled(number, Style::default().fg(Color::DarkGray)),
            Span::styled(name, name_style),
            Span::raw(padding),
            Span::styled(badge, badge_style),
        ]);
        if on_screen == Some(*buffer) {
            line = line.style(Style::default().bg(Color::Blue).fg(Color::White));
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The first buffer shown, so that the one on screen stays visible in a short list area.
pub fn first_shown(app: &App, height: u16) -> usize {
    let rows = usize::from(height.saturating_sub(1)).max(1);
    let buffers = app.buffers();
    app.active_buffer()
        .and_then(|b| buffers.iter().position(|x| *x == b))
        .map_or(0, |active| (active + 1).saturating_sub(rows))
}
