//! (a) The startup check: 1,000 applied migrations, nothing pending.
//!
//! `cargo bench -p migra-benches --bench startup`

use criterion::{Criterion, criterion_group, criterion_main};
use migra::core::{LoadOptions, SplitOptions};
use migra::{ConnectOptions, Executor, RunOptions};
use migra_benches::native_workload;

/// The startup check itself: `apply` with nothing pending.
async fn check(b: &mut dyn migra::Backend, migrations: &[migra::Migration]) {
    let r = Executor::new(b, migrations)
        .apply(None, &mut RunOptions::default())
        .await
        .expect("check");
    assert_eq!(r.steps_completed, 0);
}

fn startup(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let files = native_workload(1000);
    let opts = LoadOptions::new(SplitOptions::SQLITE);
    let migrations = migra::core::load(&files, &opts).expect("workload loads");
    rt.block_on(async {
        let mut b = migra::connect(&url, &ConnectOptions::default())
            .await
            .expect("connect");
        let r = Executor::new(b.as_mut(), &migrations)
            .apply(None, &mut RunOptions::default())
            .await
            .expect("apply");
        assert_eq!(r.steps_completed, 1000);
    });

    let mut g = c.benchmark_group("startup_check_1000_applied");
    g.bench_function("open_backend", |bench| {
        let mut b = rt
            .block_on(migra::connect(&url, &ConnectOptions::default()))
            .expect("connect");
        bench.iter(|| {
            rt.block_on(async {
                check(b.as_mut(), &migrations).await;
            })
        });
    });
    g.bench_function("connect_and_check", |bench| {
        bench.iter(|| {
            rt.block_on(async {
                let mut b = migra::connect(&url, &ConnectOptions::default())
                    .await
                    .expect("connect");
                check(b.as_mut(), &migrations).await;
            })
        });
    });
    g.bench_function("parse_connect_and_check", |bench| {
        bench.iter(|| {
            rt.block_on(async {
                let migrations = migra::core::load(&files, &opts).expect("loads");
                let mut b = migra::connect(&url, &ConnectOptions::default())
                    .await
                    .expect("connect");
                check(b.as_mut(), &migrations).await;
            })
        });
    });
    g.finish();
    let mut g = c.benchmark_group("parse");
    g.bench_function("load_1000_native_files", |bench| {
        bench.iter(|| migra::core::load(&files, &opts).expect("loads"))
    });
    // The same directory on disk: read and parsed, then through the parsed-directory cache.
    let on_disk = tempfile::tempdir().expect("tempdir");
    for f in &files {
        std::fs::write(on_disk.path().join(&f.path), &f.contents).expect("write");
    }
    let cache = tempfile::tempdir().expect("tempdir");
    std::thread::sleep(migra::exec::SETTLE + std::time::Duration::from_millis(100));
    g.bench_function("read_and_parse_1000_files", |bench| {
        bench.iter(|| migra::exec::load_dir(on_disk.path(), &opts).expect("loads"))
    });
    migra::exec::load_dir_cached(on_disk.path(), &opts, cache.path()).expect("loads");
    g.bench_function("cached_1000_files", |bench| {
        bench.iter(|| {
            migra::exec::load_dir_cached(on_disk.path(), &opts, cache.path()).expect("loads")
        })
    });
    // What the no-op check on a server reads instead: stamps and the summary, no migration.
    g.bench_function("summary_1000_files", |bench| {
        bench.iter(|| {
            migra::exec::dir_summary_cached(on_disk.path(), &opts, cache.path()).expect("summary")
        })
    });
    g.finish();
}

criterion_group!(benches, startup);
criterion_main!(benches);
