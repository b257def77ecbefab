//! The help window (F1, /help): every key and command, over the chat. Taller than a small
//! terminal, so it scrolls (Up / Down, PgUp / PgDn, Home / End, the wheel).

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::super::commands::COMMANDS;
use super::wrap::wrap;

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
    ("F1", "this help (scroll it with Up / Down, PgUp / PgDn)"),
    ("Esc", "close help, clear the status line"),
    ("Ctrl+C", "quit"),
];

/// Columns before a key's description, and before a command's.
const KEY_COLUMN: u16 = 19;
const COMMAND_COLUMN: u16 = 32;

/// Draws the help window centred in `screen`, `scroll` lines down (at most to the end).
pub fn draw(frame: &mut Frame, screen: Rect, scroll: usize) {
    let area = window(screen);
    let inner = inner(area);
    let lines = content(inner.width);
    let rows = usize::from(inner.height);
    let scroll = scroll.min(lines.len().saturating_sub(rows));
    let mut block = Block::default()
        .borders(Borders::ALL)
        .title(" help · Esc to close ");
    if lines.len() > rows {
        let last = (scroll + rows).min(lines.len());
        block = block.title_bottom(
            Line::from(format!(
                " {}-{last} of {} · Up/Down PgUp/PgDn ",
                scroll + 1,
                lines.len()
            ))
            .right_aligned(),
        );
    }
    let offset = u16::try_from(scroll).unwrap_or(u16::MAX);
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block).scroll((offset, 0)), area);
}

/// How far the help can scroll in `screen` (0 when it all fits).
pub fn max_scroll(screen: Rect) -> usize {
    let inner = inner(window(screen));
    content(inner.width)
        .len()
        .saturating_sub(usize::from(inner.height))
}

/// Lines one page of the help scrolls in `screen`.
pub fn page(screen: Rect) -> usize {
    usize::from(inner(window(screen)).height.saturating_sub(1)).max(1)
}

/// The window: at most 76x32, centred.
fn window(screen: Rect) -> Rect {
    let [area] = Layout::horizontal([Constraint::Max(76)])
        .flex(Flex::Center)
        .areas(screen);
    let [area] = Layout::vertical([Constraint::Max(32)])
        .flex(Flex::Center)
        .areas(area);
    area
}

fn inner(area: Rect) -> Rect {
    Block::default().borders(Borders::ALL).inner(area)
}

/// Every line of the help, wrapped to `width` with descriptions kept in their column.
fn content(width: u16) -> Vec<Line<'static>> {
    let key_style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
    let entry = |name: String, column: u16, what: &'static str| {
        let name = format!("  {name:<width$}", width = usize::from(column - 2));
        wrap(
            vec![Span::styled(name, key_style), Span::raw(what)],
            width,
            column,
        )
    };
    let mut lines = vec![Line::from(Span::styled("Keys", Modifier::BOLD))];
    for (key, what) in KEYS {
        lines.extend(entry((*key).to_owned(), KEY_COLUMN, what));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled("Commands", Modifier::BOLD)));
    for (name, args, what) in COMMANDS {
        lines.extend(entry(format!("/{name} {args}"), COMMAND_COLUMN, what));
    }
    lines.extend(wrap(
        vec![Span::raw("  //text sends a message that starts with /")],
        width,
        2,
    ));
    lines
}
