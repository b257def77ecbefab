//! The phrasing corpus (`tests/fixtures/phrasings.txt`): every sentence read by the parser
//! and compared with the reading it must get. Prints, per family, exact readings,
//! questions, misses and wrong commitments; fails on any wrong commitment and on fewer
//! than 95 % exact readings.

use std::collections::BTreeMap;
use std::time::Instant;

use quid_shared::{Commitment, UserRef};

use super::super::fixtures::{commitment, condition, fixed, user};
use super::{Context, Detection, Detector, RuleParser};

/// The corpus written first, and the one written blind against the finished reader.
const CORPORA: &[&str] = &[
    include_str!("../../../../tests/fixtures/phrasings.txt"),
    include_str!("../../../../tests/fixtures/phrasings-holdout.txt"),
];
const MEMBERS: &[&str] = &["alice", "bob", "carol", "dave", "kim", "yuri", "sam"];

/// One sentence of the corpus.
pub struct Case {
    /// Which corpus: 0 is the one written first, by family of issue 12.
    pub corpus: usize,
    pub family: String,
    pub author: String,
    pub commitments: String,
    pub text: String,
    pub expected: String,
}

/// The corpus, sentence by sentence.
pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let (mut family, mut author, mut kind) = (String::new(), "sam".to_owned(), "none".to_owned());
    let mut text: Option<String> = None;
    for (corpus, line) in CORPORA
        .iter()
        .enumerate()
        .flat_map(|(i, c)| c.lines().map(move |l| (i, l)))
    {
        let line = line.trim_end();
        if let Some(name) = line.strip_prefix("## ") {
            family = name.split(" — ").next().unwrap_or(name).trim().to_owned();
        } else if line.starts_with('#') || line.trim().is_empty() {
            continue;
        } else if let Some(name) = line.strip_prefix("@author ") {
            author = name.trim().to_owned();
        } else if let Some(name) = line.strip_prefix("@commitments ") {
            kind = name.trim().to_owned();
        } else if let Some(expected) = line.strip_prefix("=> ") {
            if let Some(text) = text.take() {
                cases.push(Case {
                    corpus,
                    family: family.clone(),
                    author: author.clone(),
                    commitments: kind.clone(),
                    text,
                    expected: expected.trim().to_owned(),
                });
            }
        } else {
            text = Some(line.to_owned());
        }
    }
    cases
}

pub fn members() -> Vec<UserRef> {
    MEMBERS.iter().map(|m| user(m)).collect()
}

/// The author's commitments for `kind` (`none`, `one`, `several`), with their summaries.
pub fn existing(author: &str, kind: &str) -> Vec<Commitment> {
    let members = members();
    let mut made = vec![commitment(
        1,
        author,
        vec![],
        vec![fixed(2.0, "hours", "cleaning")],
    )];
    if kind == "several" {
        made.push(commitment(
            2,
            author,
            vec![condition(Some("bob"), 1.0, "hours", "cooking")],
            vec![fixed(3.0, "hours", "cooking")],
        ));
        made.push(commitment(
            3,
            author,
            vec![],
            vec![fixed(20.0, "usd", "rent")],
        ));
    }
    if kind == "none" {
        made.clear();
    }
    for c in &mut made {
        c.summary = crate::commitments::Terms {
            conditions: c.conditions.clone(),
            promises: c.promises.clone(),
        }
        .summary(&members);
    }
    made
}

/// A detection in the corpus's words.
pub fn outcome(detection: &Detection, members: &[UserRef]) -> String {
    match detection {
        Detection::Nothing => "nothing".into(),
        Detection::Clarify { .. } => "question".into(),
        Detection::Revoke { id } => format!("revoke {id}"),
        Detection::Change { id, terms } => format!("change {id}: {}", terms.summary(members)),
        Detection::Commitment(terms) => terms.summary(members),
        Detection::Commitments(all) => all
            .iter()
            .map(|t| t.summary(members))
            .collect::<Vec<_>>()
            .join(" || "),
    }
}

/// Reads one case.
pub fn run(case: &Case) -> Detection {
    let members = members();
    let author = user(&case.author);
    let commitments = existing(&case.author, &case.commitments);
    let detection = RuleParser.detect(
        &case.text,
        &Context {
            author: &author,
            members: &members,
            commitments: &commitments,
        },
    );
    if detection != Detection::Nothing {
        assert!(
            RuleParser.may_detect(&case.text),
            "ruled out but detected: {}",
            case.text
        );
    }
    detection
}

#[derive(Default)]
struct Tally {
    total: usize,
    exact: usize,
    asked: usize,
    missed: usize,
    wrong: usize,
}

/// Every sentence of the corpus gets its reading; none becomes a wrong commitment.
#[test]
fn the_phrasing_corpus_reads_as_expected() {
    let members = members();
    let cases = cases();
    assert!(
        cases.len() >= 300,
        "the corpus has {} sentences",
        cases.len()
    );
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut report = Vec::new();
    let started = Instant::now();
    for case in &cases {
        let got = outcome(&run(case), &members);
        // "question: …" and "nothing: …" carry a note for readers
        let kind = case.expected.split(':').next().unwrap_or("").trim();
        let expected = if matches!(kind, "question" | "nothing") {
            kind
        } else {
            case.expected.as_str()
        };
        let tally = tallies.entry(case.family.clone()).or_default();
        tally.total += 1;
        if got == expected {
            tally.exact += 1;
            continue;
        }
        let kind = match got.as_str() {
            "question" => {
                tally.asked += 1;
                "asked"
            }
            "nothing" => {
                tally.missed += 1;
                "missed"
            }
            _ => {
                tally.wrong += 1;
                "WRONG"
            }
        };
        report.push(format!(
            "{kind:6} [{}] {}\n       want: {expected}\n       got:  {got}",
            case.family, case.text
        ));
    }
    let elapsed = started.elapsed();
    let mut table = String::from("family            total  exact  asked missed  wrong\n");
    let mut all = Tally::default();
    for (family, t) in &tallies {
        table.push_str(&format!(
            "{family:17} {:6} {:6} {:6} {:6} {:6}\n",
            t.total, t.exact, t.asked, t.missed, t.wrong
        ));
        all.total += t.total;
        all.exact += t.exact;
        all.asked += t.asked;
        all.missed += t.missed;
        all.wrong += t.wrong;
    }
    let rate = all.exact as f64 * 100.0 / all.total as f64;
    table.push_str(&format!(
        "{:17} {:6} {:6} {:6} {:6} {:6}   exact {rate:.1} %\n",
        "all", all.total, all.exact, all.asked, all.missed, all.wrong
    ));
    eprintln!("{}\n{table}(read in {elapsed:?})", report.join("\n"));
    assert_eq!(all.wrong, 0, "wrong commitments");
    assert!(rate >= 95.0, "exact readings {rate:.1} % < 95 %");
    // every phrasing family of the issue has at least ten variants in the first corpus
    for case in cases.iter().filter(|c| c.corpus == 0) {
        let t = &tallies[&case.family];
        assert!(
            t.total >= 10,
            "family {} has {} sentences",
            case.family,
            t.total
        );
    }
}
