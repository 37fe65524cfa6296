//! A transactional up part with checks (assertions, row-count baseline): the checks run inside
//! the migration's transaction, so a failed post-check rolls the whole migration back.

use super::{Ctx, Failure};
use crate::guards;
use crate::units::{UnitKind, made};
use migra_core::{Backend, RevisionStatus};

impl Ctx<'_> {
    pub(super) async fn checked_transaction(&mut self, b: &mut dyn Backend) -> Result<(), Failure> {
        b.begin().await?;
        let r = self.checked_body(b).await;
        let Err(f) = r else { return r };
        // Nothing of the migration may stay; then say why in history.
        let _ = b.rollback().await;
        if b.take_incomplete_rollback() {
            return Err(self.kept_failure(b, f).await);
        }
        if let Failure::Statement { sql, error, .. } = &f {
            self.record_failure(b, error, sql, Some((RevisionStatus::Failed, 0)))
                .await;
        }
        Err(f)
    }

    async fn checked_body(&mut self, b: &mut dyn Backend) -> Result<(), Failure> {
        b.refresh_lock(self.runner).await?;
        let broken = |index: usize| {
            move |x: guards::Broken| Failure::Statement {
                index,
                sql: x.sql,
                error: x.error,
            }
        };
        let base = guards::before(b, &self.m.checks, true, &mut self.checks)
            .await
            .map_err(broken(0))?;
        let whole = self.script.mode == migra_core::ScriptMode::Whole;
        let units = std::mem::take(&mut self.units);
        for u in &units {
            let run = if whole && u.kind == UnitKind::Statement {
                b.execute_script(&u.sql.sql).await
            } else {
                b.execute(&u.sql.sql).await
            };
            let n = run.map_err(|error| Failure::Statement {
                index: u.origin,
                sql: u.sql.sql.clone(),
                error,
            })?;
            match u.kind {
                UnitKind::Statement => self.rows += n,
                UnitKind::CopyEnd(k) => b.put_annotation(&made(self.backups[k])).await?,
                _ => {}
            }
        }
        let last = units.last().map_or(0, |u| u.origin);
        guards::after(b, &self.m.checks, &base, true, &mut self.checks)
            .await
            .map_err(broken(last))?;
        let (status, applied, action) = self.done_state();
        b.write_revision(&self.revision(status, applied, None), true)
            .await?;
        b.append_log(&self.log(action, None)).await?;
        b.commit().await?;
        Ok(())
    }
}
