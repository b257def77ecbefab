//! Solver benchmark: 10,000 commitments over 1,000 members (target: one solve ≤ 50 ms).
//!
//! The instance mixes what a large group produces: unconditional promises, conditions on
//! one member and on the group, mutual pairs, and capped proportional promises that form
//! chains and small cycles. It is generated deterministically.

use criterion::{Criterion, criterion_group, criterion_main};
use quid_server::commitments::solve;
use quid_shared::{Commitment, CommitmentStatus, Condition, Id, Promise, UserRef};
use time::OffsetDateTime;

const MEMBERS: u64 = 1_000;
const COMMITMENTS: u64 = 10_000;
const ACTIONS: [&str; 5] = ["work", "dishes", "trash", "coding", "rent"];

/// A small deterministic generator (xorshift), so every run solves the same instance.
struct Dice(u64);

impl Dice {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

fn member(index: u64) -> UserRef {
    UserRef {
        id: Id::from_u128(u128::from(index) + 1),
        username: format!("m{index}"),
    }
}

fn promise(action: &str, base: f64) -> Promise {
    Promise::fixed(action, "hours", base)
}

fn instance() -> Vec<Commitment> {
    let mut dice = Dice(0x5eed_cafe_f00d);
    (0..COMMITMENTS)
        .map(|id| {
            let creator = id % MEMBERS;
            let action = ACTIONS[dice.next(5) as usize];
            let other = (creator + 1 + dice.next(MEMBERS - 1)) % MEMBERS;
            let base = (1 + dice.next(8)) as f64;
            let (conditions, promise) = match dice.next(10) {
                0..=2 => (vec![], promise(action, base)),
                3..=5 => {
                    let min = (1 + dice.next(6)) as f64;
                    let user = Some(member(other).id);
                    (
                        vec![Condition {
                            user,
                            action: action.into(),
                            min,
                            unit: "hours".into(),
                        }],
                        promise(action, base),
                    )
                }
                6 => {
                    let min = (10 + dice.next(200)) as f64;
                    (
                        vec![Condition {
                            user: None,
                            action: action.into(),
                            min,
                            unit: "hours".into(),
                        }],
                        promise(action, base),
                    )
                }
                _ => {
                    // A capped share of a neighbour's amount: chains and small cycles.
                    let neighbour = (creator + 1 + dice.next(3)) % MEMBERS;
                    let proportional = Promise {
                        rate: [0.25, 0.5, 0.9, 1.0][dice.next(4) as usize],
                        ref_user: Some(member(neighbour).id),
                        threshold: dice.next(3) as f64,
                        cap: Some((1 + dice.next(10)) as f64),
                        ..promise(action, base / 4.0)
                    };
                    (vec![], proportional)
                }
            };
            Commitment {
                id: id as i64,
                group: Id::nil(),
                creator: member(creator),
                status: CommitmentStatus::Active,
                conditions,
                promises: vec![promise],
                source_text: None,
                source_message: None,
                summary: String::new(),
                created_at: OffsetDateTime::UNIX_EPOCH,
                revoked_at: None,
            }
        })
        .collect()
}

fn solver(c: &mut Criterion) {
    let commitments = instance();
    let liabilities = solve(&commitments).map(|l| l.len()).unwrap_or(0);
    eprintln!("instance: {COMMITMENTS} commitments, {MEMBERS} members, {liabilities} liabilities");
    c.bench_function("solve 10k commitments / 1k members", |b| {
        b.iter(|| solve(&commitments))
    });
}

criterion_group!(benches, solver);
criterion_main!(benches);
