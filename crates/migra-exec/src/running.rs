//! What `migra status` shows of a migration that is running now (or whose runner stopped
//! part-way): the seed's `MigrationStatus`, read from history and batch checkpoints only, so any
//! other process can ask.

use migra_core::{Annotation, Checkpoint, Migration, Revision, RevisionStatus};
use serde::Serialize;

/// A migration in progress (history says `partial`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunningMigration {
    /// Version.
    pub version: String,
    /// Name.
    pub name: String,
    /// The statement running (1-based): the first not yet recorded as done.
    pub statement: u32,
    /// Statements in the up part.
    pub statements: u32,
    /// When the run started (RFC 3339, UTC).
    pub started_at: String,
    /// Who runs it.
    pub runner: String,
    /// Progress of the batched statement running, if that is what runs.
    pub batch: Option<BatchProgress>,
}

/// Where a batched statement stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchProgress {
    /// Batches committed.
    pub batch: u64,
    /// Batches expected in all.
    pub batches: u64,
    /// Rows changed so far.
    pub rows_done: u64,
    /// Rows the key range holds.
    pub rows_total: u64,
    /// When the batched statement started.
    pub started_at: String,
    /// When the last batch committed: long ago means its runner stopped.
    pub last_progress_at: String,
    /// Rows per second since the statement started.
    pub rows_per_second: f64,
    /// Seconds left at that pace; `None` before the first batch.
    pub eta_seconds: Option<f64>,
}

fn seconds_between(from: &str, to: &str) -> Option<f64> {
    let a = chrono::DateTime::parse_from_rfc3339(from).ok()?;
    let b = chrono::DateTime::parse_from_rfc3339(to).ok()?;
    Some((b - a).num_milliseconds() as f64 / 1000.0)
}

/// The migrations in progress, with their batch progress from `checkpoints` (annotations of kind
/// checkpoint), at time `now` (RFC 3339).
pub fn running(
    migrations: &[Migration],
    history: &[Revision],
    checkpoints: &[Annotation],
    now: &str,
) -> Vec<RunningMigration> {
    history
        .iter()
        // One that stopped on an error (a whole script, a rollback that kept changes) is not running.
        .filter(|r| r.status == RevisionStatus::Partial && r.error.is_none())
        .map(|r| {
            let name = migrations
                .iter()
                .find(|m| m.version.sort_key() == r.sort_key)
                .map_or(r.name.clone(), |m| m.name.clone());
            let key = format!("up:{}", r.applied_statements);
            let batch = checkpoints
                .iter()
                .find(|a| a.sort_key == r.sort_key && a.key == key)
                .and_then(|a| serde_json::from_str::<Checkpoint>(&a.value).ok())
                .filter(|c| !c.finished)
                .map(|c| progress(&c, now));
            RunningMigration {
                version: r.version.clone(),
                name,
                statement: r.applied_statements + 1,
                statements: r.total_statements,
                started_at: r.started_at.clone(),
                runner: r.applied_by.clone(),
                batch,
            }
        })
        .collect()
}

fn progress(c: &Checkpoint, now: &str) -> BatchProgress {
    let elapsed = seconds_between(&c.started_at, now)
        .unwrap_or(0.0)
        .max(0.001);
    let left = c.batches_total.saturating_sub(c.batches_done);
    BatchProgress {
        batch: c.batches_done,
        batches: c.batches_total,
        rows_done: c.rows_done,
        rows_total: c.rows_total,
        started_at: c.started_at.clone(),
        last_progress_at: c.updated_at.clone(),
        rows_per_second: (c.rows_done as f64 / elapsed * 10.0).round() / 10.0,
        eta_seconds: (c.batches_done > 0)
            .then(|| (elapsed / c.batches_done as f64 * left as f64 * 10.0).round() / 10.0),
    }
}
