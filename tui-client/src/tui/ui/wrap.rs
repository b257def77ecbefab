//! Word wrapping with a hanging indent, so wrapped text stays aligned under the message
//! text instead of running back under the time column (as in weechat and irssi).

use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Wraps one styled line to `width` columns; continuation lines start with `indent`
/// spaces. Breaks at the last space that fits, else mid-word.
pub fn wrap(spans: Vec<Span<'static>>, width: u16, indent: u16) -> Vec<Line<'static>> {
    let width = usize::from(width.max(1));
    let indent = usize::from(indent).min(width.saturating_sub(1));
    let cells: Vec<(char, Style)> = spans
        .iter()
        .flat_map(|span| span.content.chars().map(move |c| (c, span.style)))
        .collect();
    let mut rows: Vec<Vec<(char, Style)>> = Vec::new();
    let mut current: Vec<(char, Style)> = Vec::new();
    let mut used = 0;
    for cell in cells {
        let w = char_width(cell.0);
        let room = if rows.is_empty() {
            width
        } else {
            width - indent
        };
        if used + w > room && !current.is_empty() {
            let split = current
                .iter()
                .rposition(|(c, _)| *c == ' ')
                .filter(|&i| i > 0);
            let rest = match split {
                Some(i) => {
                    let rest = current.split_off(i + 1);
                    current.pop();
                    rest
                }
                None => Vec::new(),
            };
            rows.push(std::mem::replace(&mut current, rest));
            used = current.iter().map(|(c, _)| char_width(*c)).sum();
        }
        current.push(cell);
        used += w;
    }
    rows.push(current);
    rows.into_iter()
        .enumerate()
        .map(|(i, row)| to_line(row, if i == 0 { 0 } else { indent }))
        .collect()
}

/// Columns a character takes on screen.
fn char_width(c: char) -> usize {
    let mut buf = [0u8; 4];
    Span::raw(&*c.encode_utf8(&mut buf)).width()
}

/// Joins runs of equally styled characters back into spans.
fn to_line(row: Vec<(char, Style)>, indent: usize) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    if indent > 0 {
        spans.push(Span::raw(" ".repeat(indent)));
    }
    let mut text = String::new();
    let mut style = None;
    for (c, s) in row {
        if style.is_some_and(|current| current != s) {
            spans.push(Span::styled(
                std::mem::take(&mut text),
                style.unwrap_or_default(),
            ));
        }
        style = Some(s);
        text.push(c);
    }
    if !text.is_empty() {
        spans.push(Span::styled(text, style.unwrap_or_default()));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    /// Long text breaks at spaces and continuation lines are indented.
    #[test]
    fn wraps_at_spaces_with_hanging_indent() {
        let lines = wrap(vec![Span::raw("12:00 bob: the quick brown fox")], 16, 6);
        assert_eq!(
            texts(&lines),
            vec!["12:00 bob: the", "      quick", "      brown fox"]
        );
    }

    /// A word longer than the width is cut rather than lost.
    #[test]
    fn cuts_words_longer_than_the_width() {
        let lines = wrap(vec![Span::raw("abcdefghij")], 4, 0);
        assert_eq!(texts(&lines), vec!["abcd", "efgh", "ij"]);
    }
}
