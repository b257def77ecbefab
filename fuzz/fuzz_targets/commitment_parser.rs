//! Any text to the commitment parser: no panic; a recorded commitment validates.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quid_server::commitments::{Context, Detection, Detector, RuleParser};
use quid_shared::{Id, UserRef};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let members: Vec<UserRef> = ["alice", "bob", "carol"]
        .iter()
        .enumerate()
        .map(|(n, name)| UserRef {
            id: Id::from_u128(n as u128 + 1),
            username: (*name).to_owned(),
        })
        .collect();
    let ids: Vec<Id> = members.iter().map(|m| m.id).collect();
    let context = Context {
        author: &members[0],
        members: &members,
        commitments: &[],
    };
    match RuleParser.detect(text, &context) {
        Detection::Commitment(terms) => assert!(terms.validate(ids[0], Some(&ids)).is_ok()),
        Detection::Commitments(all) => {
            for terms in all {
                assert!(terms.validate(ids[0], Some(&ids)).is_ok());
            }
        }
        Detection::Change { terms, .. } => assert!(terms.validate(ids[0], Some(&ids)).is_ok()),
        _ => {}
    }
});
