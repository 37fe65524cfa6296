//! The SQLite file stamp: it changes with every committed write (even two in one clock tick),
//! stays put while the database is only read, and is absent wherever it could not be trusted.
#![allow(clippy::unwrap_used, clippy::panic)]

use migra_core::{Backend, HistoryStore, Revision, RevisionStatus};
use migra_dialects::sqlite::{SqliteBackend, SqliteOptions, file_stamp};

fn revision(version: &str) -> Revision {
    Revision {
        version: version.into(),
        sort_key: version.into(),
        name: "n".into(),
        checksum: "c".into(),
        checksum_algorithm: "a".into(),
        status: RevisionStatus::Applied,
        applied_statements: 1,
        total_statements: 1,
        started_at: "2026-01-01T00:00:00.000Z".into(),
        finished_at: None,
        duration_ms: 3,
        error: None,
        failing_statement: None,
        applied_by: "me".into(),
        progress_checksum: None,
    }
}

fn url_in(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}", dir.path().join("db.sqlite").display())
}

#[tokio::test]
async fn every_commit_changes_the_stamp_and_reading_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let url = url_in(&dir);
    let mut b = SqliteBackend::connect(&url, &SqliteOptions::default())
        .await
        .unwrap();
    b.ensure_history().await.unwrap();
    b.write_revision(&revision("1"), false).await.unwrap();
    let first = file_stamp(&url).unwrap();
    assert_eq!(first.target, b.target());
    assert!(first.path.ends_with("db.sqlite"), "{first:?}");

    // Reading, on this connection or a read-only one, leaves the stamp as it was.
    let reader_opts = SqliteOptions {
        read_only: true,
        ..Default::default()
    };
    let mut reader = SqliteBackend::connect(&url, &reader_opts).await.unwrap();
    assert_eq!(reader.read_history().await.unwrap().len(), 1);
    b.read_history().await.unwrap();
    assert_eq!(file_stamp(&url).unwrap(), first);

    // Commits straight after one another, faster than file timestamps tick, each change it.
    let mut seen = vec![first.stamp];
    for v in ["2", "3", "4"] {
        b.write_revision(&revision(v), false).await.unwrap();
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

    std::fs::write(dir.path().join("db.sqlite"), "not a database, but long enough to hold a header of one hundred bytes, which SQLite files have").unwrap();
    assert_eq!(file_stamp(&url), None, "not SQLite");
    std::fs::remove_file(dir.path().join("db.sqlite")).unwrap();

    let mut b = SqliteBackend::connect(&url, &SqliteOptions::default())
        .await
        .unwrap();
    b.ensure_history().await.unwrap();
    b.write_revision(&revision("1"), false).await.unwrap();
    assert!(file_stamp(&url).is_some());

    // A journal beside the file: a write under way, or one to roll back.
    let journal = dir.path().join("db.sqlite-journal");
    std::fs::write(&journal, [1u8; 512]).unwrap();
    assert_eq!(file_stamp(&url), None, "a journal beside it");
    std::fs::remove_file(&journal).unwrap();
    assert!(file_stamp(&url).is_some());

    // WAL mode: commits go to the -wal file and leave the main file's header alone.
    b.execute("PRAGMA journal_mode=WAL").await.unwrap();
    b.write_revision(&revision("2"), false).await.unwrap();
    assert_eq!(file_stamp(&url), None, "WAL mode");
}
