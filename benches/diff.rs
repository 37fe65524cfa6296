//! The in-memory differ on two 2,000-table schemas differing by about 5%.
//!
//! `cargo bench -p migra-benches --bench diff`

use criterion::{Criterion, criterion_group, criterion_main};
use migra::core::DefaultHooks;
use migra::diff::{DiffOptions, diff};
use migra_benches::large_schema;

fn large(c: &mut Criterion) {
    let (a, b) = (large_schema(2000, false), large_schema(2000, true));
    let opts = DiffOptions::new(&DefaultHooks);
    let changes = diff(&a, &b, &opts).expect("diff");
    eprintln!("{} changes", changes.len());
    c.bench_function("diff 2000 tables, 5% changed", |bench| {
        bench.iter(|| diff(&a, &b, &opts).expect("diff"))
    });
    c.bench_function("diff 2000 tables, identical", |bench| {
        bench.iter(|| diff(&a, &a, &opts).expect("diff"))
    });
    let planner = migra::dialect(migra::DialectId::Postgres)
        .planner()
        .expect("planner");
    c.bench_function("plan the 5% diff (PostgreSQL)", |bench| {
        bench.iter(|| planner.plan(&a, &changes).expect("plan"))
    });
}

criterion_group!(benches, large);
criterion_main!(benches);
