//! Splits chat text into lower-case tokens the grammar can match: words, numbers, money and
//! percent signs, and punctuation that ends a clause or a sentence. "5h" -> "5" "h",
//! "1h30" -> "1" "h" "30", "$20" -> "$" "20", "I'll" -> "i" "will", "can't" -> "can" "not".
//! Emoji and other symbols are dropped; every token keeps its byte range in the text.

/// One token and where it came from in the original text (byte range).
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub text: String,
    pub start: usize,
    pub end: usize,
    /// Written with a capital letter (names usually are).
    pub capital: bool,
}

impl Token {
    fn new(text: &str, start: usize, end: usize, capital: bool) -> Token {
        Token {
            text: text.to_owned(),
            start,
            end,
            capital,
        }
    }
}

/// Contractions that expand into two tokens (after curly quotes are made straight).
const CONTRACTIONS: &[(&str, &str, &str)] = &[
    ("i'll", "i", "will"),
    ("i'd", "i", "would"),
    ("i'm", "i", "am"),
    ("im", "i", "am"),
    ("i've", "i", "have"),
    ("ill", "i", "will"),
    ("we'll", "we", "will"),
    ("we're", "we", "are"),
    ("we'd", "we", "would"),
    ("you'll", "you", "will"),
    ("you're", "you", "are"),
    ("you'd", "you", "would"),
    ("he'll", "he", "will"),
    ("she'll", "she", "will"),
    ("they'll", "they", "will"),
    ("it's", "it", "is"),
    ("that's", "that", "is"),
    ("there's", "there", "is"),
    ("let's", "let", "us"),
    ("won't", "will", "not"),
    ("wont", "will", "not"),
    ("can't", "can", "not"),
    ("cant", "can", "not"),
    ("cannot", "can", "not"),
    ("shan't", "shall", "not"),
    ("gonna", "going", "to"),
    ("wanna", "want", "to"),
    ("gotta", "got", "to"),
    ("y'all", "you", "all"),
];

/// Characters that are a token of their own.
const SIGNS: &[char] = &[
    '$', '%', '€', '£', '¢', ',', '?', '!', ';', ':', '≥', '+', '~', '#', '(', ')', '=', '&', '>',
    '<', '"', '“', '”',
];

/// The tokens of `text`.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word_start: Option<usize> = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (position, &(index, ch)) in chars.iter().enumerate() {
        let next = chars.get(position + 1).map(|(_, c)| *c);
        let previous = position
            .checked_sub(1)
            .and_then(|p| chars.get(p))
            .map(|(_, c)| *c);
        let inner = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
        let is_word = ch.is_alphanumeric()
            || ch == '_'
            || (matches!(ch, '\'' | '’') && word_start.is_some())
            || (matches!(ch, '.' | '/' | '-') && inner(previous) && inner(next))
            || (ch == '.' && previous.is_none_or(|c| !c.is_alphanumeric()) && {
                next.is_some_and(|c| c.is_ascii_digit())
            });
        if is_word {
            word_start.get_or_insert(index);
            continue;
        }
        if let Some(start) = word_start.take() {
            split_word(&text[start..index], start, &mut tokens);
        }
        let end = index + ch.len_utf8();
        if SIGNS.contains(&ch) {
            let sign = match ch {
                '≥' => ">=",
                '“' | '”' => "\"",
                _ => "",
            };
            let sign = if sign.is_empty() {
                ch.to_string()
            } else {
                sign.to_owned()
            };
            tokens.push(Token::new(&sign, index, end, false));
        } else if ch == '.' || ch == '\n' || ch == '…' || is_pictograph(ch) {
            tokens.push(Token::new(".", index, end, false));
        } else if ch == '-' || ch == '–' || ch == '—' {
            tokens.push(Token::new("-", index, end, false));
        }
    }
    if let Some(start) = word_start {
        split_word(&text[start..], start, &mut tokens);
    }
    tokens
}

/// An emoji or pictograph, which ends a sentence as a full stop would.
fn is_pictograph(ch: char) -> bool {
    matches!(u32::from(ch), 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF)
}

/// Splits one run of word characters: contractions, "5h", "1h30", "20$", "bob's".
fn split_word(word: &str, start: usize, tokens: &mut Vec<Token>) {
    let trimmed = word.trim_end_matches(['\'', '’']);
    if trimmed.is_empty() {
        return;
    }
    let capital = trimmed.chars().next().is_some_and(char::is_uppercase);
    let lower = trimmed.to_lowercase().replace('’', "'");
    let end = start + trimmed.len();
    if let Some((_, first, second)) = CONTRACTIONS.iter().find(|(c, _, _)| *c == lower) {
        tokens.push(Token::new(first, start, end, capital));
        tokens.push(Token::new(second, start, end, false));
        return;
    }
    if let Some(base) = lower.strip_suffix("n't") {
        tokens.push(Token::new(base, start, end, capital));
        tokens.push(Token::new("not", start, end, false));
        return;
    }
    if let Some(owner) = lower.strip_suffix("'s") {
        let split = start + trimmed.rfind(['\'', '’']).unwrap_or(trimmed.len());
        tokens.push(Token::new(owner, start, split, capital));
        tokens.push(Token::new("'s", split, end, false));
        return;
    }
    if lower.chars().any(|c| c.is_ascii_digit()) && !is_ordinal(&lower) {
        split_runs(&lower, start, tokens);
        return;
    }
    tokens.push(Token::new(&lower, start, end, capital));
}

/// "1st", "2nd", "3rd", "4th": dates and ranks, kept whole.
fn is_ordinal(word: &str) -> bool {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &word[digits.len()..];
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
        && matches!(suffix, "st" | "nd" | "rd" | "th")
}

/// Splits a word with digits into runs of number and of letters: "1h30" -> 1 h 30,
/// "1.5hrs" -> 1.5 hrs, "2-3" -> 2 - 3.
fn split_runs(word: &str, start: usize, tokens: &mut Vec<Token>) {
    let bytes: Vec<(usize, char)> = word.char_indices().collect();
    let mut run_start = 0;
    let kind = |c: char| {
        if c.is_ascii_digit() || c == '.' {
            0
        } else if c == '-' || c == '/' {
            1
        } else {
            2
        }
    };
    for i in 0..=bytes.len() {
        let boundary =
            i == bytes.len() || (i > run_start && kind(bytes[i].1) != kind(bytes[i - 1].1));
        if !boundary {
            continue;
        }
        let from = bytes[run_start].0;
        let to = bytes.get(i).map_or(word.len(), |(b, _)| *b);
        let piece = word[from..to].trim_end_matches('.');
        if piece.starts_with('.') {
            tokens.push(Token::new(
                &format!("0{piece}"),
                start + from,
                start + to,
                false,
            ));
        } else if !piece.is_empty() {
            tokens.push(Token::new(piece, start + from, start + to, false));
        }
        run_start = i;
    }
}

/// A number written in digits.
pub fn digits(token: &str) -> Option<f64> {
    if !token.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    token.parse::<f64>().ok().filter(|v| v.is_finite())
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
                "if", "alice", "does", "5", "h", "work", ",", "i", "will", "do", "3", "h", "."
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
        assert_eq!(texts("1h30, 20$"), ["1", "h", "30", ",", "20", "$"]);
        assert_eq!(
            texts("I can’t do 2-3h"),
            ["i", "can", "not", "do", "2", "-", "3", "h"]
        );
        assert_eq!(texts("Bob's share 🙂!"), ["bob", "'s", "share", ".", "!"]);
        assert_eq!(
            texts("on the 3rd, .5h"),
            ["on", "the", "3rd", ",", "0.5", "h"]
        );
    }

    /// Token positions point back into the original text; capitals are remembered.
    #[test]
    fn tokens_know_their_position() {
        let text = "I'll do some work for Kim";
        let tokens = tokenize(text);
        let some = &tokens[3];
        assert_eq!(&text[some.start..some.end], "some");
        assert!(tokens[6].capital && !tokens[3].capital);
    }
}
