//! Who the subject of a clause is: the author ("I"), one or more members by username or
//! unique prefix, the other members together ("the others", "everyone else", "the rest of
//! you"), any one of them ("someone else", "anyone else", "one of you"), or a name no member
//! has (which is asked about, never guessed).

use quid_shared::UserRef;

use super::cursor::Cursor;
use super::shape::Who;

/// What the subject of a clause refers to.
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    Author,
    /// Named people, with where each was written.
    People(Vec<(Who, (usize, usize))>),
    Others,
    Anyone,
    /// "everyone else", "all of you", "you all": the others' total, or each of them —
    /// only a word like "together" or "each" says which.
    Everyone,
    /// "everyone", "everybody": each of the others on their own (the author among them).
    Each,
    /// "he", "she", "they": someone named elsewhere in the message.
    Pronoun,
    /// "you", said to the group.
    You,
}

/// Phrases for the other members as a whole.
const OTHERS: &[&[&str]] = &[
    &["the", "rest", "of", "the", "group|team|house|household"],
    &["the", "rest", "of", "you|us"],
    &["rest", "of", "you|us"],
    &["the", "other", "members|people|folks|guys"],
    &["other", "members|people|folks"],
    &["the", "others"],
    &["the", "rest"],
    &["the", "group"],
    &["the", "team"],
    &["the", "household"],
    &["others"],
];
/// Phrases for the other members that can mean each of them or all together.
const EVERYONE: &[&[&str]] = &[
    &["all", "the", "others"],
    &["all", "of", "you"],
    &["all", "of", "the", "others"],
    &["everyone", "else"],
    &["everybody", "else"],
    &["you", "all"],
    &["you", "guys"],
    &["you", "lot"],
];
/// Phrases for any one other member.
const ANYONE: &[&[&str]] = &[
    &["someone", "else"],
    &["somebody", "else"],
    &["anyone", "else"],
    &["anybody", "else"],
    &["one", "of", "you|the|them"],
    &["any", "of", "you|them"],
    &["another", "member|person|one"],
    &["someone"],
    &["somebody"],
    &["anyone"],
    &["anybody"],
];
/// Words that are never a person's name in subject position.
const NOT_NAMES: &[&str] = &[
    "it",
    "this",
    "that",
    "there",
    "we",
    "you",
    "they",
    "he",
    "she",
    "nobody",
    "weather",
    "what",
    "who",
    "when",
    "where",
    "the",
    "a",
    "an",
    "i",
    "me",
    "my",
    "everyone",
    "everybody",
    "all",
    "somebody",
    "someone",
    "anyone",
    "anybody",
    "others",
    "other",
    "rest",
    "group",
    "team",
    "people",
    "things",
    "prices",
    "work",
    "time",
    "if",
    "and",
    "or",
    "but",
    "then",
    "so",
    "not",
    "no",
    "yes",
    "one",
    "both",
    "each",
    "either",
    "neither",
    "money",
    "funding",
];

/// Reads the subject at the cursor.
pub fn subject(c: &mut Cursor<'_>, author: &UserRef, members: &[UserRef]) -> Option<Subject> {
    if c.eat_one(&["i", "me", "myself"]).is_some() {
        return Some(Subject::Author);
    }
    if c.eat_any_phrase(EVERYONE).is_some() {
        return Some(Subject::Everyone);
    }
    if c.eat_any_phrase(OTHERS).is_some() {
        return Some(Subject::Others);
    }
    if c.eat_any_phrase(ANYONE).is_some() {
        return Some(Subject::Anyone);
    }
    if c.eat_one(&["everyone", "everybody", "all"]).is_some() {
        return Some(Subject::Each);
    }
    if c.eat_one(&["he", "she", "they", "him", "her", "them"])
        .is_some()
    {
        return Some(Subject::Pronoun);
    }
    if c.eat_one(&["you", "u"]).is_some() {
        return Some(Subject::You);
    }
    let mut people = Vec::new();
    loop {
        let token = c.token(0)?;
        let named = token.capital || super::words::verb(c.peek(1)).is_some();
        let Some(who) = person(&token.text, named, author, members) else {
            break;
        };
        people.push((who, (token.start, token.end)));
        c.at += 1;
        let mut probe = *c;
        probe.eat_one(&[","]);
        probe.eat_one(&["and", "&"]);
        let joined = probe.at > c.at
            && probe
                .token(0)
                .and_then(|t| person(&t.text, t.capital, author, members))
                .is_some();
        if !joined {
            break;
        }
        *c = probe;
    }
    (!people.is_empty()).then_some(Subject::People(people))
}

/// A member named by `word` (exactly or by unique prefix), or an unknown name when the word
/// looks like one (written with a capital, or an exact near miss).
pub fn person(word: &str, capital: bool, author: &UserRef, members: &[UserRef]) -> Option<Who> {
    if NOT_NAMES.contains(&word)
        || word.is_empty()
        || !word
            .chars()
            .all(|ch| ch.is_alphanumeric() || ch == '_' || ch == '-' || ch == '.')
        || word.chars().all(|ch| ch.is_ascii_digit())
    {
        return None;
    }
    if let Some(member) = members
        .iter()
        .find(|m| m.username.eq_ignore_ascii_case(word))
    {
        return Some(Who::Member(member.clone()));
    }
    // A name that begins a member's username is not that member — "Al" may be someone
    // else — but it is what to suggest.
    let prefixed: Vec<UserRef> = members
        .iter()
        .filter(|m| word.len() >= 2 && begins(&m.username, word))
        .cloned()
        .collect();
    match prefixed.len() {
        1 => {
            return Some(Who::Unknown {
                name: word.to_owned(),
                suggestion: prefixed.into_iter().next(),
            });
        }
        0 => {}
        _ => {
            return Some(Who::Ambiguous {
                name: word.to_owned(),
                candidates: prefixed,
            });
        }
    }
    // a near name differs in at most a third of its letters (one, in a short name)
    let near = 1.max(word.len() / 3);
    let suggestion = members
        .iter()
        .filter(|m| m.id != author.id && m.username.len().abs_diff(word.len()) <= near)
        .map(|m| (distance(word, &m.username), m))
        .filter(|(d, _)| *d <= near && *d < word.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, m)| m.clone());
    (capital || (word.len() >= 3 && suggestion.is_some())).then(|| Who::Unknown {
        name: word.to_owned(),
        suggestion,
    })
}

/// Whether `name` begins with `word`, in any case.
fn begins(name: &str, word: &str) -> bool {
    name.get(..word.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(word))
}

/// Levenshtein distance between a lowercase word and a name, in any case (usernames are at
/// most 32 ASCII letters: that case is done on the stack, as it runs for most words of most
/// messages).
fn distance(word: &str, name: &str) -> usize {
    const MAX: usize = 32;
    if !(word.is_ascii() && name.is_ascii() && name.len() <= MAX) {
        let word: Vec<char> = word.chars().collect();
        let name: Vec<char> = name.to_lowercase().chars().collect();
        let rows = || vec![0; name.len() + 1];
        return levenshtein(&word, &name, &mut rows(), &mut rows());
    }
    let mut lower = [0u8; MAX];
    for (cell, byte) in lower.iter_mut().zip(name.bytes()) {
        *cell = byte.to_ascii_lowercase();
    }
    let (mut previous, mut current) = ([0; MAX + 1], [0; MAX + 1]);
    levenshtein(
        word.as_bytes(),
        &lower[..name.len()],
        &mut previous,
        &mut current,
    )
}

/// The edit distance of `a` and `b`, with two rows of at least `b.len() + 1` cells.
fn levenshtein<T: PartialEq>(
    a: &[T],
    b: &[T],
    previous: &mut [usize],
    current: &mut [usize],
) -> usize {
    for (j, cell) in previous.iter_mut().enumerate().take(b.len() + 1) {
        *cell = j;
    }
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous[..=b.len()].copy_from_slice(&current[..=b.len()]);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::super::super::fixtures::user;
    use super::super::lexer::tokenize;
    use super::*;

    fn read(text: &str, author: &str, members: &[UserRef]) -> Option<Subject> {
        let tokens = tokenize(text);
        subject(&mut Cursor::new(&tokens), &user(author), members)
    }

    /// The edit distance counts insertions, deletions and substitutions, in any case.
    #[test]
    fn distance_is_levenshtein() {
        for (word, name, want) in [
            ("alcie", "alice", 2),
            ("alice", "Alice", 0),
            ("bob", "bobby", 2),
            ("", "bob", 3),
            ("kitten", "sitting", 3),
            ("zoë", "zoe", 1),
        ] {
            assert_eq!(distance(word, name), want, "{word} / {name}");
        }
    }

    /// Names match exactly or by unique prefix; near misses get a suggestion.
    #[test]
    fn names_resolve_or_explain_why_not() {
        let members = [user("alice"), user("bob"), user("bella")];
        let one = |who: Who| Some(Subject::People(vec![(who, (0, 0))]));
        let strip = |s: Option<Subject>| match s {
            Some(Subject::People(p)) => Some(Subject::People(
                p.into_iter().map(|(w, _)| (w, (0, 0))).collect(),
            )),
            other => other,
        };
        assert_eq!(
            strip(read("alice", "zed", &members)),
            one(Who::Member(user("alice")))
        );
        // a prefix is not the member, but the member to suggest
        assert_eq!(
            strip(read("ali", "zed", &members)),
            one(Who::Unknown {
                name: "ali".into(),
                suggestion: Some(user("alice"))
            })
        );
        assert_eq!(read("b", "zed", &members), None);
        assert!(matches!(
            read("b does", "zed", &members),
            Some(Subject::People(p)) if matches!(p[0].0, Who::Unknown { .. })
        ));
        assert_eq!(
            strip(read("be", "zed", &members)),
            one(Who::Unknown {
                name: "be".into(),
                suggestion: Some(user("bella"))
            })
        );
        assert_eq!(
            strip(read("alicia", "zed", &members)),
            one(Who::Unknown {
                name: "alicia".into(),
                suggestion: Some(user("alice"))
            })
        );
        assert_eq!(
            strip(read("Zoe", "zed", &members)),
            one(Who::Unknown {
                name: "zoe".into(),
                suggestion: None
            })
        );
        assert_eq!(read("zoe", "zed", &members), None);
        assert_eq!(read("me", "zed", &members), Some(Subject::Author));
        assert_eq!(
            read("the rest of you", "zed", &members),
            Some(Subject::Others)
        );
        assert_eq!(
            read("everyone else", "zed", &members),
            Some(Subject::Everyone)
        );
        assert_eq!(read("someone else", "zed", &members), Some(Subject::Anyone));
        assert_eq!(read("it", "zed", &members), None);
    }

    /// A near miss of the author's own name suggests another member, or nobody.
    #[test]
    fn the_author_is_never_suggested() {
        let members = [user("alice"), user("bob")];
        assert_eq!(person("alicia", false, &user("alice"), &members), None);
        assert_eq!(
            person("alicia", true, &user("alice"), &members),
            Some(Who::Unknown {
                name: "alicia".into(),
                suggestion: None
            })
        );
    }

    /// Several names joined by "and" or commas are read together; a shared prefix is
    /// ambiguous.
    #[test]
    fn several_names_and_shared_prefixes() {
        let members = [user("bob"), user("bobby"), user("carol")];
        match read("Bob, Carol and bobby", "zed", &members) {
            Some(Subject::People(p)) => assert_eq!(p.len(), 3),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            read("bo", "zed", &members),
            Some(Subject::People(p)) if matches!(p[0].0, Who::Ambiguous { .. })
        ));
    }
}
