//! Splits chat text into lower-case tokens the grammar can match: words, numbers, `$`, `%`
//! and commas, with "5h" -> "5" "h", "$20" -> "$" "20", "I'll" -> "i" "will".

/// One token and where it came from in the original text (byte range).
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Contractions that expand into two tokens.
const CONTRACTIONS: &[(&str, &str, &str)] = &[
    ("i'll", "i", "will"),
    ("i’ll", "i", "will"),
    ("i'd", "i", "would"),
    ("i’d", "i", "would"),
    ("i'm", "i", "am"),
    ("we'll", "we", "will"),
];

/// The tokens of `text`.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word_start: Option<usize> = None;
    let flush = |tokens: &mut Vec<Token>, start: usize, end: usize| {
        split_word(&text[start..end], start, tokens);
    };
    for (index, ch) in text.char_indices() {
        let is_word = ch.is_alphanumeric() || matches!(ch, '.' | '\'' | '’' | '/' | '-');
        if is_word {
            word_start.get_or_insert(index);
            continue;
        }
        if let Some(start) = word_start.take() {
            flush(&mut tokens, start, index);
        }
        if matches!(ch, '$' | '%' | '€' | ',' | '?' | '≥' | '+') {
            let end = index + ch.len_utf8();
            tokens.push(Token {
                text: ch.to_string(),
                start: index,
                end,
            });
        }
    }
    if let Some(start) = word_start {
        flush(&mut tokens, start, text.len());
    }
    tokens
}

/// Splits one run of word characters: trailing full stops, contractions, "5h", "10%".
fn split_word(word: &str, start: usize, tokens: &mut Vec<Token>) {
    let trimmed = word.trim_end_matches(['.', '\'', '’', '-']);
    let lower = trimmed.to_lowercase();
    if lower.is_empty() {
        return;
    }
    let end = start + trimmed.len();
    let push = |tokens: &mut Vec<Token>, text: &str, s: usize, e: usize| {
        tokens.push(Token {
            text: text.to_owned(),
            start: s,
            end: e,
        });
    };
    if let Some((_, first, second)) = CONTRACTIONS.iter().find(|(c, _, _)| *c == lower) {
        push(tokens, first, start, end);
        push(tokens, second, start, end);
        return;
    }
    let digits = lower
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '.')
        .map(|(i, c)| i + c.len_utf8())
        .last()
        .unwrap_or(0);
    if digits > 0 && digits < lower.len() && lower[..digits].parse::<f64>().is_ok() {
        push(tokens, &lower[..digits], start, start + digits);
        push(tokens, &lower[digits..], start + digits, end);
    } else {
        push(tokens, &lower, start, end);
    }
}

/// A number written in digits or as a small word.
pub fn number(token: &str) -> Option<f64> {
    const WORDS: &[(&str, f64)] = &[
        ("zero", 0.0),
        ("half", 0.5),
        ("one", 1.0),
        ("two", 2.0),
        ("three", 3.0),
        ("four", 4.0),
        ("five", 5.0),
        ("six", 6.0),
        ("seven", 7.0),
        ("eight", 8.0),
        ("nine", 9.0),
        ("ten", 10.0),
        ("twenty", 20.0),
    ];
    if token.starts_with(|c: char| c.is_ascii_digit()) {
        return token.parse::<f64>().ok().filter(|v| v.is_finite());
    }
    WORDS
        .iter()
        .find(|(word, _)| *word == token)
        .map(|(_, value)| *value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.text).collect()
    }

    /// Numbers glued to units, money, percentages and contractions come apart.
    #[test]
    fn tokens_come_apart() {
        assert_eq!(
            texts("If Alice does 5h work, I'll do 3h."),
            [
                "if", "alice", "does", "5", "h", "work", ",", "i", "will", "do", "3", "h"
            ]
        );
        assert_eq!(
            texts("I'll pay $20 or 40% of AC/DC"),
            [
                "i", "will", "pay", "$", "20", "or", "40", "%", "of", "ac/dc"
            ]
        );
        assert_eq!(
            texts("did anyone do 2.5 hrs?"),
            ["did", "anyone", "do", "2.5", "hrs", "?"]
        );
    }

    /// Token positions point back into the original text.
    #[test]
    fn tokens_know_their_position() {
        let text = "I'll do some work";
        let some = &tokenize(text)[3];
        assert_eq!(&text[some.start..some.end], "some");
    }
}
