//! `migra repair`: record by hand what a person made true, for a migration that stopped
//! part-way outside a transaction.

use crate::error::ExecError;
use crate::executor::Executor;
use crate::runner::now_rfc3339;
use migra_core::{AnnotationKind, LogAction, LogEntry, Revision, RevisionStatus};
use std::time::Duration;

/// What `repair` records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepairMark {
    /// Every statement of the up part is in effect.
    Applied,
    /// None of it is (the version is pending again).
    RolledBack,
    /// Exactly the first `n` statements of the up part are in effect (a run stopped after a
    /// statement took effect and before its progress was written): `migra apply` resumes at
    /// statement `n + 1`, checking that those `n` are unchanged in the file.
    Progress(u32),
}

impl RepairMark {
    /// How the audit log and the CLI word the mark (`applied`, `rolled back`, `2 of 5
    /// statements in effect`), for a migration of `total` statements.
    pub fn describe(self, total: u32) -> String {
        match self {
            RepairMark::Applied => "applied".into(),
            RepairMark::RolledBack => "rolled back".into(),
            RepairMark::Progress(n) => format!("{n} of {total} statements in effect"),
        }
    }
}

impl Executor<'_> {
    /// Records `version` as applied or rolled back, under the lock, with a `repair` log row
    /// carrying `reason`. Use it after making the database match by hand.
    ///
    /// Errors: [`ExecError::UnknownVersion`] when the version is in neither the directory nor
    /// history (marking applied or progress needs its file, whose checksums are recorded);
    /// [`ExecError::RepairRefused`] when progress is marked on a version recorded as applied, on
    /// a `no-split` script, or past its last statement; lock and database errors.
    pub async fn repair(
        &mut self,
        version: &str,
        mark: RepairMark,
        reason: Option<&str>,
        lock_wait: Duration,
    ) -> Result<Revision, ExecError> {
        self.locked(lock_wait, async |e: &mut Self| {
            e.repair_locked(version, mark, reason).await
        })
        .await
    }

    async fn repair_locked(
        &mut self,
        version: &str,
        mark: RepairMark,
        reason: Option<&str>,
    ) -> Result<Revision, ExecError> {
        let history = self.backend.read_history().await?;
        let file = self.migrations.iter().find(|m| m.version.matches(version));
        let row = history
            .iter()
            .find(|r| migra_core::Version::from_parts(r.version.clone(), "").matches(version));
        let unknown = |reason: &str| ExecError::UnknownVersion {
            version: version.to_string(),
            reason: reason.to_string(),
        };
        let now = now_rfc3339();
        let rev = match (mark, file, row) {
            (RepairMark::Applied, None, _) => {
                return Err(unknown(
                    "marking it applied needs its file in the directory",
                ));
            }
            (RepairMark::Applied, Some(m), _) => Revision::applied(m, &now, &self.runner.display),
            (RepairMark::RolledBack, _, Some(r)) => Revision {
                status: RevisionStatus::RolledBack,
                applied_statements: 0,
                finished_at: Some(now.clone()),
                error: None,
                failing_statement: None,
                progress_checksum: None,
                applied_by: self.runner.display.clone(),
                ..r.clone()
            },
            (RepairMark::RolledBack, _, None) => {
                return Err(unknown("it has no history to roll back"));
            }
            (RepairMark::Progress(_), None, _) => {
                return Err(unknown("marking progress needs its file in the directory"));
            }
            (RepairMark::Progress(n), Some(m), row) => {
                progress_fits(version, m, row, n)?;
                Revision {
                    started_at: row.map_or_else(|| now.clone(), |r| r.started_at.clone()),
                    applied_by: self.runner.display.clone(),
                    ..Revision::of(m, RevisionStatus::Partial, n)
                }
            }
        };
        let log = LogEntry {
            version: rev.version.clone(),
            name: rev.name.clone(),
            action: LogAction::Repair,
            checksum: rev.checksum.clone(),
            at: now,
            duration_ms: 0,
            by: self.runner.display.clone(),
            error: Some(format!(
                "marked {} by hand{}",
                mark.describe(rev.total_statements),
                reason.map(|r| format!(": {r}")).unwrap_or_default()
            )),
            failing_statement: None,
        };
        let tx = self.backend.capabilities().transactional_ddl;
        if tx {
            self.backend.begin().await?;
        }
        let written = match self.backend.write_revision(&rev, false).await {
            Ok(()) => self.backend.append_log(&log).await,
            Err(e) => Err(e),
        };
        // A batched statement's checkpoint describes the state just resolved by hand: a later
        // run must start its batches afresh, not continue them.
        let written = match written {
            Ok(()) => self
                .backend
                .delete_annotations(AnnotationKind::Checkpoint, &rev.sort_key, None)
                .await
                .map(drop),
            Err(e) => Err(e),
        };
        match (tx, written) {
            (true, Ok(())) => self.backend.commit().await?,
            (true, Err(e)) => {
                let _ = self.backend.rollback().await;
                return Err(e.into());
            }
            (false, r) => r?,
        }
        Ok(rev)
    }
}

/// Whether `n` statements of `m` (history row `row`) can be marked in effect.
///
/// Errors: [`ExecError::RepairRefused`] saying why not.
fn progress_fits(
    version: &str,
    m: &migra_core::Migration,
    row: Option<&Revision>,
    n: u32,
) -> Result<(), ExecError> {
    let total = m.up.statements.len() as u32;
    let refuse = |reason: String| {
        Err(ExecError::RepairRefused {
            version: version.to_string(),
            reason,
        })
    };
    if row.is_some_and(|r| r.status == RevisionStatus::Applied) {
        return refuse(
            "it is recorded as applied; to run part of it again, mark it rolled back first".into(),
        );
    }
    if m.up.mode == migra_core::ScriptMode::Whole {
        return refuse(
            "it runs as one script (`no-split`), so it cannot resume part-way; use --mark-applied or --mark-rolled-back".into(),
        );
    }
    if n > total {
        return refuse(format!(
            "it has {total} statement(s), so at most {total} can be in effect"
        ));
    }
    Ok(())
}
