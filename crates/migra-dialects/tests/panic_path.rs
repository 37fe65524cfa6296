//! The lock is released on every path, a panic included: a real SQLite backend wrapped so that
//! one statement panics (fault injection; every other call goes to the real database).
#![allow(clippy::unwrap_used, clippy::panic)]

use migra_core::{
    Backend, BackendError, Capabilities, DialectId, HistoryStore, LoadOptions, LogEntry, Revision,
    RunnerId, SourceFile, SplitOptions, async_trait,
};
use migra_dialects::sqlite::{SqliteBackend, SqliteOptions};
use migra_exec::{Executor, RunOptions};
use std::time::Duration;

/// Delegates to a real backend, but panics on a statement that mentions `boom`.
struct PanicsOnBoom(SqliteBackend);

#[async_trait]
impl HistoryStore for PanicsOnBoom {
    async fn ensure_history(&mut self) -> Result<(), BackendError> {
        self.0.ensure_history().await
    }
    async fn read_history(&mut self) -> Result<Vec<Revision>, BackendError> {
        self.0.read_history().await
    }
    async fn write_revision(&mut self, rev: &Revision, expect: bool) -> Result<(), BackendError> {
        self.0.write_revision(rev, expect).await
    }
    async fn append_log(&mut self, e: &LogEntry) -> Result<(), BackendError> {
        self.0.append_log(e).await
    }
    async fn read_log(&mut self) -> Result<Vec<LogEntry>, BackendError> {
        self.0.read_log().await
    }
}

#[async_trait]
impl Backend for PanicsOnBoom {
    fn dialect(&self) -> DialectId {
        self.0.dialect()
    }
    fn capabilities(&self) -> Capabilities {
        self.0.capabilities()
    }
    fn target(&self) -> String {
        self.0.target()
    }
    async fn lock(&mut self, r: &RunnerId, wait: Duration) -> Result<(), BackendError> {
        self.0.lock(r, wait).await
    }
    async fn refresh_lock(&mut self, r: &RunnerId) -> Result<(), BackendError> {
        self.0.refresh_lock(r).await
    }
    async fn unlock(&mut self, r: &RunnerId) -> Result<(), BackendError> {
        self.0.unlock(r).await
    }
    async fn begin(&mut self) -> Result<(), BackendError> {
        self.0.begin().await
    }
    async fn commit(&mut self) -> Result<(), BackendError> {
        self.0.commit().await
    }
    async fn rollback(&mut self) -> Result<(), BackendError> {
        self.0.rollback().await
    }
    async fn execute(&mut self, sql: &str) -> Result<u64, BackendError> {
        if sql.contains("boom") {
            panic!("injected fault");
        }
        self.0.execute(sql).await
    }
    async fn execute_script(&mut self, sql: &str) -> Result<u64, BackendError> {
        self.0.execute_script(sql).await
    }
}

#[test]
fn a_panic_mid_migration_rolls_back_and_releases_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("db.sqlite").display());
    let files = vec![
        SourceFile {
            path: "20260101_000001_a.sql".into(),
            contents: b"-- DIRECTION: up\nCREATE TABLE a (x INT);\n".to_vec(),
        },
        SourceFile {
            path: "20260101_000002_b.sql".into(),
            contents: b"-- DIRECTION: up\nCREATE TABLE b (x INT);\nSELECT 'boom';\n".to_vec(),
        },
    ];
    let migrations = migra_core::load(&files, &LoadOptions::new(SplitOptions::SQLITE)).unwrap();
    let rt = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    };
    let (u, m) = (url.clone(), migrations.clone());
    let panicked = std::thread::spawn(move || {
        rt().block_on(async {
            let inner = SqliteBackend::connect(&u, &SqliteOptions::default())
                .await
                .unwrap();
            let mut b = PanicsOnBoom(inner);
            // The stepwise path (what the wrapper's default `run_transaction` uses) reaches `execute`.
            let _ = Executor::new(&mut b, &m)
                .apply(None, &mut RunOptions::default())
                .await;
        })
    })
    .join();
    assert!(panicked.is_err(), "the injected fault panicked");
    rt().block_on(async {
        let mut b = SqliteBackend::connect(&url, &SqliteOptions::default())
            .await
            .unwrap();
        assert_eq!(
            b.read_history().await.unwrap().len(),
            1,
            "a is applied, b left nothing"
        );
        let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
            .await
            .unwrap();
        let lock_rows: i64 = sqlx::query_scalar("SELECT count(*) FROM migra_history_lock")
            .fetch_one(&mut c)
            .await
            .unwrap();
        assert_eq!(lock_rows, 0, "the lock row was released");
        assert!(
            b.execute("SELECT * FROM b").await.is_err(),
            "b's table was rolled back"
        );
        // The next runner gets the lock at once (no lease to wait out).
        let mut opts = RunOptions {
            lock_wait: Duration::ZERO,
            ..Default::default()
        };
        let fixed = migra_core::load(
            &[
                files[0].clone(),
                SourceFile {
                    path: "20260101_000002_b.sql".into(),
                    contents: b"-- DIRECTION: up\nCREATE TABLE b (x INT);\n".to_vec(),
                },
            ],
            &LoadOptions::new(SplitOptions::SQLITE),
        )
        .unwrap();
        let r = Executor::new(&mut b, &fixed)
            .apply(None, &mut opts)
            .await
            .unwrap();
        assert_eq!(r.steps_completed, 1);
    });
}
