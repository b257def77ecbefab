//! The chatter around an offer: sentences split where they end, greetings and agreement
//! taken off the front ("Sure!", "OK so", "Hey all,", "Kim, …"), thanks and question tags
//! off the back ("thanks!", ", ok?"), and the test for words that say something a
//! commitment would have to record (a number, a name doing something, a date, a condition).

use quid_shared::UserRef;

use super::cursor::Cursor;
use super::lexer::{Token, digits};
use super::words::{TIME_WORDS, number_word, verb};

/// Words that open a sentence as chatter, taken off before it is read.
const OPENERS: &[&[&str]] = &[
    &["sounds", "good"],
    &["sound", "good"],
    &["sounds", "like", "a", "plan"],
    &["good", "idea"],
    &["great", "idea"],
    &["fair", "enough"],
    &["of", "course"],
    &["no", "problem"],
    &["no", "worries"],
    &["all", "right"],
    &["will", "do"],
    &["sure", "thing"],
    &["quick", "one"],
    &["quick", "update"],
    &["happy", "to", "help"],
    &["glad", "to", "help"],
    &["count", "me", "in"],
    &["fine", "by", "me"],
    &["good", "morning|evening|afternoon"],
    &[
        "hi|hey|hello|morning",
        "all|everyone|everybody|guys|folks|team|friends|there|y'all",
    ],
    &[
        "ok|okay|sure|so|well|alright|right|yes|yeah|yep|yup|ya|fine|great|cool|nice|perfect|awesome|hey|hi|hello|hiya|howdy|morning|oh|ah|um|umm|hmm|hm|look|listen|honestly|anyway|anyways|actually|and|but|also|plus|lol|haha|thanks|btw|fyi|ps|update|deal|agreed|then|now|guys|folks|everyone|everybody|team|friends|people|sorry|right|okey|k|kk|ooh|aah|wow|yay|alrighty|cheers|welp|so,",
    ],
    &["you", "all"],
    &[","],
    &[":"],
    &["-"],
];

/// Words that close a sentence as chatter ("thanks", "please", "ok?").
const CLOSERS: &[&str] = &[
    "thanks",
    "thank",
    "you",
    "thx",
    "ty",
    "cheers",
    "please",
    "pls",
    "plz",
    "lol",
    "haha",
    "ok",
    "okay",
    "right",
    "deal",
    "yeah",
    "yes",
    "alright",
    "cool",
    "fair",
    "sound",
    "sounds",
    "good",
    "guys",
    "all",
    "everyone",
    "folks",
    "team",
    "x",
    "xx",
    "xo",
    ",",
    "!",
    ".",
    ":",
    "-",
    "sorry",
    "everybody",
    "y'all",
    "yall",
    "friends",
    "agreed",
    "fine",
];
/// Closing words that make a trailing question mark a tag, not a question ("…, ok?").
const TAGS: &[&str] = &[
    "ok", "okay", "right", "deal", "yeah", "yes", "alright", "cool", "fair", "good", "sound",
    "sounds", "agreed", "fine",
];

/// The sentences of a message: split where one ends (". ! ? ;" and new lines), each with
/// whether it ended with a question mark.
pub fn sentences(tokens: &[Token]) -> Vec<(&[Token], bool)> {
    let mut all = Vec::new();
    let mut start = 0;
    for (i, token) in tokens.iter().enumerate() {
        if matches!(token.text.as_str(), "." | "!" | "?" | ";") {
            let question = token.text == "?";
            if i > start {
                all.push((&tokens[start..i], question));
            } else if question && let Some(last) = all.last_mut() {
                last.1 = true;
            }
            start = i + 1;
        }
    }
    if start < tokens.len() {
        all.push((&tokens[start..], false));
    }
    all
}

/// A sentence with the chatter around it taken off.
pub struct Trimmed<'t> {
    pub tokens: &'t [Token],
    /// The member the sentence was addressed to by name ("Kim, …").
    pub addressed: Option<UserRef>,
    /// It ended with a question tag ("…, ok?"): a question mark that asks nothing.
    pub tagged: bool,
}

/// Takes chatter off both ends of a sentence.
pub fn trim<'t>(tokens: &'t [Token], members: &[UserRef]) -> Trimmed<'t> {
    let mut c = Cursor::new(tokens);
    let mut addressed = None;
    loop {
        if c.at_phrase(&["so", "long", "as"])
            || c.at_phrase(&["but|and", "only|if"])
            || c.at_phrase(&["count", "me", "in", "for"])
            || c.at_phrase(&["happy|glad", "to", "help", "with|out"])
        {
            break;
        }
        if c.eat_any_phrase(OPENERS).is_some() {
            continue;
        }
        // "Kim, …" / "@kim …"
        if let Some(member) = members
            .iter()
            .find(|m| m.username.eq_ignore_ascii_case(c.peek(0)))
            && matches!(c.peek(1), "," | ":" | "-")
        {
            addressed = Some(member.clone());
            c.at += 2;
            continue;
        }
        break;
    }
    let mut end = tokens.len();
    let mut tagged = false;
    while end > c.at
        && CLOSERS.contains(&tokens[end - 1].text.as_str())
        && (tokens[end - 1].text != "you" || end >= 2 && tokens[end - 2].text == "thank")
    {
        if TAGS.contains(&tokens[end - 1].text.as_str()) {
            tagged = true;
        }
        end -= 1;
    }
    // "…, Kim" at the end: addressed to Kim
    if end > c.at + 2
        && tokens[end - 2].text == ","
        && let Some(member) = members
            .iter()
            .find(|m| m.username.eq_ignore_ascii_case(&tokens[end - 1].text))
    {
        addressed = addressed.or(Some(member.clone()));
        end -= 2;
    }
    Trimmed {
        tokens: &tokens[c.at..end],
        addressed,
        tagged,
    }
}

/// Whether the tokens say something a commitment would have to record: a number or an
/// amount, a condition, a date or time, a denial — or a member named as doing something.
pub fn says_something(tokens: &[Token], members: &[UserRef]) -> bool {
    let member = |t: &Token| {
        members
            .iter()
            .any(|m| m.username.eq_ignore_ascii_case(&t.text))
    };
    let doing = tokens.iter().any(|t| verb(&t.text).is_some());
    let named_with = tokens.windows(2).any(|w| {
        matches!(
            w[0].text.as_str(),
            "with" | "for" | "and" | "to" | "from" | "like" | "than" | "by" | "besides" | "or"
        ) && member(&w[1])
    });
    named_with
        || (doing && tokens.iter().any(member))
        || tokens.iter().any(|t| {
            let w = t.text.as_str();
            digits(w).is_some()
                || (number_word(w).is_some() && w != "one")
                || matches!(
                    w,
                    "$" | "€"
                        | "£"
                        | "%"
                        | "if"
                        | "unless"
                        | "provided"
                        | "providing"
                        | "not"
                        | "never"
                        | "except"
                        | "instead"
                        | "only"
                        | "when"
                        | "once"
                        | "until"
                        | "after"
                        | "before"
                        | "or"
                        | "per"
                        | "each"
                        | "every"
                        | "weekly"
                        | "monthly"
                        | "daily"
                        | "fortnight"
                        | "half"
                        | "twice"
                        | "thrice"
                )
                || (TIME_WORDS.contains(&w) && !matches!(w, "this" | "last" | "by" | "am"))
        })
}
