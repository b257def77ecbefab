//! Property test of the pre-filter's promise: text `may_detect` rules out is read as nothing,
//! over random messages made of the reader's own words (stances, modals, names, amounts,
//! conditions, withdrawals and chatter in any order).

use proptest::prelude::*;

use super::super::fixtures::user;
use super::{Context, Detection, Detector, RuleParser};

const WORDS: &[&str] = &[
    "i", "I'll", "i'm", "will", "can", "could", "might", "maybe", "shall", "and", "or", "if",
    "only", "provided", "then", "as", "long", "alice", "bob", "Ali", "does", "do", "did", "5h",
    "2", "two", "half", "an", "hour", "hours", "minutes", "of", "work", "cleaning", "$20", "pay",
    "give", "chip", "in", "put", "count", "me", "for", "out", "happy", "to", "glad", "pledge",
    "promise", "the", "others", "someone", "else", "everyone", "each", "together", "we", "let",
    "us", "not", "won't", "back", "withdraw", "cancel", "my", "offer", "#1", "too", "also", ",",
    ".", "!", "?", "ok", "sure", "yes", "no", "think", "be", "able", "up", "at", "least", "&",
    "myself", "are", "most", "every", "match", "%", "beyond", "whatever", "gives",
];

fn message() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 1..9).prop_map(|words| words.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn what_may_detect_rules_out_is_nothing(text in message()) {
        if !RuleParser.may_detect(&text) {
            let members = vec![user("alice"), user("bob"), user("carol")];
            let author = user("carol");
            let context = Context { author: &author, members: &members, commitments: &[] };
            prop_assert_eq!(RuleParser.detect(&text, &context), Detection::Nothing, "{}", text);
        }
    }
}

/// Found by a property test: "Bob and I will …" with its words scrambled still reads as a
/// collective offer (a question), so the pre-filter must keep it.
#[test]
fn a_collective_offer_is_kept() {
    for text in [
        "I and will will 5h",
        "bob and I will do 2h",
        "me & bob can do 3h",
    ] {
        assert!(RuleParser.may_detect(text), "{text}");
    }
}
