//! Compares the directory with history: applied, pending, and drift.

pub use migra_core::drift::Drift;
use migra_core::{HistoryDigest, Migration, Revision, RevisionStatus};
use serde::Serialize;
use std::collections::BTreeMap;

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
    /// The file asks for one transaction (no `-- migra:no-transaction`). Where DDL commits
    /// implicitly (MySQL/MariaDB) it runs statement by statement all the same, with progress
    /// recorded after each, unless all its statements are DML.
    pub transaction: bool,
    /// Has a down part.
    pub reversible: bool,
    /// History says: `new`, `failed`, `rolled_back`, `partial` or `rollback_partial`.
    pub state: String,
    /// The last recorded error, if it failed before.
    pub last_error: Option<String>,
    /// For a migration stopped part-way (`partial`, `rollback_partial`, or `failed` outside a
    /// transaction after some statements took effect): how far it got.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<Progress>,
}

/// How far a migration stopped part-way got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Statements that ran: of the up part for `partial`, of the down part for `rollback_partial`.
    pub ran: u32,
    /// Statements in that part.
    pub of: u32,
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
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// Migrations running now (or stopped part-way), with batch progress (filled by callers
    /// that read the checkpoints: see [`crate::running`]).
    pub running: Vec<crate::running::RunningMigration>,
}

impl StatusReport {
    /// The status when `digest` says history holds exactly `migrations`, every one applied with
    /// its current checksum and version spelling: the same report [`compare`] gives then, without
    /// reading a revision. `None` otherwise (the full comparison is needed).
    pub fn from_digest(migrations: &[Migration], digest: &HistoryDigest) -> Option<Self> {
        (*digest == HistoryDigest::all_applied(migrations)).then(|| {
            Self::up_to_date(
                migrations.len(),
                migrations.last().map(|m| m.version.to_string()),
            )
        })
    }

    /// The status when all `applied` migrations of the directory are applied and unchanged,
    /// `current_version` the newest.
    pub fn up_to_date(applied: usize, current_version: Option<String>) -> Self {
        Self {
            current_version,
            applied,
            pending: 0,
            drift: Vec::new(),
            failed: Vec::new(),
            running: Vec::new(),
        }
    }
}

impl From<PlanReport> for StatusReport {
    fn from(p: PlanReport) -> Self {
        let failed = p
            .pending
            .iter()
            .filter(|i| matches!(i.state.as_str(), "failed" | "partial" | "rollback_partial"))
            .cloned()
            .collect();
        Self {
            current_version: p.applied.last().map(|a| a.version.clone()),
            applied: p.applied.len(),
            pending: p.pending.len(),
            drift: p.drift,
            failed,
            running: Vec::new(),
        }
    }
}

/// Compares `migrations` (sorted by version) with `history`.
pub fn compare(migrations: &[Migration], history: &[Revision]) -> PlanReport {
    let by_key: BTreeMap<&str, &Revision> =
        history.iter().map(|r| (r.sort_key.as_str(), r)).collect();
    let applied = by_key
        .values()
        .filter(|r| r.status == RevisionStatus::Applied)
        .map(|rev| AppliedItem {
            version: rev.version.clone(),
            name: rev.name.clone(),
            applied_at: rev
                .finished_at
                .clone()
                .unwrap_or_else(|| rev.started_at.clone()),
            duration_ms: rev.duration_ms,
        })
        .collect();
    let pending = migrations
        .iter()
        .filter_map(|m| {
            let rev = by_key.get(m.version.sort_key());
            if rev.is_some_and(|r| r.status == RevisionStatus::Applied) {
                return None;
            }
            Some(PendingItem {
                version: m.version.to_string(),
                name: m.name.clone(),
                file: m.up.path.clone(),
                statements: m.up.statements.len(),
                transaction: m.transaction,
                reversible: m.is_reversible(),
                state: rev.map_or("new", |r| r.status.as_str()).to_string(),
                last_error: rev.and_then(|r| r.error.clone()),
                progress: rev
                    .and_then(|r| crate::resume::known_progress(r, m))
                    .map(|(ran, of)| Progress { ran, of }),
            })
        })
        .collect();
    PlanReport {
        applied,
        pending,
        drift: migra_core::drift::drift(migrations, history),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use migra_core::{LoadOptions, SourceFile, SplitOptions, load};

    fn dir(n: usize) -> Vec<Migration> {
        let files: Vec<SourceFile> = (1..=n)
            .map(|i| SourceFile {
                path: format!("20260101_00000{i}_m{i}.sql"),
                contents: format!(
                    "-- MIGRATION: m{i}\n-- DIRECTION: up\nCREATE TABLE t{i} (x INT);\n"
                )
                .into_bytes(),
            })
            .collect();
        load(&files, &LoadOptions::new(SplitOptions::POSTGRES)).unwrap()
    }

    fn applied(m: &Migration) -> Revision {
        Revision::applied(m, "2026-01-01T00:00:00.000Z", "me")
    }

    #[test]
    fn digest_status_is_the_full_status_when_everything_is_applied() {
        for n in [0, 1, 3] {
            let ms = dir(n);
            let history: Vec<Revision> = ms.iter().map(applied).collect();
            let quick = StatusReport::from_digest(&ms, &HistoryDigest::of_history(&history));
            assert_eq!(quick, Some(StatusReport::from(compare(&ms, &history))));
        }
    }

    #[test]
    fn anything_else_needs_the_full_comparison() {
        let ms = dir(3);
        let all: Vec<Revision> = ms.iter().map(applied).collect();
        let pending = all[..2].to_vec();
        let mut edited = all.clone();
        edited[1].checksum = "0".repeat(64);
        let mut failed = all.clone();
        failed[2].status = RevisionStatus::Failed;
        let mut file_gone = all.clone();
        file_gone.push(Revision {
            version: "20260102_000000".into(),
            sort_key: "99999999".into(),
            ..all[0].clone()
        });
        let mut respelled = all.clone();
        respelled[0].version = "1".into();
        for history in [pending, edited, failed, file_gone, respelled] {
            let digest = HistoryDigest::of_history(&history);
            assert_eq!(StatusReport::from_digest(&ms, &digest), None, "{history:?}");
        }
    }
}
