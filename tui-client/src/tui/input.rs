//! The text being written in the input line and how the keys edit it. The cursor moves,
//! deletes and measures one grapheme cluster at a time, so a flag or a family emoji is
//! one step and never left in pieces; typed code point by code point, a cluster grows
//! where the cursor is. The usual readline keys,
//! a kill buffer (Ctrl+Y) and undo / redo. Pure: `ui::input` lays it out and draws it.

use std::ops::Range;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use unicode_segmentation::UnicodeSegmentation;

use super::graphemes::{grapheme_width, text_width};

/// Undo steps kept.
const UNDO_DEPTH: usize = 100;

/// The input's text (lines joined by `\n`) and cursor.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InputLine {
    text: String,
    /// Byte offset of the cursor: between two grapheme clusters, or right after a code
    /// point typed into one.
    cursor: usize,
    /// The text deleted last by a word or line deletion, for Ctrl+Y.
    killed: String,
    undo: Vec<(String, usize)>,
    redo: Vec<(String, usize)>,
    /// The last change was a typed character: the next one joins its undo step.
    typing: bool,
}

impl InputLine {
    /// An input holding `text`, the cursor at its end.
    pub fn with_text(text: &str) -> Self {
        InputLine {
            text: text.to_owned(),
            cursor: text.len(),
            ..InputLine::default()
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Byte offset of the cursor in [`InputLine::text`].
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The line the cursor is on (0 for the first).
    pub fn row(&self) -> usize {
        self.text[..self.cursor].matches('\n').count()
    }

    /// How many lines the text has.
    pub fn line_count(&self) -> usize {
        self.text.matches('\n').count() + 1
    }

    /// The bytes of the line the cursor is on.
    pub fn current_line(&self) -> Range<usize> {
        self.line_start()..self.line_end()
    }

    /// Applies an editing key; `false` when the key is not one of the input's.
    pub fn handle(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            // AltGr arrives as Ctrl+Alt on some terminals: still a character
            KeyCode::Char(c) if ctrl == alt => self.type_char(c),
            KeyCode::Char('h') if ctrl => self.delete_back(),
            KeyCode::Backspace if alt || ctrl => self.kill_word_back(),
            KeyCode::Char('w') if ctrl => self.kill_word_back(),
            KeyCode::Backspace => self.delete_back(),
            KeyCode::Delete | KeyCode::Char('d') if alt => self.kill_word_forward(),
            KeyCode::Delete => self.delete_forward(),
            KeyCode::Char('d') if ctrl => self.delete_forward(),
            KeyCode::Left if ctrl || alt => self.move_to(self.word_back()),
            KeyCode::Char('b') if alt => self.move_to(self.word_back()),
            KeyCode::Right if ctrl || alt => self.move_to(self.word_forward()),
            KeyCode::Char('f') if alt => self.move_to(self.word_forward()),
            KeyCode::Left | KeyCode::Char('b') => self.move_to(self.prev_boundary()),
            KeyCode::Right | KeyCode::Char('f') => self.move_to(self.next_boundary()),
            KeyCode::Home => self.move_to(self.line_start()),
            KeyCode::Char('a') if ctrl => self.move_to(self.line_start()),
            KeyCode::End => self.move_to(self.line_end()),
            KeyCode::Char('e') if ctrl => self.move_to(self.line_end()),
            KeyCode::Up => self.move_line(-1),
            KeyCode::Down => self.move_line(1),
            KeyCode::Char('k') if ctrl => self.kill_to_end(),
            KeyCode::Char('u') if ctrl => self.kill_to_start(),
            KeyCode::Char('y') if ctrl => self.yank(),
            KeyCode::Char('z') if ctrl => self.undo(),
            KeyCode::Char('r') if ctrl => self.redo(),
            _ => return false,
        }
        true
    }

    /// Inserts `text` at the cursor (a paste: one undo step), the cursor after it.
    pub fn insert_str(&mut self, text: &str) {
        self.remember();
        self.insert(text);
    }

    /// Starts a new line at the cursor.
    pub fn insert_newline(&mut self) {
        self.insert_str("\n");
    }

    /// Replaces the bytes `range` with `with`, the cursor after it (tab completion).
    pub fn replace(&mut self, range: Range<usize>, with: &str) {
        self.remember();
        self.cursor = range.start;
        self.text.replace_range(range, "");
        self.insert(with);
    }

    fn type_char(&mut self, c: char) {
        if !self.typing {
            self.remember();
        }
        self.insert(c.encode_utf8(&mut [0; 4]));
        self.typing = true;
    }

    /// Inserts at the cursor and leaves it right after the text, even where that text
    /// joins a cluster with what follows (a joiner, the first half of a flag): the next
    /// code point typed completes it.
    fn insert(&mut self, text: &str) {
        self.text.insert_str(self.cursor, text);
        self.cursor += text.len();
    }

    fn move_to(&mut self, at: usize) {
        self.typing = false;
        self.cursor = at;
    }

    fn delete_back(&mut self) {
        let from = self.prev_boundary();
        self.delete(from..self.cursor, false);
    }

    fn delete_forward(&mut self) {
        let to = self.next_boundary();
        self.delete(self.cursor..to, false);
    }

    fn kill_word_back(&mut self) {
        let from = self.word_back();
        self.delete(from..self.cursor, true);
    }

    fn kill_word_forward(&mut self) {
        let to = self.word_forward();
        self.delete(self.cursor..to, true);
    }

    /// Ctrl+K: to the end of the line; at its end, joins the next line.
    fn kill_to_end(&mut self) {
        let end = self.line_end();
        let to = if end == self.cursor && end < self.text.len() {
            end + 1
        } else {
            end
        };
        self.delete(self.cursor..to, true);
    }

    /// Ctrl+U: to the start of the line.
    fn kill_to_start(&mut self) {
        let start = self.line_start();
        self.delete(start..self.cursor, true);
    }

    fn yank(&mut self) {
        if !self.killed.is_empty() {
            let killed = self.killed.clone();
            self.insert_str(&killed);
        }
    }

    fn delete(&mut self, range: Range<usize>, kill: bool) {
        if range.is_empty() {
            return;
        }
        self.remember();
        if kill {
            self.killed = self.text[range.clone()].to_owned();
        }
        self.cursor = range.start;
        self.text.replace_range(range, "");
    }

    fn undo(&mut self) {
        if let Some(state) = self.undo.pop() {
            let now = self.swap(state);
            self.redo.push(now);
        }
    }

    fn redo(&mut self) {
        if let Some(state) = self.redo.pop() {
            let now = self.swap(state);
            self.undo.push(now);
        }
    }

    fn swap(&mut self, (text, cursor): (String, usize)) -> (String, usize) {
        self.typing = false;
        let now = (std::mem::replace(&mut self.text, text), self.cursor);
        self.cursor = cursor;
        now
    }

    /// Keeps the text as it is before a change, for Ctrl+Z.
    fn remember(&mut self) {
        self.typing = false;
        self.redo.clear();
        if self.undo.len() == UNDO_DEPTH {
            self.undo.remove(0);
        }
        self.undo.push((self.text.clone(), self.cursor));
    }

    fn line_start(&self) -> usize {
        self.text[..self.cursor].rfind('\n').map_or(0, |i| i + 1)
    }

    fn line_end(&self) -> usize {
        self.text[self.cursor..]
            .find('\n')
            .map_or(self.text.len(), |i| self.cursor + i)
    }

    /// Where clusters start, and the end of the text.
    fn boundaries(&self) -> impl Iterator<Item = usize> + '_ {
        let end = self.text.len();
        self.text
            .grapheme_indices(true)
            .map(|(i, _)| i)
            .chain(std::iter::once(end))
    }

    fn prev_boundary(&self) -> usize {
        self.boundaries()
            .take_while(|i| *i < self.cursor)
            .last()
            .unwrap_or(0)
    }

    fn next_boundary(&self) -> usize {
        self.boundaries()
            .find(|i| *i > self.cursor)
            .unwrap_or(self.cursor)
    }

    /// The start of the word before the cursor (spaces before it skipped).
    fn word_back(&self) -> usize {
        let before: Vec<(usize, &str)> = self.text[..self.cursor].grapheme_indices(true).collect();
        let mut at = before.len();
        while at > 0 && is_space(before[at - 1].1) {
            at -= 1;
        }
        while at > 0 && !is_space(before[at - 1].1) {
            at -= 1;
        }
        before.get(at).map_or(self.cursor, |(i, _)| *i)
    }

    /// The end of the word after the cursor (spaces before it skipped).
    fn word_forward(&self) -> usize {
        let mut after = self.text[self.cursor..].grapheme_indices(true).peekable();
        while after.next_if(|(_, g)| is_space(g)).is_some() {}
        while after.next_if(|(_, g)| !is_space(g)).is_some() {}
        after
            .next()
            .map_or(self.text.len(), |(i, _)| self.cursor + i)
    }

    /// Up (-1) or Down (+1) a line, keeping the column as near as the line allows.
    fn move_line(&mut self, step: i32) {
        let start = self.line_start();
        let column = text_width(&self.text[start..self.cursor]);
        let target = if step < 0 {
            match start.checked_sub(1) {
                Some(end) => self.text[..end].rfind('\n').map_or(0, |i| i + 1),
                None => return,
            }
        } else {
            match self.text[self.cursor..].find('\n') {
                Some(i) => self.cursor + i + 1,
                None => return,
            }
        };
        let line = self.text[target..].split('\n').next().unwrap_or("");
        let mut used = 0;
        let mut at = target + line.len();
        for (i, g) in line.grapheme_indices(true) {
            if used + grapheme_width(g) > column {
                at = target + i;
                break;
            }
            used += grapheme_width(g);
        }
        self.move_to(at);
    }
}

fn is_space(g: &str) -> bool {
    g.chars().all(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn typed(text: &str) -> InputLine {
        let mut input = InputLine::default();
        for c in text.chars() {
            input.handle(key(KeyCode::Char(c)));
        }
        input
    }

    /// Typed code point by code point, a flag and a family are one cluster each: Left
    /// and Backspace step over them whole.
    #[test]
    fn the_cursor_moves_by_grapheme() {
        let mut input = typed("🇫🇷 👨‍👩‍👧 ok");
        assert_eq!(input.text(), "🇫🇷 👨‍👩‍👧 ok");
        for _ in 0..3 {
            input.handle(key(KeyCode::Left));
        }
        assert_eq!(&input.text()[input.cursor()..], " ok");
        input.handle(key(KeyCode::Left));
        assert_eq!(&input.text()[input.cursor()..], "👨‍👩‍👧 ok");
        input.handle(key(KeyCode::Backspace));
        assert_eq!(input.text(), "🇫🇷👨‍👩‍👧 ok");
        input.handle(key(KeyCode::Delete));
        assert_eq!(input.text(), "🇫🇷 ok");
        input.handle(key(KeyCode::Backspace));
        assert_eq!(input.text(), " ok");
    }

    /// Ctrl+Left / Alt+F move a word; Up / Down keep the column between lines.
    #[test]
    fn word_and_line_moves() {
        let alt = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT);
        let mut input = InputLine::with_text("one two\nthree");
        input.handle(KeyEvent::new(KeyCode::Left, KeyModifiers::CONTROL));
        assert_eq!(input.cursor(), 8, "start of three");
        input.handle(key(KeyCode::Up));
        assert_eq!(input.cursor(), 0);
        input.handle(alt('f'));
        assert_eq!(input.cursor(), 3, "end of one");
        input.handle(key(KeyCode::Down));
        assert_eq!((input.row(), input.cursor()), (1, 11));
    }
}
