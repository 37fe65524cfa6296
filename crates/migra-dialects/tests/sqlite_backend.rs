//! The SQLite backend's history and lock contracts and its file stamp, on real database files.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use migra_core::{Backend, BackendError, HistoryStore, RevisionStatus, SqlValue};
use migra_dialects::sqlite::{SqliteOptions, file_stamp};
use std::time::Duration;
use support::{open, revision, runner, url_in};

#[tokio::test]
async fn history_round_trips_and_compare_and_set_refuses_double_apply() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = open(&dir, &SqliteOptions::default()).await;
    assert!(
        b.read_history().await.unwrap().is_empty(),
        "absent table reads as empty"
    );
    b.ensure_history().await.unwrap();
    // No server-side digest: its no-op check reads fingerprints, and says so.
    assert_eq!(b.read_digest().await.unwrap(), None);
    assert!(!b.capabilities().history_digest);
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

// The file stamp: it changes with every committed write (even two in one clock tick), stays
// put while the database is only read, and is absent wherever it could not be trusted.

#[tokio::test]
async fn every_commit_changes_the_stamp_and_reading_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let url = url_in(&dir);
    let mut b = open(&dir, &SqliteOptions::default()).await;
    b.ensure_history().await.unwrap();
    let applied = |v| revision(v, RevisionStatus::Applied);
    b.write_revision(&applied("1"), false).await.unwrap();
    let first = file_stamp(&url).unwrap();
    assert_eq!(first.target, b.target());
    assert!(first.path.ends_with("db.sqlite"), "{first:?}");

    // Reading, on this connection or a read-only one, leaves the stamp as it was.
    let reader_opts = SqliteOptions {
        read_only: true,
        ..Default::default()
    };
    let mut reader = open(&dir, &reader_opts).await;
    assert_eq!(reader.read_history().await.unwrap().len(), 1);
    b.read_history().await.unwrap();
    assert_eq!(file_stamp(&url).unwrap(), first);

    // Commits straight after one another, faster than file timestamps tick, each change it.
    let mut seen = vec![first.stamp];
    for v in ["2", "3", "4"] {
        b.write_revision(&applied(v), false).await.unwrap();
        let now = file_stamp(&url).unwrap().stamp;
        assert!(!seen.contains(&now), "{now} was seen before: {seen:?}");
        seen.push(now);
    }
}

#[tokio::test]
async fn no_stamp_where_it_could_not_be_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let url = url_in(&dir);
    assert_eq!(file_stamp("sqlite::memory:"), None);
    assert_eq!(file_stamp(&url), None, "a missing file");

    let file = dir.path().join("db.sqlite");
    std::fs::write(&file, "not a database, but long enough to hold a header of one hundred bytes, which SQLite files have").unwrap();
    assert_eq!(file_stamp(&url), None, "not SQLite");
    std::fs::remove_file(&file).unwrap();

    let mut b = open(&dir, &SqliteOptions::default()).await;
    b.ensure_history().await.unwrap();
    let applied = |v| revision(v, RevisionStatus::Applied);
    b.write_revision(&applied("1"), false).await.unwrap();
    assert!(file_stamp(&url).is_some());

    // A journal beside the file: a write under way, or one to roll back.
    let journal = dir.path().join("db.sqlite-journal");
    std::fs::write(&journal, [1u8; 512]).unwrap();
    assert_eq!(file_stamp(&url), None, "a journal beside it");
    std::fs::remove_file(&journal).unwrap();
    assert!(file_stamp(&url).is_some());

    // WAL mode: commits go to the -wal file and leave the main file's header alone.
    b.execute("PRAGMA journal_mode=WAL").await.unwrap();
    b.write_revision(&applied("2"), false).await.unwrap();
    assert_eq!(file_stamp(&url), None, "WAL mode");
}

// A locked run journals in PERSIST mode (fewer metadata flushes per commit) and puts the
// connection back to DELETE when it unlocks; other modes are the user's and stay.

async fn pragma(b: &mut migra_dialects::sqlite::SqliteBackend, name: &str) -> SqlValue {
    let v = b.query_value(&format!("PRAGMA {name}")).await.unwrap();
    v.unwrap_or(SqlValue::Null)
}

fn text(s: &str) -> SqlValue {
    SqlValue::Text(s.into())
}

#[tokio::test]
async fn a_locked_run_keeps_its_journal_and_leaves_none_behind() {
    let dir = tempfile::tempdir().unwrap();
    let url = url_in(&dir);
    let journal = dir.path().join("db.sqlite-journal");
    let mut b = open(&dir, &SqliteOptions::default()).await;
    assert_eq!(pragma(&mut b, "journal_mode").await, text("delete"));
    b.lock(&runner("a"), Duration::from_secs(1)).await.unwrap();
    assert_eq!(pragma(&mut b, "journal_mode").await, text("persist"));
    // A kept journal is cut back to 64 MiB after each commit, not left at its largest.
    assert_eq!(
        pragma(&mut b, "journal_size_limit").await,
        SqlValue::Int(64 << 20)
    );
    b.ensure_history().await.unwrap();
    b.write_revision(&revision("1", RevisionStatus::Applied), true)
        .await
        .unwrap();
    assert!(journal.exists(), "kept between the run's transactions");
    assert_eq!(
        file_stamp(&url),
        None,
        "no stamp while a journal is beside it"
    );

    // Another connection in SQLite's default mode reads and writes alongside.
    let mut other = open(&dir, &SqliteOptions::default()).await;
    assert_eq!(other.read_history().await.unwrap().len(), 1);
    other
        .write_revision(&revision("2", RevisionStatus::Applied), false)
        .await
        .unwrap();

    b.unlock(&runner("a")).await.unwrap();
    assert_eq!(pragma(&mut b, "journal_mode").await, text("delete"));
    assert_eq!(
        pragma(&mut b, "journal_size_limit").await,
        SqlValue::Int(-1),
        "SQLite's default again"
    );
    assert!(!journal.exists(), "deleted when the run unlocks");
    assert!(file_stamp(&url).is_some());
    let versions: Vec<String> = b
        .read_history()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.version)
        .collect();
    assert_eq!(versions, ["1", "2"]);
}

#[tokio::test]
async fn a_run_that_never_unlocked_leaves_an_inert_journal() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("db.sqlite-journal");
    let short = SqliteOptions {
        lease: Duration::from_millis(50),
        ..Default::default()
    };
    let mut b = open(&dir, &short).await;
    b.lock(&runner("a"), Duration::from_secs(1)).await.unwrap();
    b.ensure_history().await.unwrap();
    b.write_revision(&revision("1", RevisionStatus::Applied), true)
        .await
        .unwrap();
    drop(b);
    assert!(journal.exists());

    // Not a hot journal: the committed revision is there, and the next run (once the lease
    // has run out) cleans up.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut next = open(&dir, &SqliteOptions::default()).await;
    assert_eq!(
        next.read_history().await.unwrap(),
        vec![revision("1", RevisionStatus::Applied)]
    );
    next.lock(&runner("b"), Duration::from_secs(1))
        .await
        .unwrap();
    next.unlock(&runner("b")).await.unwrap();
    assert!(!journal.exists());
}

#[tokio::test]
async fn a_database_in_another_journal_mode_keeps_it() {
    for mode in ["wal", "truncate"] {
        let dir = tempfile::tempdir().unwrap();
        let mut b = open(&dir, &SqliteOptions::default()).await;
        b.execute(&format!("PRAGMA journal_mode={mode}"))
            .await
            .unwrap();
        b.lock(&runner("a"), Duration::from_secs(1)).await.unwrap();
        assert_eq!(pragma(&mut b, "journal_mode").await, text(mode));
        b.ensure_history().await.unwrap();
        b.unlock(&runner("a")).await.unwrap();
        assert_eq!(pragma(&mut b, "journal_mode").await, text(mode));
    }
    let mut memory = migra_dialects::sqlite::SqliteBackend::connect(
        "sqlite::memory:",
        &SqliteOptions::default(),
    )
    .await
    .unwrap();
    memory
        .lock(&runner("a"), Duration::from_secs(1))
        .await
        .unwrap();
    assert_eq!(pragma(&mut memory, "journal_mode").await, text("memory"));
    memory.unlock(&runner("a")).await.unwrap();
}

#[tokio::test]
async fn a_journal_size_limit_of_its_own_is_kept_or_put_back() {
    for (own, during) in [(1i64 << 30, 64i64 << 20), (4096, 4096)] {
        let dir = tempfile::tempdir().unwrap();
        let mut b = open(&dir, &SqliteOptions::default()).await;
        b.execute(&format!("PRAGMA journal_size_limit = {own}"))
            .await
            .unwrap();
        b.lock(&runner("a"), Duration::from_secs(1)).await.unwrap();
        assert_eq!(
            pragma(&mut b, "journal_size_limit").await,
            SqlValue::Int(during)
        );
        b.unlock(&runner("a")).await.unwrap();
        assert_eq!(
            pragma(&mut b, "journal_size_limit").await,
            SqlValue::Int(own)
        );
    }
}
