//! The status bar: who you are, where you are, the connection as it truly is, and the
//! latest notice or server error.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::app::App;
use crate::ws::ConnState;

/// Draws the bar into `area` (one line).
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let bar = Style::default().bg(Color::DarkGray).fg(Color::White);
    let sep = Span::styled(" │ ", bar.fg(Color::Gray));
    let mut spans = vec![
        Span::styled(
            format!(" {}", app.me.username),
            bar.add_modifier(Modifier::BOLD),
        ),
        sep.clone(),
    ];
    if let Some(view) = app.active_group() {
        spans.push(Span::styled(format!("#{}", view.group.name), bar));
        spans.push(sep.clone());
    }
    let (text, color) = match &app.conn {
        ConnState::Connected => ("● connected".to_owned(), Color::LightGreen),
        ConnState::Connecting => ("◌ connecting…".to_owned(), Color::Yellow),
        ConnState::Reconnecting { in_secs, reason } => (
            format!("◌ reconnecting in {in_secs}s ({reason})"),
            Color::Yellow,
        ),
        ConnState::Offline { reason } => (format!("✖ offline ({reason})"), Color::LightRed),
    };
    spans.push(Span::styled(
        text,
        bar.fg(color).add_modifier(Modifier::BOLD),
    ));
    if let Some(view) = app.active_group()
        && view.scroll > 0
    {
        spans.push(sep.clone());
        spans.push(Span::styled(
            format!("↓ {} lines below (End)", view.scroll),
            bar.fg(Color::Yellow),
        ));
    }
    if let Some(notice) = &app.notice {
        spans.push(sep);
        let style = if notice.is_error {
            bar.fg(Color::LightRed).add_modifier(Modifier::BOLD)
        } else {
            bar
        };
        spans.push(Span::styled(notice.text.clone(), style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(bar), area);
}
