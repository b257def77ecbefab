//! How wide text is on screen, measured per grapheme cluster — what a reader sees as one
//! character: a flag, a family emoji (a ZWJ sequence) or a letter with its accents is one
//! cell or two, never the sum of its code points. The conversation wraps by it and the
//! input line moves its cursor by it.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Columns a grapheme cluster takes on screen: a flag or a ZWJ sequence is one emoji,
/// two columns wide, not the sum of its code points.
pub fn grapheme_width(g: &str) -> usize {
    if g.chars().count() > 1 && g.chars().any(|c| c == '\u{200d}' || is_regional(c)) {
        return 2;
    }
    g.width()
}

/// Columns `text` takes on one line.
pub fn text_width(text: &str) -> usize {
    text.graphemes(true).map(grapheme_width).sum()
}

fn is_regional(c: char) -> bool {
    ('\u{1f1e6}'..='\u{1f1ff}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Flags and ZWJ sequences are one emoji of two columns; plain text one per letter.
    #[test]
    fn emoji_are_two_columns() {
        assert_eq!(grapheme_width("🇫🇷"), 2);
        assert_eq!(grapheme_width("👨‍👩‍👧"), 2);
        assert_eq!(text_width("🇫🇷 👨‍👩‍👧 ok"), 8);
        assert_eq!(text_width("e\u{301}t\u{e9}"), 3);
    }
}
