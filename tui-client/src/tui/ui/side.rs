//! The side pane (F2, /commitments, /liabilities, /whatif): what each member is bound to do
//! now and why, the commitments behind it, refreshed when a commitment or liability
//! message arrives; and, on top, what an offer tried with `/whatif` would change.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::super::app::{App, PaneData, PaneFocus};
use super::wrap::wrap;
use crate::present;

const DIM: Style = Style::new().fg(Color::DarkGray);

fn block() -> Block<'static> {
    Block::default()
        .borders(Borders::LEFT)
        .border_style(DIM)
        .title(Span::styled(" commitments · liabilities ", DIM))
}

/// Draws the pane into `area`, scrolled as the user left it.
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let block = block();
    let inner = block.inner(area);
    let lines = lines(app, inner.width);
    let scroll = app
        .pane_scroll
        .min(lines.len().saturating_sub(usize::from(inner.height)));
    let visible: Vec<Line<'static>> = lines.into_iter().skip(scroll).collect();
    frame.render_widget(Paragraph::new(visible).block(block), area);
}

/// Lines the pane's content takes in `area`, and the rows it shows.
pub fn extent(app: &App, area: Rect) -> (usize, usize) {
    let inner = block().inner(area);
    (lines(app, inner.width).len(), usize::from(inner.height))
}

fn lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(view) = app.active_group() {
        if let Some((text, answer)) = &view.whatif {
            lines.extend(whatif(text, answer, width));
            lines.push(Line::raw(""));
        }
        if let Some(found) = app.search.as_ref().filter(|s| s.group == view.group.id) {
            let title = format!("Found for \"{}\" (/jump SEQ)", found.query);
            lines.push(Line::from(Span::styled(
                title,
                Style::new()
                    .fg(Color::LightBlue)
                    .add_modifier(Modifier::BOLD),
            )));
            if found.messages.is_empty() {
                lines.push(Line::from(Span::styled(" nothing", DIM)));
            }
            for message in &found.messages {
                let author = message
                    .author
                    .as_ref()
                    .map_or("quid", |a| a.username.as_str());
                let text = format!(
                    " #{} {author}: {}",
                    message.seq,
                    message.content.replace('\n', " ")
                );
                lines.extend(wrap(vec![Span::raw(text)], width, 2));
            }
            lines.push(Line::raw(""));
        }
        let liabilities = section(
            "Liabilities",
            Color::Cyan,
            &view.liabilities,
            "nobody is bound to anything yet",
            present::liability,
            width,
        );
        let commitments = section(
            "Commitments",
            Color::Yellow,
            &view.commitments,
            "no commitments yet",
            present::commitment,
            width,
        );
        let (first, second) = match app.pane_focus {
            PaneFocus::Liabilities => (liabilities, commitments),
            PaneFocus::Commitments => (commitments, liabilities),
        };
        lines.extend(first);
        lines.push(Line::raw(""));
        lines.extend(second);
    }
    lines
}

/// "What if: <offer>" and how it reads, before → after.
fn whatif(text: &str, answer: &PaneData<quid_shared::WhatIf>, width: u16) -> Vec<Line<'static>> {
    let title = Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD);
    let mut lines = wrap(
        vec![Span::styled(format!(" What if: {text}"), title)],
        width,
        2,
    );
    let body: Vec<String> = match answer {
        PaneData::NotLoaded => vec!["trying…".to_owned()],
        PaneData::Unsupported => vec!["this server does not offer this yet".to_owned()],
        PaneData::Failed(e) => vec![e.clone()],
        PaneData::Loaded(w) => present::whatif(w),
    };
    for line in body {
        lines.extend(wrap(vec![Span::raw(format!("  {line}"))], width, 4));
    }
    lines.push(Line::from(Span::styled(
        "  (/whatif alone hides this)",
        DIM,
    )));
    lines
}

fn section<T>(
    title: &str,
    color: Color,
    data: &PaneData<Vec<T>>,
    empty: &str,
    show: fn(&T) -> String,
    width: u16,
) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled(
        format!(" {title}"),
        Style::new().fg(color).add_modifier(Modifier::BOLD),
    ))];
    let note = |text: &str| Line::from(Span::styled(format!("  {text}"), DIM));
    match data {
        PaneData::NotLoaded => lines.push(note("loading…")),
        PaneData::Unsupported => lines.push(note("this server does not offer this yet")),
        PaneData::Failed(e) => lines.extend(wrap(
            vec![Span::styled(
                format!("  {e}"),
                Style::new().fg(Color::LightRed),
            )],
            width,
            2,
        )),
        PaneData::Loaded(items) if items.is_empty() => lines.push(note(empty)),
        PaneData::Loaded(items) => {
            for item in items {
                lines.extend(wrap(vec![Span::raw(format!("  {}", show(item)))], width, 4));
            }
        }
    }
    lines
}
