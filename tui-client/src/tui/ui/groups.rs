//! The group list: number (for Alt+N), name, unread count, and a marker for commitment or
//! liability changes not yet seen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::super::app::App;

/// Marker for unseen commitment / liability changes.
pub const PANE_MARKER: &str = "◆";

/// Draws the list into `area`.
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
    let skip = first_shown(app, area.height);
    for (index, view) in app.groups.iter().enumerate().skip(skip) {
        let active = app.active == Some(index);
        let number = if index < 10 {
            format!("{:>2} ", (index + 1) % 10)
        } else {
            "   ".to_owned()
        };
        let mut badge = String::new();
        if view.unread > 0 {
            badge.push_str(&format!(" {}", view.unread));
        }
        if view.pane_stale {
            badge.push(' ');
            badge.push_str(PANE_MARKER);
        }
        let room = inner_width.saturating_sub(number.chars().count() + badge.chars().count());
        let name: String = view.group.name.chars().take(room).collect();
        let padding = " ".repeat(room.saturating_sub(name.chars().count()));
        let name_style = if view.mentioned {
            Style::default()
                .fg(Color::Magenta)
                .add_modifier(Modifier::BOLD)
        } else if view.unread > 0 {
            Style::default().add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        let badge_style = if view.mentioned {
            Style::default()
                .fg(Color::Magenta)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(Color::Yellow)
        };
        let mut line = Line::from(vec![
            Span::styled(number, Style::default().fg(Color::DarkGray)),
            Span::styled(name, name_style),
            Span::raw(padding),
            Span::styled(badge, badge_style),
        ]);
        if active {
            line = line.style(Style::default().bg(Color::Blue).fg(Color::White));
        }
        lines.push(line);
        // a private conversation open in the group, listed under it
        if active && let Some(other) = &view.query {
            lines.push(Line::from(Span::styled(
                format!("    └ {}", other.username),
                Style::default().fg(Color::Magenta),
            )));
        }
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The first group shown, so that the open group stays visible in a short list area.
pub fn first_shown(app: &App, height: u16) -> usize {
    let rows = usize::from(height.saturating_sub(1)).max(1);
    app.active
        .map_or(0, |active| (active + 1).saturating_sub(rows))
}
