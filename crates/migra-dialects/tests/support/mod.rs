//! Helpers shared by the SQLite backend tests.
#![allow(dead_code, clippy::unwrap_used)]

use migra_core::{LogEntry, Revision, RevisionStatus, RunnerId};
use migra_dialects::sqlite::{SqliteBackend, SqliteOptions};

pub fn runner(id: &str) -> RunnerId {
    RunnerId {
        id: id.into(),
        host: "test-host".into(),
        pid: std::process::id(),
        display: format!("tester@test-host pid {id}"),
    }
}

pub fn revision(version: &str, status: RevisionStatus) -> Revision {
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
        progress_checksum: None,
    }
}

pub fn url_in(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}", dir.path().join("db.sqlite").display())
}

pub async fn open(dir: &tempfile::TempDir, opts: &SqliteOptions) -> SqliteBackend {
    SqliteBackend::connect(&url_in(dir), opts).await.unwrap()
}

pub fn log_entry(version: &str) -> LogEntry {
    LogEntry {
        version: version.into(),
        name: "n".into(),
        action: migra_core::LogAction::Apply,
        checksum: "c".into(),
        at: "2026-01-01T00:00:00.000Z".into(),
        duration_ms: 1,
        by: "me".into(),
        error: None,
        failing_statement: None,
    }
}
