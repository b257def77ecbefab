//! Solver benchmarks (targets: each solve ≤ 50 ms and ≤ 100 ms respectively).
//!
//! - 10,000 commitments over 1,000 members: what a large group produces — unconditional
//!   promises, conditions on one member and on the group, mutual pairs, and capped
//!   proportional promises that form chains and small cycles — with amounts in hours or
//!   minutes, and rent in usd or cents, so that every comparison converts units.
//! - 500 members who each promise a share of what the others together do (a capped
//!   proportional promise with `ref_user: None`), a third of them also only if the others
//!   together reach a total: every member reads every other one.
//!
//! Both instances are generated deterministically.

use criterion::{Criterion, criterion_group, criterion_main};
use quid_server::commitments::solve;
use quid_shared::{Commitment, CommitmentStatus, Condition, Id, Promise, Scope, UserRef};
use std::time::Duration;

use time::OffsetDateTime;

const MEMBERS: u64 = 1_000;
const COMMITMENTS: u64 = 10_000;
const ACTIONS: [&str; 5] = ["work", "dishes", "trash", "coding", "rent"];
const SHARING_MEMBERS: u64 = 500;

/// A small deterministic generator (xorshift), so every run solves the same instance.
struct Dice(u64);

impl Dice {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }

    /// A unit for `action` and how many of it make one hour (or one dollar): rent in usd
    /// or cents, everything else in hours or minutes.
    fn unit(&mut self, action: &str) -> (&'static str, f64) {
        match (action, self.next(2)) {
            ("rent", 0) => ("usd", 1.0),
            ("rent", _) => ("cents", 100.0),
            (_, 0) => ("hours", 1.0),
            _ => ("minutes", 60.0),
        }
    }
}

/// A rate as a person writes it: three significant digits ("0.0167 hours per minute").
fn written(rate: f64) -> f64 {
    let scale = 10f64.powi(2 - rate.abs().log10().floor() as i32);
    (rate * scale).round() / scale
}

fn member(index: u64) -> UserRef {
    UserRef {
        id: Id::from_u128(u128::from(index) + 1),
        username: format!("m{index}"),
    }
}

/// `amount` hours (or dollars) of `action` at least, by `user` (`None`: the others).
fn condition(user: Option<Id>, action: &str, amount: f64, dice: &mut Dice) -> Condition {
    let (unit, per) = dice.unit(action);
    Condition {
        user,
        scope: Scope::Together,
        action: action.into(),
        min: amount * per,
        unit: unit.into(),
    }
}

fn active(id: u64, creator: u64, conditions: Vec<Condition>, promise: Promise) -> Commitment {
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
        version: 1,
        meta: serde_json::Value::Null,
    }
}

fn large_group() -> Vec<Commitment> {
    let mut dice = Dice(0x5eed_cafe_f00d);
    (0..COMMITMENTS)
        .map(|id| {
            let creator = id % MEMBERS;
            let action = ACTIONS[dice.next(5) as usize];
            let other = (creator + 1 + dice.next(MEMBERS - 1)) % MEMBERS;
            let base = (1 + dice.next(8)) as f64;
            let (unit, per) = dice.unit(action);
            let promise = Promise::fixed(action, unit, base * per);
            let (conditions, promise) = match dice.next(10) {
                0..=2 => (vec![], promise),
                3..=5 => {
                    let min = (1 + dice.next(6)) as f64;
                    let user = Some(member(other).id);
                    (vec![condition(user, action, min, &mut dice)], promise)
                }
                6 => {
                    let min = (10 + dice.next(200)) as f64;
                    (vec![condition(None, action, min, &mut dice)], promise)
                }
                _ => {
                    // A capped share of a neighbour's amount: chains and small cycles.
                    let neighbour = (creator + 1 + dice.next(3)) % MEMBERS;
                    let (ref_unit, ref_per) = dice.unit(action);
                    let proportional = Promise {
                        base: base / 4.0 * per,
                        rate: written([0.25, 0.5, 0.9, 1.0][dice.next(4) as usize] * per / ref_per),
                        ref_user: Some(member(neighbour).id),
                        ref_unit: Some(ref_unit.into()),
                        threshold: dice.next(3) as f64 * ref_per,
                        cap: Some((1 + dice.next(10)) as f64 * per),
                        ..promise
                    };
                    (vec![], proportional)
                }
            };
            active(id, creator, conditions, promise)
        })
        .collect()
}

/// Each member: a base, plus a small share of the others' total beyond a threshold, up to
/// a cap; a third only if the others together reach a minimum.
fn sharing_group() -> Vec<Commitment> {
    let mut dice = Dice(0x0dd_ba11_5eed);
    (0..SHARING_MEMBERS)
        .map(|index| {
            let (unit, per) = dice.unit("cleaning");
            let (ref_unit, ref_per) = dice.unit("cleaning");
            let promise = Promise {
                rate: written([0.001, 0.002, 0.004][dice.next(3) as usize] * per / ref_per),
                ref_user: None,
                ref_unit: Some(ref_unit.into()),
                threshold: (100 * dice.next(10)) as f64 * ref_per,
                cap: Some((2 + dice.next(10)) as f64 * per),
                ..Promise::fixed("cleaning", unit, dice.next(3) as f64 * per)
            };
            let conditions = if dice.next(3) == 0 {
                let min = (200 + 100 * dice.next(20)) as f64;
                vec![condition(None, "cleaning", min, &mut dice)]
            } else {
                vec![]
            };
            active(index, index, conditions, promise)
        })
        .collect()
}

/// Solves measured for CPU time, which a busy shared machine inflates far less than the
/// wall time criterion reports.
const CPU_RUNS: u32 = 20;

/// The CPU time this thread has used, where Linux tells it.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// The mean CPU time of one solve.
fn cpu_per_solve(commitments: &[Commitment]) -> Option<Duration> {
    let start = thread_cpu()?;
    for _ in 0..CPU_RUNS {
        std::hint::black_box(solve(std::hint::black_box(commitments)).ok());
    }
    Some((thread_cpu()? - start) / CPU_RUNS)
}

fn solver(c: &mut Criterion) {
    for (name, commitments) in [
        ("solve 10k commitments / 1k members", large_group()),
        (
            "solve 500 members sharing the others' total",
            sharing_group(),
        ),
    ] {
        let liabilities = solve(&commitments).unwrap_or_default();
        let total: f64 = liabilities.iter().map(|l| l.amount).sum();
        eprintln!(
            "{name}: {} commitments, {} liabilities (amounts summing to {total:.3})",
            commitments.len(),
            liabilities.len()
        );
        if let Some(cpu) = cpu_per_solve(&commitments) {
            eprintln!("{name}: {cpu:.1?} of CPU time per solve (mean of {CPU_RUNS})");
        }
        c.bench_function(name, |b| b.iter(|| solve(&commitments)));
    }
}

criterion_group!(benches, solver);
criterion_main!(benches);
