//! The SQLite backend's history and lock contracts, on real database files.
#![allow(clippy::unwrap_used)]

use migra_core::{Backend, BackendError, HistoryStore, Revision, RevisionStatus, RunnerId};
use migra_dialects::sqlite::{SqliteBackend, SqliteOptions};
use std::time::Duration;

fn runner(id: &str) -> RunnerId {
    RunnerId {
        id: id.into(),
        host: "test-host".into(),
        pid: std::process::id(),
        display: format!("tester@test-host pid {id}"),
    }
}

fn revision(version: &str, status: RevisionStatus) -> Revision {
    Revision {
        version: version.into(),
        sort_key: version.into(),
        name: "n".into(),
        checksum: "c".into(),
        checksum_algorithm: "a".into(),
        status,
        applied_statements: 1,
        total_statements: 1,
        started_at: "2026-01-01T00:00:00.000Z".into(),
        finished_at: None,
        duration_ms: 3,
        error: None,
        failing_statement: None,
        applied_by: "me".into(),
    }
}

async fn open(dir: &tempfile::TempDir, opts: &SqliteOptions) -> SqliteBackend {
    SqliteBackend::connect(
        &format!("sqlite://{}", dir.path().join("db.sqlite").display()),
        opts,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn history_round_trips_and_compare_and_set_refuses_double_apply() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = open(&dir, &SqliteOptions::default()).await;
    assert!(
        b.read_history().await.unwrap().is_empty(),
        "absent table reads as empty"
    );
    b.ensure_history().await.unwrap();
    b.write_revision(&revision("1", RevisionStatus::Failed), true)
        .await
        .unwrap();
    b.write_revision(&revision("1", RevisionStatus::Applied), true)
        .await
        .unwrap();
    let h = b.read_history().await.unwrap();
    assert_eq!(h, vec![revision("1", RevisionStatus::Applied)]);
    let e = b
        .write_revision(&revision("1", RevisionStatus::Applied), true)
        .await
        .unwrap_err();
    assert!(matches!(e, BackendError::LockLost { .. }), "{e}");
}

#[tokio::test]
async fn a_foreign_table_with_the_history_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = open(
        &dir,
        &SqliteOptions {
            table: "schema_migrations".into(),
            ..Default::default()
        },
    )
    .await;
    b.execute("CREATE TABLE schema_migrations (version TEXT PRIMARY KEY)")
        .await
        .unwrap();
    let e = b.ensure_history().await.unwrap_err();
    assert!(matches!(e, BackendError::History { .. }), "{e}");
    assert!(b.read_history().await.is_err(), "never read as empty");
}

#[tokio::test]
async fn a_runner_whose_lease_was_taken_over_finds_out() {
    let dir = tempfile::tempdir().unwrap();
    let opts = SqliteOptions {
        lease: Duration::from_millis(40),
        ..Default::default()
    };
    let mut a = open(&dir, &opts).await;
    let mut b = open(&dir, &opts).await;
    a.ensure_history().await.unwrap();
    a.lock(&runner("A"), Duration::ZERO).await.unwrap();
    let held = b
        .lock(&runner("B"), Duration::from_millis(10))
        .await
        .unwrap_err();
    assert!(
        matches!(held, BackendError::LockHeld { ref holder, .. } if holder.contains("pid A")),
        "{held}"
    );
    tokio::time::sleep(Duration::from_millis(60)).await;
    b.lock(&runner("B"), Duration::ZERO).await.unwrap();
    let lost = a.refresh_lock(&runner("A")).await.unwrap_err();
    assert!(matches!(lost, BackendError::LockLost { .. }), "{lost}");
    // Releasing a lock one does not hold leaves the holder's lock alone.
    a.unlock(&runner("A")).await.unwrap();
    let still = a.lock(&runner("A"), Duration::ZERO).await.unwrap_err();
    assert!(matches!(still, BackendError::LockHeld { .. }));
    b.refresh_lock(&runner("B")).await.unwrap();
    b.unlock(&runner("B")).await.unwrap();
    a.lock(&runner("A"), Duration::ZERO).await.unwrap();
}

#[tokio::test]
async fn read_only_open_of_a_missing_file_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = open(
        &dir,
        &SqliteOptions {
            read_only: true,
            ..Default::default()
        },
    )
    .await;
    assert!(b.read_history().await.unwrap().is_empty());
    assert!(!dir.path().join("db.sqlite").exists());
}
