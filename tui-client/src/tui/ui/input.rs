//! The input line: the text being written, with a title that says where it goes — and,
//! while a clarification is pending, that an answer can be written here.

use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders};
use unicode_segmentation::UnicodeSegmentation;

use super::super::app::App;
use super::super::graphemes::grapheme_width;
use super::super::input::InputLine;
use super::wrap::rows;

/// Shown before the input's first column.
const PROMPT: &str = " › ";
/// Columns the prompt takes.
pub const PROMPT_WIDTH: u16 = 3;

/// Shown in an empty input, after the cursor.
const PLACEHOLDER: &str = " type a message, or /help";

/// Draws the input into `area`, and puts the terminal's cursor where the next character
/// goes (unless the help covers the screen).
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
        Some(view) if view.query().is_some() => Span::styled(
            format!(
                " #{} → {} (private) · Enter send · /query alone: the whole group ",
                view.group.name,
                view.query().map_or("", |u| u.username.as_str())
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
    if app.input.is_empty() {
        frame.render_widget(Span::styled(PLACEHOLDER, border), text);
    }
    let layout = Wrapped::new(&app.input, text.width);
    let top = layout.top(text.height);
    let buffer = frame.buffer_mut();
    for (y, row) in (text.y..text.bottom()).zip(layout.rows.iter().skip(top)) {
        let mut x = text.x;
        for g in app.input.text()[row.clone()].graphemes(true) {
            let (shown, width) = cell(g);
            buffer.set_stringn(x, y, shown, width, Style::default());
            x = x.saturating_add(u16::try_from(width).unwrap_or(0));
        }
    }
    if !app.show_help {
        let (row, col) = layout.cursor;
        let y = text.y + u16::try_from(row - top).unwrap_or(0);
        let x = text.x + u16::try_from(col).unwrap_or(0);
        frame.set_cursor_position(Position::new(x, y));
    }
}

/// How a grapheme is drawn: a tab as a space, another control character as `�`.
fn cell(g: &str) -> (&str, usize) {
    if g == "\t" {
        (" ", 1)
    } else if g.chars().any(char::is_control) {
        ("\u{fffd}", 1)
    } else {
        (g, grapheme_width(g))
    }
}

/// The input's text wrapped at a width: the bytes each screen row shows, and the
/// cursor's row and column.
pub struct Wrapped {
    pub rows: Vec<Range<usize>>,
    pub cursor: (usize, usize),
}

impl Wrapped {
    pub fn new(input: &InputLine, width: u16) -> Wrapped {
        let width = usize::from(width.max(1));
        let text = input.text();
        let mut rows = Vec::new();
        let mut cursor = (0, 0);
        let mut line_start = 0;
        for line in text.split('\n') {
            let cells: Vec<(usize, &str)> = line.grapheme_indices(true).collect();
            let graphemes: Vec<&str> = cells.iter().map(|(_, g)| *g).collect();
            let byte = |k: usize| line_start + cells.get(k).map_or(line.len(), |(i, _)| *i);
            let broken = rows_of(&graphemes, width);
            let at = input.cursor();
            if (line_start..=line_start + line.len()).contains(&at) {
                // the cursor stands before grapheme `k` of this line
                let k = cells
                    .iter()
                    .take_while(|(i, _)| line_start + i < at)
                    .count();
                let r = broken
                    .iter()
                    .position(|row| {
                        k < row.end || (k == row.end && !broken.iter().any(|n| n.start == k))
                    })
                    .unwrap_or(broken.len() - 1);
                let start = broken[r].start.min(k);
                let col: usize = graphemes[start..k].iter().map(|g| cell(g).1).sum();
                cursor = if col >= width {
                    (rows.len() + r + 1, 0)
                } else {
                    (rows.len() + r, col)
                };
            }
            rows.extend(broken.into_iter().map(|row| byte(row.start)..byte(row.end)));
            line_start += line.len() + 1;
        }
        Wrapped { rows, cursor }
    }

    /// Screen rows the input needs: its text's, and one more when the cursor is past the
    /// end of a full row.
    pub fn height(&self) -> usize {
        self.rows.len().max(self.cursor.0 + 1)
    }

    /// The first row shown in `height` rows, so that the cursor's row is one of them.
    fn top(&self, height: u16) -> usize {
        (self.cursor.0 + 1).saturating_sub(usize::from(height.max(1)))
    }
}

/// [`rows`] as the input measures: a control character takes one column.
fn rows_of(graphemes: &[&str], width: usize) -> Vec<Range<usize>> {
    let shown: Vec<&str> = graphemes.iter().map(|g| cell(g).0).collect();
    rows(&shown, width, 0)
}
