//! The input line: the text being written, with a title that says where it goes — and,
//! while a clarification is pending, that an answer can be written here.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders};

use super::super::app::App;

/// Shown before the input's first column.
const PROMPT: &str = " › ";
/// Columns the prompt takes.
pub const PROMPT_WIDTH: u16 = 3;

/// Draws the input into `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let border = Style::default().fg(Color::DarkGray);
    let title = match app.active_group() {
        Some(_) if app.editing.is_some() => Span::styled(
            format!(
                " editing #{} · Enter saves · Esc gives up ",
                app.editing.map_or(0, |(_, seq)| seq)
            ),
            Style::default()
                .fg(Color::LightBlue)
                .add_modifier(Modifier::BOLD),
        ),
        Some(view) if view.query.is_some() => Span::styled(
            format!(
                " #{} → {} (private) · Enter send · /query alone: the whole group ",
                view.group.name,
                view.query.as_ref().map_or("", |u| u.username.as_str())
            ),
            Style::default().fg(Color::Magenta),
        ),
        Some(view) if view.pending_clarification.is_some() => Span::styled(
            " ? answer quid's question here; other messages go to the group ",
            Style::default()
                .fg(Color::Magenta)
                .add_modifier(Modifier::BOLD),
        ),
        Some(view) => Span::styled(
            format!(
                " #{} · Enter send · Alt+Enter new line · /help ",
                view.group.name
            ),
            border,
        ),
        None => Span::styled(" no group · /create NAME · /help ", border),
    };
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(border)
        .title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [prompt, text] =
        Layout::horizontal([Constraint::Length(PROMPT_WIDTH), Constraint::Min(1)]).areas(inner);
    frame.render_widget(Span::styled(PROMPT, border), prompt);
    frame.render_widget(&app.input, text);
}
