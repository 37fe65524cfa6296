//! What the history store records: one state row per version plus an append-only log.

use serde::{Deserialize, Serialize};

/// The state of one version in the history table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RevisionStatus {
    /// Every statement of the up part ran and committed.
    Applied,
    /// The up part failed; `applied_statements` of `total_statements` stayed applied
    /// (always 0 when the migration ran in a transaction).
    Failed,
    /// The down part ran; the version is pending again.
    RolledBack,
    /// A migration running outside a transaction has `applied_statements` of `total_statements`
    /// in effect: it is running now, or its runner was killed.
    Partial,
    /// Its down part stopped part-way, outside a transaction: the first `applied_statements` of
    /// the `total_statements` down statements ran (0 when it ran as one script and how far it got
    /// is unknown). Neither applied nor rolled back: `migra rollback` finishes it.
    RollbackPartial,
}

impl RevisionStatus {
    /// The text stored in the history table.
    pub fn as_str(self) -> &'static str {
        match self {
            RevisionStatus::Applied => "applied",
            RevisionStatus::Failed => "failed",
            RevisionStatus::RolledBack => "rolled_back",
            RevisionStatus::Partial => "partial",
            RevisionStatus::RollbackPartial => "rollback_partial",
        }
    }

    /// Parses the stored text; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "applied" => Some(Self::Applied),
            "failed" => Some(Self::Failed),
            "rolled_back" => Some(Self::RolledBack),
            "partial" => Some(Self::Partial),
            "rollback_partial" => Some(Self::RollbackPartial),
            _ => None,
        }
    }
}

/// One row of the history state table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    /// Version as written in the file name.
    pub version: String,
    /// Sort key of the version (see [`crate::Version::sort_key`]).
    pub sort_key: String,
    /// Migration name.
    pub name: String,
    /// Checksum of the file as applied.
    pub checksum: String,
    /// Algorithm of `checksum`.
    pub checksum_algorithm: String,
    /// Current state.
    pub status: RevisionStatus,
    /// Statements of the up part that are in effect.
    pub applied_statements: u32,
    /// Statements in the up part.
    pub total_statements: u32,
    /// When the last run started (RFC 3339, UTC).
    pub started_at: String,
    /// When the last run ended (RFC 3339, UTC).
    pub finished_at: Option<String>,
    /// Duration of the last run in milliseconds.
    pub duration_ms: u64,
    /// Error of the last failed run.
    pub error: Option<String>,
    /// Statement that failed, as written.
    pub failing_statement: Option<String>,
    /// Who ran it (`user@host pid N`).
    pub applied_by: String,
    /// Checksum of the statements in effect (the first `applied_statements`), so a resumed run
    /// can tell they did not change. `None` when nothing or everything ran.
    pub progress_checksum: Option<String>,
}

/// The [`Revision::progress_checksum`] of a migration of which an unknown part is in effect: a
/// rollback could not undo what it did to a table that keeps changes outside transactions
/// (MySQL's MyISAM, Aria, MEMORY). No run resumes it until `migra repair` records its state.
pub const PROGRESS_UNKNOWN: &str = "unknown";

/// What a log entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LogAction {
    /// An up part committed.
    Apply,
    /// A down part committed.
    Rollback,
    /// An up or down part failed.
    Failure,
    /// A person changed history by hand (`migra repair`).
    Repair,
}

impl LogAction {
    /// The text stored in the log table.
    pub fn as_str(self) -> &'static str {
        match self {
            LogAction::Apply => "apply",
            LogAction::Rollback => "rollback",
            LogAction::Failure => "failure",
            LogAction::Repair => "repair",
        }
    }
}

/// One row of the append-only history log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Version concerned.
    pub version: String,
    /// Migration name.
    pub name: String,
    /// What happened.
    pub action: LogAction,
    /// Checksum of the file at that moment.
    pub checksum: String,
    /// When it ended (RFC 3339, UTC).
    pub at: String,
    /// How long it took in milliseconds.
    pub duration_ms: u64,
    /// Who did it.
    pub by: String,
    /// Error, for failures; the reason given, for repairs and for applies that overrode the
    /// validator (`--allow-unsafe`).
    pub error: Option<String>,
    /// Statement that failed, for failures.
    pub failing_statement: Option<String>,
}

impl Revision {
    /// True when how much of it is in effect is unknown ([`PROGRESS_UNKNOWN`]).
    pub fn progress_unknown(&self) -> bool {
        self.progress_checksum.as_deref() == Some(PROGRESS_UNKNOWN)
    }

    /// The state row of `m` with `status` and `applied` statements in effect, its run's stamps
    /// left empty for the caller to fill. A stopped down part (`RollbackPartial`) counts its own
    /// statements; whenever some statements are in effect and the migration is not plainly
    /// applied, it carries their checksum, which a resumed run checks is unchanged.
    pub fn of(m: &crate::Migration, status: RevisionStatus, applied: u32) -> Self {
        let down = status == RevisionStatus::RollbackPartial;
        let total = match (&m.down, down) {
            (Some(d), true) => d.statements.len(),
            _ => m.up.statements.len(),
        };
        let progress_checksum = match (applied, status) {
            (0, _) | (_, RevisionStatus::Applied) => None,
            (n, _) if down => Some(m.down_progress_checksum(n as usize)),
            (n, _) => Some(m.progress_checksum(n as usize)),
        };
        Self {
            version: m.version.to_string(),
            sort_key: m.version.sort_key().to_string(),
            name: m.name.clone(),
            checksum: m.checksum.hex.clone(),
            checksum_algorithm: m.checksum.algorithm.clone(),
            status,
            applied_statements: applied,
            total_statements: total as u32,
            started_at: String::new(),
            finished_at: None,
            duration_ms: 0,
            error: None,
            failing_statement: None,
            applied_by: String::new(),
            progress_checksum,
        }
    }

    /// The state row saying `m` is applied in full as of `at` (RFC 3339), by `by`: every
    /// statement in effect, no error, no progress to check.
    pub fn applied(m: &crate::Migration, at: &str, by: &str) -> Self {
        Self {
            started_at: at.to_string(),
            finished_at: Some(at.to_string()),
            applied_by: by.to_string(),
            ..Self::of(m, RevisionStatus::Applied, m.up.statements.len() as u32)
        }
    }
}

/// What the startup check needs of a revision: identity, checksum and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// Sort key of the version.
    pub sort_key: String,
    /// Checksum recorded.
    pub checksum: String,
    /// Algorithm of the checksum.
    pub checksum_algorithm: String,
    /// Current state.
    pub status: RevisionStatus,
}

impl From<&Revision> for Fingerprint {
    fn from(r: &Revision) -> Self {
        Self {
            sort_key: r.sort_key.clone(),
            checksum: r.checksum.clone(),
            checksum_algorithm: r.checksum_algorithm.clone(),
            status: r.status,
        }
    }
}
