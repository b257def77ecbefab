//! Reader benchmark: every sentence of both phrasing corpora read as the server reads a
//! chat message (target: at least 10,000 sentences per second on one core).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use quid_server::commitments::{Context, Detector, RuleParser};
use quid_shared::{Id, UserRef};

const CORPORA: &[&str] = &[
    include_str!("../../tests/fixtures/phrasings.txt"),
    include_str!("../../tests/fixtures/phrasings-holdout.txt"),
];

/// The sentences of the corpora (every line that is not a comment, directive or reading).
fn sentences() -> Vec<&'static str> {
    CORPORA
        .iter()
        .flat_map(|c| c.lines())
        .map(str::trim)
        .filter(|l| {
            !l.is_empty() && !l.starts_with('#') && !l.starts_with('@') && !l.starts_with("=>")
        })
        .collect()
}

fn member(index: u128, name: &str) -> UserRef {
    UserRef {
        id: Id::from_u128(index + 1),
        username: name.to_owned(),
    }
}

fn reader(c: &mut Criterion) {
    let members: Vec<UserRef> = ["alice", "bob", "carol", "dave", "kim", "yuri", "sam"]
        .iter()
        .enumerate()
        .map(|(i, n)| member(i as u128, n))
        .collect();
    let author = members[6].clone();
    let context = Context {
        author: &author,
        members: &members,
        commitments: &[],
    };
    let sentences = sentences();
    eprintln!("corpus: {} sentences", sentences.len());
    let mut group = c.benchmark_group("reader");
    group.throughput(Throughput::Elements(sentences.len() as u64));
    group.bench_function("read both corpora", |b| {
        b.iter(|| {
            for sentence in &sentences {
                std::hint::black_box(RuleParser.detect(sentence, &context));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, reader);
criterion_main!(benches);
