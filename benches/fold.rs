//! The fold of a 1,000,000-event incident (issue 2 target: under 1 s).
//! `cargo bench --bench fold`

mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use cockpit::config::load_playbooks;
use cockpit::domain::Incident;

fn fold(c: &mut Criterion) {
    let playbooks = load_playbooks(None).unwrap();
    let pb = playbooks.get("default").unwrap();
    // `cargo test --benches` runs this once without "--bench": keep it small then.
    let n = if std::env::args().any(|a| a == "--bench") {
        1_000_000
    } else {
        10_000
    };
    let (id, events) = support::long_incident(n);
    let check = Incident::replay(id, &events, &pb);
    assert!(check.refused.is_empty(), "{:?}", &check.refused[..1]);
    assert_eq!(check.events, n);

    let mut group = c.benchmark_group("fold");
    group.sample_size(10);
    group.measurement_time(std::time::Duration::from_secs(20));
    group.bench_function(format!("replay {n} events"), |b| {
        b.iter(|| black_box(Incident::replay(id, black_box(&events), &pb)))
    });
    group.finish();
}

criterion_group!(benches, fold);
criterion_main!(benches);
