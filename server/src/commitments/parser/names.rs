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
    if let Some(member) = members.iter().find(|m| m.username.to_lowercase() == word) {
        return Some(Who::Member(member.clone()));
    }
    // A name that begins a member's username is not that member — "Al" may be someone
    // else — but it is what to suggest.
    let prefixed: Vec<UserRef> = members
        .iter()
        .filter(|m| word.len() >= 2 && m.username.to_lowercase().starts_with(word))
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
    let suggestion = members
        .iter()
        .filter(|m| m.id != author.id)
        .map(|m| (distance(word, &m.username.to_lowercase()), m))
        .filter(|(d, _)| *d <= 1.max(word.len() / 3) && *d < word.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, m)| m.clone());
    (capital || (word.len() >= 3 && suggestion.is_some())).then(|| Who::Unknown {
        name: word.to_owned(),
        suggestion,
    })
}

/// Levenshtein distance between two short words.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
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
