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
}

impl Executor<'_> {
    /// Records `version` as applied or rolled back, under the lock, with a `repair` log row
    /// carrying `reason`. Use it after making the database match by hand.
    ///
    /// Errors: [`ExecError::UnknownVersion`] when the version is in neither the directory nor
    /// history (marking applied needs its file, whose checksum is recorded); lock and database
    /// errors.
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
                if mark == RepairMark::Applied {
                    "applied"
                } else {
                    "rolled back"
                },
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
