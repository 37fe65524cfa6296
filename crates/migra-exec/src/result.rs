//! What `apply` and `rollback` report (the seed's `ExecutionResult`, plus what ran).

use serde::Serialize;

/// Direction of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Up parts.
    Up,
    /// Down parts.
    Down,
}

/// The outcome of an `apply` or `rollback`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExecutionResult {
    /// True when every selected migration ran.
    pub success: bool,
    /// Wall time of the whole run.
    pub duration_seconds: f64,
    /// Rows the statements reported as affected.
    pub rows_affected: u64,
    /// Migrations completed.
    pub steps_completed: usize,
    /// What failed.
    pub errors: Vec<StepError>,
    /// True when a failure made migra run a down part (`--rollback-on-failure`, for a migration
    /// that ran outside a transaction; transactional ones are rolled back by the database).
    pub rollback_triggered: bool,
    /// Up or down.
    pub direction: Direction,
    /// True for `--dry-run`: nothing was changed.
    pub dry_run: bool,
    /// Migrations completed (or, in a dry run, that would run), in order.
    pub migrations: Vec<StepRecord>,
}

impl ExecutionResult {
    /// The result of an `apply` that found nothing to do.
    pub fn up_to_date() -> Self {
        Self::new(Direction::Up, false)
    }

    pub(crate) fn new(direction: Direction, dry_run: bool) -> Self {
        Self {
            success: true,
            duration_seconds: 0.0,
            rows_affected: 0,
            steps_completed: 0,
            errors: Vec::new(),
            rollback_triggered: false,
            direction,
            dry_run,
            migrations: Vec::new(),
        }
    }
}

/// One migration that ran (or would run).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepRecord {
    /// Version.
    pub version: String,
    /// Name.
    pub name: String,
    /// Milliseconds it took (0 in a dry run).
    pub duration_ms: u64,
    /// Rows affected.
    pub rows_affected: u64,
    /// Ran in one transaction.
    pub transaction: bool,
    /// For a resumed migration: the (1-based) statement it resumed at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resumed_at_statement: Option<usize>,
    /// The statements, in order (only in a dry run).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub statements: Vec<String>,
    /// Assertions and row-count checks that ran around it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<crate::guards::CheckResult>,
}

/// A failure in a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepError {
    /// Version.
    pub version: String,
    /// Name.
    pub name: String,
    /// The database's message.
    pub message: String,
    /// The failing statement.
    pub statement: Option<String>,
    /// `file:line` of the failing statement.
    pub location: Option<String>,
}

/// Progress events, for people watching.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event<'a> {
    /// A migration starts.
    Started {
        /// Version.
        version: &'a str,
        /// Name.
        name: &'a str,
        /// Up or down.
        direction: Direction,
        /// The 1-based statement a half-applied migration resumes at; `None` from the start.
        resumed_at: Option<usize>,
    },
    /// A migration committed.
    Finished {
        /// Version.
        version: &'a str,
        /// Milliseconds.
        duration_ms: u64,
    },
    /// A batch of a batched statement committed.
    Batch {
        /// Version.
        version: &'a str,
        /// Name.
        name: &'a str,
        /// 1-based statement of the script.
        statement: usize,
        /// Batches committed so far (including earlier runs of a resumed statement).
        batch: u64,
        /// Batches expected in all.
        batches: u64,
        /// Rows changed so far.
        rows_done: u64,
        /// Rows the key range holds.
        rows_total: u64,
        /// Milliseconds since this run of the statement started.
        elapsed_ms: u64,
        /// Milliseconds the batch took, its commit included.
        batch_ms: u64,
        /// Times it was retried after a transient error (lock timeout, deadlock).
        retries: u32,
    },
    /// A migration failed (its error follows in the result).
    Failed {
        /// Version.
        version: &'a str,
    },
}
