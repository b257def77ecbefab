//! Word wrapping with a hanging indent, so wrapped text stays aligned under the message
//! text instead of running back under the time column (as in weechat and irssi). Text is
//! cut and measured by grapheme cluster, so a flag or a ZWJ emoji is never split.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Wraps one styled line to `width` columns; continuation lines start with `indent`
/// spaces. Breaks at the last space that fits, else mid-word.
pub fn wrap(spans: Vec<Span<'static>>, width: u16, indent: u16) -> Vec<Line<'static>> {
    let width = usize::from(width.max(1));
    let indent = usize::from(indent).min(width.saturating_sub(1));
    let cells: Vec<(&str, Style)> = spans
        .iter()
        .flat_map(|span| span.content.graphemes(true).map(move |g| (g, span.style)))
        .collect();
    let mut rows: Vec<Vec<(&str, Style)>> = Vec::new();
    let mut current: Vec<(&str, Style)> = Vec::new();
    let mut used = 0;
    for cell in cells {
        let w = grapheme_width(cell.0);
        let room = if rows.is_empty() {
            width
        } else {
            width - indent
        };
        if used + w > room && !current.is_empty() {
            let split = current
                .iter()
                .rposition(|(g, _)| *g == " ")
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
            used = current.iter().map(|(g, _)| grapheme_width(g)).sum();
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

/// Columns a grapheme cluster takes on screen: a flag or a ZWJ sequence is one emoji,
/// two columns wide, not the sum of its code points.
pub fn grapheme_width(g: &str) -> usize {
    if g.chars().count() > 1 && g.chars().any(|c| c == '\u{200d}' || is_regional(c)) {
        return 2;
    }
    g.width()
}

fn is_regional(c: char) -> bool {
    ('\u{1f1e6}'..='\u{1f1ff}').contains(&c)
}

/// Joins runs of equally styled characters back into spans.
fn to_line(row: Vec<(&str, Style)>, indent: usize) -> Line<'static> {
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

    /// Flags and ZWJ sequences are measured and cut as one emoji of two columns.
    #[test]
    fn emoji_are_cut_whole() {
        assert_eq!(grapheme_width("🇫🇷"), 2);
        assert_eq!(grapheme_width("👨‍👩‍👧"), 2);
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
