use migra::core::HistoryStore;
use std::time::Instant;
fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let files = migra::exec::read_dir(std::path::Path::new("/tmp/w/migra")).unwrap();
    let m = migra::core::load(
        &files,
        &migra::core::LoadOptions::new(migra::core::SplitOptions::SQLITE),
    )
    .unwrap();
    rt.block_on(async {
        let mut b = migra::connect(
            "sqlite:///tmp/a.db",
            &migra::ConnectOptions {
                read_only: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let _ = b.read_history().await.unwrap();
        for _ in 0..5 {
            let t = Instant::now();
            let h = b.read_history().await.unwrap();
            let r = t.elapsed();
            let p = migra::exec::compare(&m, &h);
            let c = t.elapsed() - r;
            let t = Instant::now();
            let res = migra::Executor::new(b.as_mut(), &m)
                .apply(None, &mut migra::RunOptions::default())
                .await
                .unwrap();
            println!(
                "read {r:?} compare {c:?} apply-noop {:?} {} {}",
                t.elapsed(),
                p.pending.len(),
                res.steps_completed
            );
        }
    });
}
