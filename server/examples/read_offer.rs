//! Reads chat sentences the way the server does and prints what each becomes: a
//! commitment (in summary words), a question, a withdrawal, or nothing.
//!
//! ```sh
//! cargo run -p quid-server --example read_offer -- "If Kim does 2h of cleaning, I'll do 1h"
//! echo "I'll chip in \$20 for the gift" | cargo run -p quid-server --example read_offer
//! ```
//!
//! The group is alice, bob, carol, dave, kim, yuri and sam; sam writes (set `QUID_AUTHOR`).

use std::io::BufRead;

use quid_server::commitments::{Context, Detection, Detector, RuleParser};
use quid_shared::{Id, UserRef};

fn member(name: &str) -> UserRef {
    let seed = name.bytes().fold(7u128, |acc, b| {
        acc.wrapping_mul(131).wrapping_add(u128::from(b))
    });
    UserRef {
        id: Id::from_u128(seed),
        username: name.to_owned(),
    }
}

fn main() {
    let members: Vec<UserRef> = ["alice", "bob", "carol", "dave", "kim", "yuri", "sam"]
        .into_iter()
        .map(member)
        .collect();
    let author = member(&std::env::var("QUID_AUTHOR").unwrap_or_else(|_| "sam".into()));
    let context = Context {
        author: &author,
        members: &members,
        commitments: &[],
    };
    let mut lines: Vec<String> = std::env::args().skip(1).collect();
    if lines.is_empty() {
        lines = std::io::stdin()
            .lock()
            .lines()
            .map_while(Result::ok)
            .collect();
    }
    for line in lines {
        let said = match RuleParser.detect(&line, &context) {
            Detection::Commitment(terms) => terms.summary(&members),
            Detection::Commitments(all) => all
                .iter()
                .map(|t| t.summary(&members))
                .collect::<Vec<_>>()
                .join(" || "),
            Detection::Clarify { question, .. } => format!("question: {question}"),
            Detection::Revoke { id } => format!("withdraw #{id}"),
            Detection::Change { id, terms } => {
                format!("change #{id} to {}", terms.summary(&members))
            }
            Detection::Nothing => "nothing".to_owned(),
        };
        println!("{line}\n  => {said}");
    }
}
