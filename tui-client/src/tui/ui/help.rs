//! The help window (F1, /help): every key and command, over the chat.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::super::commands::COMMANDS;

/// Keys and what they do, in the order shown.
pub const KEYS: &[(&str, &str)] = &[
    ("Enter", "send the message / run the command"),
    ("Alt+Enter", "new line in the message"),
    ("Up / Down", "previous / next sent line"),
    ("Tab", "complete a command or member name (again: next)"),
    ("PgUp / PgDn", "scroll half a screen"),
    (
        "Home / End",
        "top / bottom (input empty; else Ctrl+Home / Ctrl+End)",
    ),
    ("mouse wheel", "scroll"),
    ("Alt+A", "jump to the next group with activity"),
    ("Alt+1..9, Alt+0", "go to group 1..10"),
    (
        "Ctrl+N / Ctrl+P",
        "next / previous group (also Alt+Right / Alt+Left)",
    ),
    ("F2", "side pane: commitments and liabilities"),
    (
        "F11 / F12",
        "scroll the side pane (also Alt+PgUp / Alt+PgDn)",
    ),
    ("F1", "this help"),
    ("Esc", "close help, clear the status line"),
    ("Ctrl+C", "quit"),
];

/// Draws the help window centred in `screen`.
pub fn draw(frame: &mut Frame, screen: Rect) {
    let [area] = Layout::horizontal([Constraint::Max(76)])
        .flex(Flex::Center)
        .areas(screen);
    let [area] = Layout::vertical([Constraint::Max(32)])
        .flex(Flex::Center)
        .areas(area);
    let key_style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
    let mut lines = vec![Line::from(Span::styled("Keys", Modifier::BOLD))];
    for (key, what) in KEYS {
        lines.push(Line::from(vec![
            Span::styled(format!("  {key:<17}"), key_style),
            Span::raw(*what),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled("Commands", Modifier::BOLD)));
    for (name, args, what) in COMMANDS {
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<30}", format!("/{name} {args}")), key_style),
            Span::raw(*what),
        ]));
    }
    lines.push(Line::raw("  //text sends a message that starts with /"));
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" help · Esc to close ");
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}
