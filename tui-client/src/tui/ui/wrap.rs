//! Word wrapping with a hanging indent, so wrapped text stays aligned under the message
//! text instead of running back under the time column (as in weechat and irssi). Text is
//! cut and measured by grapheme cluster, so a flag or a ZWJ emoji is never split.

use std::ops::Range;

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;

use super::super::graphemes::grapheme_width;

/// Wraps one styled line to `width` columns; continuation lines start with `indent`
/// spaces. Breaks at the last space that fits, else mid-word.
pub fn wrap(spans: Vec<Span<'static>>, width: u16, indent: u16) -> Vec<Line<'static>> {
    let width = usize::from(width.max(1));
    let indent = usize::from(indent).min(width.saturating_sub(1));
    let cells: Vec<(&str, Style)> = spans
        .iter()
        .flat_map(|span| span.content.graphemes(true).map(move |g| (g, span.style)))
        .collect();
    let graphemes: Vec<&str> = cells.iter().map(|(g, _)| *g).collect();
    rows(&graphemes, width, indent)
        .into_iter()
        .enumerate()
        .map(|(i, row)| to_line(&cells[row], if i == 0 { 0 } else { indent }))
        .collect()
}

/// Where a line of `graphemes` breaks at `width` columns (continuation rows `indent`
/// columns narrower): the graphemes each row shows. A row ends at the last space that
/// fits — the space is shown on neither row — else mid-word.
pub fn rows(graphemes: &[&str], width: usize, indent: usize) -> Vec<Range<usize>> {
    let mut rows = Vec::new();
    let mut start = 0;
    let mut used = 0;
    for (i, g) in graphemes.iter().enumerate() {
        let w = grapheme_width(g);
        let room = if rows.is_empty() {
            width
        } else {
            width - indent
        };
        if used + w > room && i > start {
            let space = graphemes[start + 1..i]
                .iter()
                .rposition(|g| *g == " ")
                .map(|k| start + 1 + k);
            match space {
                Some(at) => {
                    rows.push(start..at);
                    start = at + 1;
                }
                None => {
                    rows.push(start..i);
                    start = i;
                }
            }
            used = graphemes[start..i].iter().map(|g| grapheme_width(g)).sum();
        }
        used += w;
    }
    rows.push(start..graphemes.len());
    rows
}

/// Joins runs of equally styled characters back into spans.
fn to_line(row: &[(&str, Style)], indent: usize) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    if indent > 0 {
        spans.push(Span::raw(" ".repeat(indent)));
    }
    let mut text = String::new();
    let mut style = None;
    for &(c, s) in row {
        if style.is_some_and(|current| current != s) {
            spans.push(Span::styled(
                std::mem::take(&mut text),
                style.unwrap_or_default(),
            ));
        }
        style = Some(s);
        text.push_str(c);
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

    /// Flags and ZWJ sequences are cut as one emoji of two columns.
    #[test]
    fn emoji_are_cut_whole() {
        let lines = wrap(vec![Span::raw("🇫🇷🇫🇷👨‍👩‍👧")], 4, 0);
        assert_eq!(texts(&lines), vec!["🇫🇷🇫🇷", "👨‍👩‍👧"]);
    }

    /// A word longer than the width is cut rather than lost.
    #[test]
    fn cuts_words_longer_than_the_width() {
        let lines = wrap(vec![Span::raw("abcdefghij")], 4, 0);
        assert_eq!(texts(&lines), vec!["abcd", "efgh", "ij"]);
    }
}
