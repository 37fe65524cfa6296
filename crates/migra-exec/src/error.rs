//! The executor's errors. Partial progress travels with a failed migration.

use crate::result::ExecutionResult;
use crate::status::Drift;
use migra_core::{BackendError, SourceErrors};

/// Why an executor call did not complete.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExecError {
    /// The migration directory could not be read.
    #[error("{0}")]
    Source(#[from] SourceErrors),
    /// The database failed outside any migration (connection, history, lock).
    #[error("{0}")]
    Backend(#[from] BackendError),
    /// History and directory disagree; nothing was run.
    #[error("refusing to run: {} drift problem(s) between history and the migration directory:\n{}", .drift.len(), Drift::describe_all(.drift))]
    Drift {
        /// What disagrees.
        drift: Vec<Drift>,
    },
    /// A migration cannot be rolled back; nothing was run.
    #[error("refusing to roll back {version} ({name}): it is not reversible because {reason}")]
    Irreversible {
        /// Version.
        version: String,
        /// Name.
        name: String,
        /// Why.
        reason: String,
    },
    /// A migration stopped part-way outside a transaction and cannot be continued automatically.
    #[error(
        "migration {version} ({name}) is half applied: {} before it {how}; {why}",
        ran(*applied, *total)
    )]
    HalfApplied {
        /// Version.
        version: String,
        /// Name.
        name: String,
        /// Statements in effect; `None` when that is unknown (a rollback kept some changes).
        applied: Option<u32>,
        /// Statements in its up part.
        total: u32,
        /// `failed` or `was interrupted`.
        how: String,
        /// Why it cannot go on by itself, and what to do.
        why: String,
    },
    /// The apply gate (the safety validator) refused the run; nothing was run.
    #[error("refusing to apply: {summary}")]
    Refused {
        /// Blocking problems found.
        blocking: usize,
        /// What they are, in one line.
        summary: String,
    },
    /// `--to` names a version that is not in the directory (or not applied, for rollback).
    #[error("unknown version {version}: {reason}")]
    UnknownVersion {
        /// What was asked for.
        version: String,
        /// Why it does not fit.
        reason: String,
    },
    /// `repair` was asked for a state that does not fit the migration; nothing was written.
    #[error("cannot repair {version}: {reason}")]
    RepairRefused {
        /// The version named.
        version: String,
        /// Why the mark does not fit, and what would.
        reason: String,
    },
    /// A migration failed; earlier ones stay applied and `report` says what ran.
    #[error("migration {version} ({name}) failed{}: {message}", .line.as_ref().map(|l| format!(" at {l}")).unwrap_or_default())]
    MigrationFailed {
        /// Version.
        version: String,
        /// Name.
        name: String,
        /// The database's message.
        message: String,
        /// `file:line` of the failing statement.
        line: Option<String>,
        /// What ran before the failure.
        report: Box<ExecutionResult>,
    },
}

impl ExecError {
    /// The partial report carried by a failed migration, if any.
    pub fn report(&self) -> Option<&ExecutionResult> {
        match self {
            ExecError::MigrationFailed { report, .. } => Some(report),
            _ => None,
        }
    }
}

/// How much of a half-applied migration ran, for [`ExecError::HalfApplied`].
fn ran(applied: Option<u32>, total: u32) -> String {
    match applied {
        Some(n) => format!("{n} of {total} statements ran"),
        None => format!("an unknown part of its {total} statements took effect"),
    }
}
