//! Compares the directory with history: applied, pending, and drift.

use migra_core::{Migration, Revision, RevisionStatus};
use serde::Serialize;
use std::collections::BTreeMap;

/// A disagreement between history and the migration directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Drift {
    /// An applied migration's file changed since it was applied.
    ChecksumMismatch {
        /// Version.
        version: String,
        /// Name.
        name: String,
        /// File.
        file: String,
        /// Checksum recorded when applied.
        recorded: String,
        /// Checksum of the file now.
        current: String,
    },
    /// An applied version has no file in the directory.
    MissingFile {
        /// Version.
        version: String,
        /// Name recorded in history.
        name: String,
    },
    /// A pending migration is older than the newest applied one.
    OutOfOrder {
        /// Version.
        version: String,
        /// Name.
        name: String,
        /// File.
        file: String,
        /// Newest applied version.
        newest_applied: String,
    },
}

impl Drift {
    /// One line for people.
    pub fn describe(&self) -> String {
        match self {
            Drift::ChecksumMismatch {
                version,
                file,
                recorded,
                current,
                ..
            } => format!(
                "{version}: {file} changed after it was applied (checksum {} recorded, {} now)",
                short(recorded),
                short(current)
            ),
            Drift::MissingFile { version, name } => {
                format!("{version} ({name}) is applied but its file is not in the directory")
            }
            Drift::OutOfOrder {
                version,
                file,
                newest_applied,
                ..
            } => {
                format!(
                    "{version}: {file} is pending but older than the newest applied version {newest_applied}"
                )
            }
        }
    }

    /// Every drift, one per line, indented.
    pub fn describe_all(drift: &[Drift]) -> String {
        drift
            .iter()
            .map(|d| format!("  - {}", d.describe()))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn short(hex: &str) -> &str {
    hex.get(..12).unwrap_or(hex)
}

/// An applied migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppliedItem {
    /// Version.
    pub version: String,
    /// Name.
    pub name: String,
    /// When it was applied.
    pub applied_at: String,
    /// How long it took, in milliseconds.
    pub duration_ms: u64,
}

/// A pending migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingItem {
    /// Version.
    pub version: String,
    /// Name.
    pub name: String,
    /// File of the up part.
    pub file: String,
    /// Statements in the up part.
    pub statements: usize,
    /// Runs in one transaction.
    pub transaction: bool,
    /// Has a down part.
    pub reversible: bool,
    /// History says: `new`, `failed`, `rolled_back` or `partial`.
    pub state: String,
    /// The last recorded error, if it failed before.
    pub last_error: Option<String>,
}

/// The state of a directory against a database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanReport {
    /// Applied migrations, oldest first.
    pub applied: Vec<AppliedItem>,
    /// Pending migrations in the order `apply` runs them.
    pub pending: Vec<PendingItem>,
    /// Disagreements; `apply` refuses while there are any (unless allowed).
    pub drift: Vec<Drift>,
}

/// The `migra status` summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusReport {
    /// Newest applied version, if any.
    pub current_version: Option<String>,
    /// Number of applied migrations.
    pub applied: usize,
    /// Number of pending migrations.
    pub pending: usize,
    /// Disagreements.
    pub drift: Vec<Drift>,
    /// Migrations whose last run failed or stopped part-way.
    pub failed: Vec<PendingItem>,
}

impl From<PlanReport> for StatusReport {
    fn from(p: PlanReport) -> Self {
        let failed = p
            .pending
            .iter()
            .filter(|i| i.state == "failed" || i.state == "partial")
            .cloned()
            .collect();
        Self {
            current_version: p.applied.last().map(|a| a.version.clone()),
            applied: p.applied.len(),
            pending: p.pending.len(),
            drift: p.drift,
            failed,
        }
    }
}

/// Compares `migrations` (sorted by version) with `history`.
pub fn compare(migrations: &[Migration], history: &[Revision]) -> PlanReport {
    let by_key: BTreeMap<&str, &Revision> =
        history.iter().map(|r| (r.sort_key.as_str(), r)).collect();
    let files: BTreeMap<&str, &Migration> = migrations
        .iter()
        .map(|m| (m.version.sort_key(), m))
        .collect();
    let mut applied = Vec::new();
    let mut drift = Vec::new();
    let mut newest_applied: Option<&Revision> = None;
    for rev in by_key
        .values()
        .filter(|r| r.status == RevisionStatus::Applied)
    {
        newest_applied = Some(rev);
        applied.push(AppliedItem {
            version: rev.version.clone(),
            name: rev.name.clone(),
            applied_at: rev
                .finished_at
                .clone()
                .unwrap_or_else(|| rev.started_at.clone()),
            duration_ms: rev.duration_ms,
        });
        match files.get(rev.sort_key.as_str()) {
            None => drift.push(Drift::MissingFile {
                version: rev.version.clone(),
                name: rev.name.clone(),
            }),
            Some(m)
                if m.checksum.hex != rev.checksum
                    || m.checksum.algorithm != rev.checksum_algorithm =>
            {
                drift.push(Drift::ChecksumMismatch {
                    version: rev.version.clone(),
                    name: m.name.clone(),
                    file: m.up.path.clone(),
                    recorded: rev.checksum.clone(),
                    current: m.checksum.hex.clone(),
                });
            }
            Some(_) => {}
        }
    }
    let mut pending = Vec::new();
    for m in migrations {
        let rev = by_key.get(m.version.sort_key());
        if rev.is_some_and(|r| r.status == RevisionStatus::Applied) {
            continue;
        }
        if let Some(newest) = newest_applied.filter(|n| n.sort_key.as_str() > m.version.sort_key())
        {
            drift.push(Drift::OutOfOrder {
                version: m.version.to_string(),
                name: m.name.clone(),
                file: m.up.path.clone(),
                newest_applied: newest.version.clone(),
            });
        }
        pending.push(PendingItem {
            version: m.version.to_string(),
            name: m.name.clone(),
            file: m.up.path.clone(),
            statements: m.up.statements.len(),
            transaction: m.transaction,
            reversible: m.is_reversible(),
            state: rev.map_or("new", |r| r.status.as_str()).to_string(),
            last_error: rev.and_then(|r| r.error.clone()),
        });
    }
    PlanReport {
        applied,
        pending,
        drift,
    }
}
