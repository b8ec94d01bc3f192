//! A durable note append through `Journal::append` against a bare rusqlite
//! INSERT of the same row with the same pragmas (WAL, synchronous=FULL), in
//! the same run. Criterion reports means; `append_latency` the percentiles.
//! `cargo bench --bench append`

mod support;

use criterion::{Criterion, criterion_group, criterion_main};

use support::{BareWriter, JournalWriter, NOTE, bench_dir};

fn append(c: &mut Criterion) {
    let dir = bench_dir();
    let mut journal = JournalWriter::new(&dir.path().join("journal.sqlite"));
    let mut bare = BareWriter::new(&dir.path().join("bare.sqlite"));

    let mut group = c.benchmark_group("durable note");
    group.sample_size(50);
    group.measurement_time(std::time::Duration::from_secs(10));
    group.bench_function("Journal::append", |b| b.iter(|| journal.append_note(NOTE)));
    group.bench_function("bare INSERT", |b| b.iter(|| bare.insert_note()));
    group.finish();
}

criterion_group!(benches, append);
criterion_main!(benches);
