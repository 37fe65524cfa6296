//! `rollback`: down parts, newest first, refusing what cannot be undone before running anything.

use crate::error::ExecError;
use crate::executor::{Executor, RollbackTarget, RunOptions};
use crate::result::{Direction, ExecutionResult};
use crate::status::compare;
use migra_core::{Revision, RevisionStatus};
use std::time::Instant;

impl Executor<'_> {
    /// Rolls back applied migrations, newest first, with their down parts.
    ///
    /// Refuses, running nothing, when any selected migration is not reversible, has no file,
    /// or (unless allowed) has drifted.
    pub async fn rollback(
        &mut self,
        target: &RollbackTarget,
        opts: &mut RunOptions<'_>,
    ) -> Result<ExecutionResult, ExecError> {
        let t0 = Instant::now();
        let r = if opts.dry_run {
            self.rollback_locked(target, opts).await
        } else {
            let wait = opts.lock_wait;
            self.locked(wait, async |e: &mut Self| {
                e.rollback_locked(target, opts).await
            })
            .await
        };
        r.map(|mut res| {
            res.duration_seconds = t0.elapsed().as_secs_f64();
            res
        })
    }

    async fn rollback_locked(
        &mut self,
        target: &RollbackTarget,
        opts: &mut RunOptions<'_>,
    ) -> Result<ExecutionResult, ExecError> {
        let history = self.backend.read_history().await?;
        let resume = crate::resume::rollback_points(self.migrations, &history)?;
        // A stopped rollback is still applied in part: it is rolled back (resumed) in its turn.
        let mut applied: Vec<&Revision> = history
            .iter()
            .filter(|r| {
                matches!(
                    r.status,
                    RevisionStatus::Applied | RevisionStatus::RollbackPartial
                )
            })
            .collect();
        applied.sort_by(|a, b| b.sort_key.cmp(&a.sort_key));
        let selected: Vec<&Revision> = match target {
            RollbackTarget::Steps(n) => applied.iter().take(*n).copied().collect(),
            RollbackTarget::To(v) if v.chars().all(|c| c == '0') => applied.clone(),
            RollbackTarget::To(v) => {
                let keep = applied
                    .iter()
                    .find(|r| migra_core::Version::from_parts(r.version.clone(), "").matches(v))
                    .ok_or_else(|| ExecError::UnknownVersion {
                        version: v.clone(),
                        reason: "it is not an applied version (use 0 to roll back everything)"
                            .into(),
                    })?;
                applied
                    .iter()
                    .take_while(|r| r.sort_key > keep.sort_key)
                    .copied()
                    .collect()
            }
        };
        let plan = compare(self.migrations, &history);
        let mut todo = Vec::new();
        for rev in selected {
            let m = self
                .migrations
                .iter()
                .find(|m| m.version.sort_key() == rev.sort_key)
                .ok_or_else(|| ExecError::Drift {
                    drift: vec![crate::status::Drift::MissingFile {
                        version: rev.version.clone(),
                        name: rev.name.clone(),
                    }],
                })?;
            if !opts.allow_drift {
                let drifted: Vec<_> = plan.drift.iter().filter(|d| matches!(d, crate::status::Drift::ChecksumMismatch { version, .. } if *version == rev.version)).cloned().collect();
                if !drifted.is_empty() {
                    return Err(ExecError::Drift { drift: drifted });
                }
            }
            if let Some(reason) = &m.irreversible_reason {
                return Err(ExecError::Irreversible {
                    version: m.version.to_string(),
                    name: m.name.clone(),
                    reason: reason.clone(),
                });
            }
            todo.push(m);
        }
        self.run_all(&todo, Direction::Down, (&resume, &history), opts)
            .await
    }
}
