//! The SQLite backend's migration step (`run_transaction`): every way of running it keeps one
//! contract, on real database files.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use migra_core::{
    Backend, BackendError, HistoryStore, RevisionStatus, Statement, TxFailure, TxStep,
};
use migra_dialects::sqlite::{SqliteBackend, SqliteOptions};
use std::time::Duration;
use support::{log_entry, open, revision, runner};

#[tokio::test]
async fn a_transaction_step_commits_units_and_bookkeeping_together_or_nothing() {
    transaction_step_contract(SqliteOptions::default()).await;
}

/// Polling for results instead of sleeping changes nothing of what a step does.
#[tokio::test]
async fn a_step_polling_for_its_results_keeps_the_contract() {
    let spin = Some(Duration::from_millis(3));
    transaction_step_contract(SqliteOptions {
        spin,
        ..Default::default()
    })
    .await;
}

/// Running the step on the caller's thread changes nothing of what it does.
#[tokio::test]
async fn a_step_run_in_thread_keeps_the_contract() {
    transaction_step_contract(SqliteOptions {
        in_thread: true,
        ..Default::default()
    })
    .await;
}

/// Runs `units` as runner A's step, recording `version` as applied (refused if it already is).
async fn run_step(
    b: &mut SqliteBackend,
    units: &[Statement],
    version: &str,
) -> Result<u64, TxFailure> {
    let book = || {
        (
            revision(version, RevisionStatus::Applied),
            log_entry(version),
        )
    };
    let runner = runner("A");
    let step = TxStep {
        units,
        whole: false,
        runner: &runner,
        expect_not_applied: true,
        fresh: false,
        bookkeeping: &book,
        annotations: &[],
    };
    b.run_transaction(&step).await
}

fn unit(sql: &str) -> Statement {
    Statement {
        sql: sql.into(),
        line: 1,
        column: 1,
    }
}

/// In-thread steps use the very connection sqlx uses, between and after them: what one side
/// set up for the session (a temporary table, a pragma) the other sees.
#[tokio::test]
async fn in_thread_steps_and_sqlx_share_one_connection() {
    let dir = tempfile::tempdir().unwrap();
    let opts = SqliteOptions {
        in_thread: true,
        ..Default::default()
    };
    let mut a = open(&dir, &opts).await;
    a.ensure_history().await.unwrap();
    a.lock(&runner("A"), Duration::ZERO).await.unwrap();
    a.execute("CREATE TEMP TABLE seen (x INT)").await.unwrap();
    a.execute("PRAGMA foreign_keys = OFF").await.unwrap();
    // A dangling foreign key only inserts with the pragma off: the step saw sqlx's setting.
    let units = [
        unit("CREATE TABLE parent (id INTEGER PRIMARY KEY)"),
        unit("CREATE TABLE child (p INTEGER REFERENCES parent (id))"),
        unit("INSERT INTO child VALUES (7)"),
        unit("INSERT INTO seen VALUES (1)"),
        unit("CREATE TEMP TABLE made_in_step (x INT)"),
    ];
    for v in ["1", "2"] {
        let units = if v == "1" { &units[..] } else { &units[3..4] };
        run_step(&mut a, units, v).await.unwrap();
    }
    // Back on sqlx: the temporary table of the step and both rows of `seen` are there.
    let seen = a.query_value("SELECT count(*) FROM seen").await.unwrap();
    assert_eq!(seen.and_then(|v| v.as_i64()), Some(2));
    a.execute("INSERT INTO made_in_step VALUES (1)")
        .await
        .unwrap();
    assert_eq!(a.read_history().await.unwrap().len(), 2);
    assert_eq!(a.read_log().await.unwrap().len(), 2);
    a.unlock(&runner("A")).await.unwrap();
}

/// An in-thread step waits on another writer for the busy timeout, then fails whole, leaving
/// the connection usable; once the writer is done the same step succeeds.
#[tokio::test]
async fn an_in_thread_step_blocked_by_another_writer_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let opts = SqliteOptions {
        in_thread: true,
        busy_timeout: Duration::from_millis(50),
        ..Default::default()
    };
    let mut a = open(&dir, &opts).await;
    a.ensure_history().await.unwrap();
    a.lock(&runner("A"), Duration::ZERO).await.unwrap();
    let mut other = open(&dir, &SqliteOptions::default()).await;
    other.begin().await.unwrap();
    other.execute("CREATE TABLE hold (x INT)").await.unwrap();
    let units = [unit("CREATE TABLE t (x INT)")];
    match run_step(&mut a, &units, "1").await {
        Err(TxFailure::Backend(BackendError::Statement { message, .. })) => {
            assert!(message.contains("locked"), "{message}")
        }
        other => panic!("expected a busy failure, got {other:?}"),
    }
    other.commit().await.unwrap();
    assert!(a.read_history().await.unwrap().is_empty());
    assert_eq!(run_step(&mut a, &units, "1").await.unwrap(), 0);
    assert_eq!(a.read_history().await.unwrap().len(), 1);
}

/// A due lease is extended by the step's own commit.
#[tokio::test]
async fn an_in_thread_step_extends_a_due_lease() {
    let dir = tempfile::tempdir().unwrap();
    let opts = SqliteOptions {
        in_thread: true,
        lease: Duration::ZERO,
        ..Default::default()
    };
    let mut a = open(&dir, &opts).await;
    a.ensure_history().await.unwrap();
    a.lock(&runner("A"), Duration::ZERO).await.unwrap();
    a.execute("UPDATE migra_history_lock SET expires_at_ms = 5")
        .await
        .unwrap();
    let units = [unit("CREATE TABLE t (x INT)")];
    run_step(&mut a, &units, "1").await.unwrap();
    let expires: i64 = a
        .query_value("SELECT expires_at_ms FROM migra_history_lock")
        .await
        .unwrap()
        .and_then(|v| v.as_i64())
        .unwrap();
    assert!(
        expires > 1_000_000_000_000,
        "extended to now + lease: {expires}"
    );
}

async fn transaction_step_contract(opts: SqliteOptions) {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(&dir, &opts).await;
    a.ensure_history().await.unwrap();
    a.lock(&runner("A"), Duration::ZERO).await.unwrap();
    let units = [
        unit("CREATE TABLE t (x INT) -- trailing comment"),
        unit("INSERT INTO t VALUES (1), (2)"),
    ];
    assert_eq!(
        run_step(&mut a, &units, "1").await.unwrap(),
        2,
        "rows of the DML unit only"
    );
    assert_eq!(a.read_history().await.unwrap().len(), 1);
    assert_eq!(a.read_log().await.unwrap().len(), 1);

    // Already applied: the whole step rolls back.
    let units2 = [unit("CREATE TABLE u (x INT)")];
    assert!(matches!(
        run_step(&mut a, &units2, "1").await,
        Err(TxFailure::Backend(BackendError::LockLost { .. }))
    ));
    assert!(
        a.execute("SELECT * FROM u").await.is_err(),
        "u was rolled back"
    );

    // A failing unit is named by index, and nothing of the step stays.
    let bad = [
        unit("CREATE TABLE v (x INT)"),
        unit("INSERT INTO nope VALUES (1)"),
    ];
    match run_step(&mut a, &bad, "2").await {
        Err(TxFailure::Statement { index, error }) => {
            assert_eq!(index, 1);
            assert!(error.to_string().contains("no such table: nope"), "{error}");
        }
        other => panic!("expected a statement failure, got {other:?}"),
    }
    assert!(
        a.execute("SELECT * FROM v").await.is_err(),
        "v was rolled back"
    );
    assert_eq!(a.read_history().await.unwrap().len(), 1);

    // The lock changed hands: the step is refused and rolled back.
    let mut b = open(
        &dir,
        &SqliteOptions {
            lease: Duration::ZERO,
            ..Default::default()
        },
    )
    .await;
    b.execute("UPDATE migra_history_lock SET owner = 'B'")
        .await
        .unwrap();
    assert!(matches!(
        run_step(&mut a, &units2, "2").await,
        Err(TxFailure::Backend(BackendError::LockLost { .. }))
    ));
    assert!(a.execute("SELECT * FROM u").await.is_err());
}
