//! Drawing: `draw(frame, &App)` lays out the screen and hands each area to its widget.
//! Reads the state, never changes it.
//!
//! ```text
//! ┌ groups ─┬ #team — header ──────────────┬ side pane (F2) ┐
//! │ 1 team  │ conversation                 │ liabilities    │
//! │ 2 ops 3 │                              │ commitments    │
//! ├─────────┴ input (title: hints) ────────┴────────────────┤
//! └ status: user │ group │ connection │ notice ───────────────┘
//! ```

#[cfg(test)]
mod chat_tests;
mod conversation;
mod groups;
mod help;
mod input;
mod side;
mod status;
#[cfg(test)]
mod tests;
mod wrap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};

use super::app::{App, Buffer};

/// Width of the group list, border included.
const GROUPS_WIDTH: u16 = 22;
/// Largest width of the side pane, border included.
const SIDE_WIDTH: u16 = 42;
/// Most input lines shown at once.
const INPUT_MAX_LINES: u16 = 6;

/// The screen's areas.
struct Areas {
    groups: Rect,
    header: Rect,
    conversation: Rect,
    side: Option<Rect>,
    input: Rect,
    status: Rect,
}

fn areas(app: &App, screen: Rect) -> Areas {
    // Long lines wrap in the input: count the rows they take (prompt excluded).
    let text_width = screen.width.saturating_sub(input::PROMPT_WIDTH);
    let rows = input::Wrapped::new(&app.input, text_width).height();
    let input_lines = u16::try_from(rows)
        .unwrap_or(INPUT_MAX_LINES)
        .clamp(1, INPUT_MAX_LINES);
    let [main, input, status] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(input_lines + 1),
        Constraint::Length(1),
    ])
    .areas(screen);
    // The pane never takes more than a third of the screen from the conversation.
    let side_width = if app.side_pane {
        SIDE_WIDTH.min(screen.width / 3)
    } else {
        0
    };
    let [groups, middle, side] = Layout::horizontal([
        Constraint::Length(GROUPS_WIDTH),
        Constraint::Min(10),
        Constraint::Length(side_width),
    ])
    .areas(main);
    let [header, conversation] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(middle);
    Areas {
        groups,
        header,
        conversation,
        side: app.side_pane.then_some(side),
        input,
        status,
    }
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let areas = areas(app, frame.area());
    groups::draw(frame, areas.groups, app);
    conversation::draw_header(frame, areas.header, app);
    conversation::draw(frame, areas.conversation, app);
    if let Some(side) = areas.side {
        side::draw(frame, side, app);
    }
    input::draw(frame, areas.input, app);
    status::draw(frame, areas.status, app);
    if app.show_help {
        help::draw(frame, frame.area(), app.help_scroll);
    }
}

/// How far the help window can scroll, and how far one page goes, at the terminal's size.
pub fn help_extent(app: &App) -> (usize, usize) {
    let screen = Rect::new(0, 0, app.size.0, app.size.1);
    (help::max_scroll(screen), help::page(screen))
}

/// Size (columns, rows) of the conversation area for the current terminal size.
pub fn conversation_size(app: &App) -> (u16, u16) {
    let screen = Rect::new(0, 0, app.size.0, app.size.1);
    let area = areas(app, screen).conversation;
    (area.width, area.height)
}

/// How far the side pane can scroll (0 when closed or when everything fits).
pub fn side_pane_max_scroll(app: &App) -> usize {
    let screen = Rect::new(0, 0, app.size.0, app.size.1);
    match areas(app, screen).side {
        Some(area) => {
            let (lines, rows) = side::extent(app, area);
            lines.saturating_sub(rows)
        }
        None => 0,
    }
}

/// Where message `seq` starts among group `index`'s screen lines at `width`, and how
/// many lines there are.
pub fn conversation_line_of(
    app: &App,
    index: usize,
    seq: i64,
    width: u16,
) -> Option<(usize, usize)> {
    conversation::line_of(app, index, seq, width)
}

/// How many screen lines group `index`'s conversation takes at `width`.
pub fn conversation_lines(app: &App, index: usize, width: u16) -> usize {
    conversation::line_count(app, index, width)
}

/// Which buffer a click at (`column`, `row`) lands on, if any: only the rows of the
/// group list below its title, and only those that show a buffer.
pub fn buffer_at(app: &App, column: u16, row: u16) -> Option<Buffer> {
    let screen = Rect::new(0, 0, app.size.0, app.size.1);
    let list = areas(app, screen).groups;
    let first_row = list.y.saturating_add(1);
    if !list.contains(Position::new(column, row)) || row < first_row {
        return None;
    }
    let skip = groups::first_shown(app, list.height);
    app.buffers()
        .get(usize::from(row - first_row) + skip)
        .copied()
}
