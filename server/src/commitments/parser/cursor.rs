//! A position in a clause's tokens, with the small matchers every rule of the grammar uses:
//! look ahead, take a word or a phrase, and remember what was taken.

use super::lexer::Token;

/// Tokens and the position of the next one to read.
#[derive(Debug, Clone, Copy)]
pub struct Cursor<'a> {
    pub tokens: &'a [Token],
    pub at: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(tokens: &'a [Token]) -> Cursor<'a> {
        Cursor { tokens, at: 0 }
    }

    /// The word `ahead` tokens on ("" past the end).
    pub fn peek(&self, ahead: usize) -> &'a str {
        self.tokens
            .get(self.at + ahead)
            .map_or("", |t| t.text.as_str())
    }

    /// The token `ahead` tokens on.
    pub fn token(&self, ahead: usize) -> Option<&'a Token> {
        self.tokens.get(self.at + ahead)
    }

    pub fn done(&self) -> bool {
        self.at >= self.tokens.len()
    }

    /// The tokens not read yet.
    pub fn rest(&self) -> &'a [Token] {
        &self.tokens[self.at.min(self.tokens.len())..]
    }

    /// Whether the words at the cursor are `phrase` (each item a word; `a|b` for either).
    pub fn at_phrase(&self, phrase: &[&str]) -> bool {
        let Some(ahead) = self.tokens.get(self.at..self.at + phrase.len()) else {
            return false;
        };
        phrase
            .iter()
            .zip(ahead)
            .all(|(want, token)| one_of(want.as_bytes(), token.text.as_bytes()))
    }

    /// Takes `phrase` if it is next.
    pub fn eat_phrase(&mut self, phrase: &[&str]) -> bool {
        let found = self.at_phrase(phrase);
        if found {
            self.at += phrase.len();
        }
        found
    }

    /// Takes the first of `phrases` that is next (longest listed first).
    pub fn eat_any_phrase(&mut self, phrases: &[&[&str]]) -> Option<usize> {
        let found = phrases.iter().position(|p| self.at_phrase(p))?;
        self.at += phrases[found].len();
        Some(found)
    }

    /// Takes the next word if it is one of `words`, and returns it.
    pub fn eat_one(&mut self, words: &[&str]) -> Option<&'a str> {
        let word = self.peek(0);
        if !word.is_empty() && words.contains(&word) {
            self.at += 1;
            Some(word)
        } else {
            None
        }
    }

    /// Takes every next word that is in `words`.
    pub fn skip_all(&mut self, words: &[&str]) {
        while self.eat_one(words).is_some() {}
    }

    /// The byte offset where the next token starts (or the end of the last one).
    pub fn offset(&self) -> usize {
        self.token(0)
            .map(|t| t.start)
            .or_else(|| self.tokens.last().map(|t| t.end))
            .unwrap_or(0)
    }

    /// The byte offset just after the token before the cursor.
    pub fn end_of_previous(&self) -> usize {
        self.at
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .map_or(0, |t| t.end)
    }
}

/// Whether `word` is one of the words of `want` ("a|b|c"), read in one pass (the grammar
/// asks this of most words of every message).
fn one_of(want: &[u8], word: &[u8]) -> bool {
    let mut start = 0;
    for end in 0..=want.len() {
        if end == want.len() || want[end] == b'|' {
            if want[start..end] == *word {
                return true;
            }
            start = end + 1;
        }
    }
    false
}
