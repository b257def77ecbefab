//! Who a word in a sentence refers to: the author ("I", "me"), the other members together
//! ("others", "the group", "everyone else"), or one member by username or unique prefix.

use quid_shared::UserRef;

/// What a subject word resolved to.
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    Author,
    Others,
    Member(UserRef),
    /// A name no member has; `suggestion` is the closest username, if one is close.
    Unknown {
        name: String,
        suggestion: Option<UserRef>,
    },
    /// A prefix several members share.
    Ambiguous {
        name: String,
        candidates: Vec<UserRef>,
    },
}

/// Words that mean the author.
pub const AUTHOR_WORDS: &[&str] = &["i", "me", "my", "myself"];
/// Words (after "the"/"everyone" are dropped) that mean the other members together.
pub const OTHERS_WORDS: &[&str] = &[
    "others",
    "group",
    "rest",
    "else",
    "everybody",
    "everyone",
    "team",
    "all",
];
/// Words that are never a person's name in subject position.
const NOT_NAMES: &[&str] = &[
    "it", "this", "that", "there", "we", "you", "they", "he", "she", "someone", "anyone", "nobody",
    "weather", "what", "who", "when", "where", "the", "a", "an",
];

/// Resolves `word` (lower-case) against `members`; `None` if it cannot be a name at all.
/// A near miss is offered another member's name, never the `author`'s: the author says "I".
pub fn resolve(word: &str, author: &UserRef, members: &[UserRef]) -> Option<Subject> {
    if AUTHOR_WORDS.contains(&word) {
        return Some(Subject::Author);
    }
    if OTHERS_WORDS.contains(&word) {
        return Some(Subject::Others);
    }
    if NOT_NAMES.contains(&word)
        || !word
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        return None;
    }
    if let Some(member) = members.iter().find(|m| m.username.to_lowercase() == word) {
        return Some(Subject::Member(member.clone()));
    }
    let prefixed: Vec<UserRef> = members
        .iter()
        .filter(|m| word.len() >= 2 && m.username.to_lowercase().starts_with(word))
        .cloned()
        .collect();
    match prefixed.len() {
        1 => return prefixed.into_iter().next().map(Subject::Member),
        0 => {}
        _ => {
            return Some(Subject::Ambiguous {
                name: word.to_owned(),
                candidates: prefixed,
            });
        }
    }
    let suggestion = members
        .iter()
        .filter(|m| m.id != author.id)
        .map(|m| (distance(word, &m.username.to_lowercase()), m))
        .filter(|(d, _)| *d <= 2.max(word.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, m)| m.clone());
    Some(Subject::Unknown {
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
    use super::*;

    /// `resolve` as written by a member outside the lists below.
    fn resolve_for(word: &str, members: &[UserRef]) -> Option<Subject> {
        resolve(word, &user("zed"), members)
    }

    /// Names match exactly or by unique prefix; near misses get a suggestion.
    #[test]
    fn names_resolve_or_explain_why_not() {
        let members = [user("alice"), user("bob"), user("bella")];
        assert_eq!(
            resolve_for("alice", &members),
            Some(Subject::Member(user("alice")))
        );
        assert_eq!(
            resolve_for("ali", &members),
            Some(Subject::Member(user("alice")))
        );
        assert!(matches!(
            resolve_for("b", &members),
            Some(Subject::Unknown { .. })
        ));
        assert!(matches!(
            resolve_for("be", &members),
            Some(Subject::Member(_))
        ));
        assert_eq!(
            resolve_for("alicia", &members),
            Some(Subject::Unknown {
                name: "alicia".into(),
                suggestion: Some(user("alice"))
            })
        );
        assert_eq!(resolve_for("me", &members), Some(Subject::Author));
        assert_eq!(resolve_for("others", &members), Some(Subject::Others));
        assert_eq!(resolve_for("it", &members), None);
    }

    /// A near miss of the author's own name suggests another member, or nobody.
    #[test]
    fn the_author_is_never_suggested() {
        let members = [user("alice"), user("bob")];
        assert_eq!(
            resolve("alicia", &user("alice"), &members),
            Some(Subject::Unknown {
                name: "alicia".into(),
                suggestion: None
            })
        );
        let members = [user("alice"), user("alicea")];
        assert_eq!(
            resolve("alicia", &user("alice"), &members),
            Some(Subject::Unknown {
                name: "alicia".into(),
                suggestion: Some(user("alicea"))
            })
        );
    }

    /// A prefix shared by several members is ambiguous, not guessed.
    #[test]
    fn shared_prefix_is_ambiguous() {
        let members = [user("bob"), user("bobby")];
        assert_eq!(
            resolve_for("bob", &members),
            Some(Subject::Member(user("bob")))
        );
        assert!(matches!(
            resolve_for("bo", &members),
            Some(Subject::Ambiguous { .. })
        ));
    }
}
