//! The path without a transaction: progress after every statement, so a stop is visible and
//! precise; batched statements and backups run here too.

use super::{Ctx, Failure};
use crate::batch::{BatchFailure, BatchRun, Finish, Work};
use crate::guards;
use crate::result::{Direction, Event};
use crate::units::{UnitKind, made, restored};
use migra_core::{Backend, BackendError, ProgressFailure, RevisionStatus};

impl Ctx<'_> {
    /// Runs the batched statement `index`, continuing its checkpoint when this run resumes there.
    async fn run_batches(
        &mut self,
        backend: &mut dyn Backend,
        spec: &migra_core::BatchSpec,
        sql: &str,
        index: usize,
        on_event: Option<&mut (dyn FnMut(&Event<'_>) + Send + '_)>,
    ) -> Result<u64, BatchFailure> {
        let version = self.m.version.to_string();
        // History moves past the statement in the commit that finishes its checkpoint.
        let past = self.revision(self.in_progress(), index as u32 + 1, None);
        let run = BatchRun {
            runner: self.runner,
            version: &version,
            name: &self.m.name,
            sort_key: self.m.version.sort_key(),
            direction: self.direction,
            spec,
            work: Work::Sql(sql),
            // A down part has no resume point of its own: an unfinished checkpoint of its
            // batched statement is the one a failed rollback left.
            resume: index == self.start_at || self.direction == Direction::Down,
            opts: self.batch,
            finish: Finish::With(&past),
        };
        run.run(backend, on_event).await.map(|done| done.rows)
    }

    /// The status of a part under way: `partial` going up, `rollback_partial` going down.
    fn in_progress(&self) -> RevisionStatus {
        match self.direction {
            Direction::Up => RevisionStatus::Partial,
            Direction::Down => RevisionStatus::RollbackPartial,
        }
    }

    /// Without a transaction: progress after every statement, so a stop is visible and precise.
    pub(super) async fn statement_by_statement(
        &mut self,
        backend: &mut dyn Backend,
        mut on_event: Option<&mut (dyn FnMut(&Event<'_>) + Send + '_)>,
    ) -> Result<(), Failure> {
        let units = std::mem::take(&mut self.units);
        let own = self.script.units().len();
        let whole = self.script.mode == migra_core::ScriptMode::Whole;
        let checked = self.direction == Direction::Up && !self.m.checks.is_empty();
        // A resumed run has no baseline: the rows before the first run are not known any more.
        let mut base = None;
        if checked && self.start_at == 0 {
            match guards::before(backend, &self.m.checks, false, &mut self.checks).await {
                Ok(b) => base = Some(b),
                Err(x) => return Err(self.broken(backend, 0, x, 0).await),
            }
        }
        // Marked as under way before its first statement, so a killed run is seen and resumed
        // where it stopped; going up, only if the version is not applied meanwhile.
        if !self.started {
            let (resumed, up) = (self.start_at as u32, self.direction == Direction::Up);
            let row = self.revision(self.in_progress(), resumed, None);
            backend.write_revision(&row, up).await?;
        }
        for (k, u) in units.iter().enumerate() {
            let (index, unit) = (u.origin, &u.sql);
            if index < self.start_at {
                continue;
            }
            backend.refresh_lock(self.runner).await?;
            let batch = (u.kind == UnitKind::Statement)
                .then(|| self.script.batch_of(index))
                .flatten();
            let done_with_statement = units.get(k + 1).is_none_or(|n| n.origin != index);
            // DML commits with its progress row: a stop between the two cannot leave it in
            // effect but unrecorded, to run a second time on resume.
            let atomic = !whole
                && done_with_statement
                && u.kind == UnitKind::Statement
                && batch.is_none()
                && backend.joins_transaction(&unit.sql);
            // After the last statement the final state row replaces progress at once; a batched
            // statement moves it with its last checkpoint, DML with its own commit.
            let progress_after = !whole
                && !atomic
                && done_with_statement
                && u.kind == UnitKind::Statement
                && batch.is_none()
                && index + 1 < own;
            let run = if atomic {
                self.with_progress(backend, &unit.sql, index).await?
            } else if let Some(spec) = batch {
                let events = on_event.as_deref_mut();
                match self
                    .run_batches(backend, spec, &unit.sql, index, events)
                    .await
                {
                    Err(BatchFailure::Backend(e)) => return Err(Failure::Backend(e)),
                    Err(BatchFailure::Refused(e)) => return Err(Failure::Refused(e)),
                    Err(BatchFailure::Statement(e)) => Err(e),
                    Ok(n) => Ok(n),
                }
            } else if whole && u.kind == UnitKind::Statement {
                backend.execute_script(&unit.sql).await
            } else if progress_after {
                // Stamped as the statement starts: sent with it, in one round trip on MySQL.
                let row = self.revision(self.in_progress(), index as u32 + 1, None);
                match backend.execute_then_progress(&unit.sql, &row).await {
                    Ok(n) => Ok(n),
                    Err(ProgressFailure::Statement(e)) => Err(e),
                    Err(ProgressFailure::Progress(e)) if e.is_connection_lost() => {
                        return Err(self.lost_after(backend, e, &unit.sql, index).await);
                    }
                    Err(ProgressFailure::Progress(e)) => {
                        return Err(Failure::Backend(self.unrecorded(e, index)));
                    }
                }
            } else {
                backend.execute(&unit.sql).await
            };
            let run = match (run, u.kind) {
                (Ok(n), UnitKind::CopyEnd(n_b)) => {
                    let a = made(self.backups[n_b]);
                    backend.put_annotation(&a).await.map(|()| n)
                }
                (Ok(n), UnitKind::RestoreEnd(n_r)) => {
                    let a = restored(self.m.version.sort_key(), &self.restores[n_r]);
                    backend.put_annotation(&a).await.map(|()| n)
                }
                (r, _) => r,
            };
            match run {
                // Copies and restores change no row of the migration's own.
                Ok(n) if u.kind == UnitKind::Statement => self.rows += n,
                Ok(_) => {}
                Err(error) if backend.take_incomplete_rollback() => {
                    let sql = unit.sql.clone();
                    let f = Failure::Statement { index, sql, error };
                    return Err(self.kept_failure(backend, f).await);
                }
                Err(error) => {
                    let error = self.in_doubt(error, index, whole || atomic || batch.is_some());
                    let total = self.m.up.statements.len() as u32;
                    let state = match self.direction {
                        // How much of a whole script ran is unknown: "partial", never "failed".
                        Direction::Up if whole => (RevisionStatus::Partial, 0),
                        Direction::Up => (RevisionStatus::Failed, index as u32),
                        // Part of the down ran: neither applied nor rolled back, and `migra
                        // rollback` resumes after its statements that ran.
                        Direction::Down if k == 0 && !whole => (RevisionStatus::Applied, total),
                        Direction::Down if whole => (RevisionStatus::RollbackPartial, 0),
                        Direction::Down => (RevisionStatus::RollbackPartial, index as u32),
                    };
                    self.record_failure(backend, &error, &unit.sql, Some(state))
                        .await;
                    let sql = unit.sql.clone();
                    return Err(Failure::Statement { index, sql, error });
                }
            }
        }
        if checked {
            let base = base.unwrap_or_default();
            if let Err(x) =
                guards::after(backend, &self.m.checks, &base, false, &mut self.checks).await
            {
                // Every statement ran: a fixed check (or data) lets `migra apply` finish it.
                let last = own.saturating_sub(1);
                return Err(self.broken(backend, last, x, own as u32).await);
            }
        }
        // The state row and the log row are plain DML: one commit for both, on every database.
        let (status, applied, action) = self.done_state();
        let (rev, log) = (self.revision(status, applied, None), self.log(action, None));
        match self.next_running() {
            Some(next) => self.next_started = backend.record_and_start(&rev, &log, &next).await?,
            None => backend.record(&rev, &log).await?,
        }
        Ok(())
    }

    /// Runs DML statement `index` and moves progress past it in one transaction. The inner
    /// error is the statement's own (rolled back, for the caller to record as the failure); the
    /// outer one is transaction control or the progress write failing (rolled back too).
    async fn with_progress(
        &self,
        backend: &mut dyn Backend,
        sql: &str,
        index: usize,
    ) -> Result<Result<u64, BackendError>, Failure> {
        backend.begin().await?;
        let rows = match backend.execute(sql).await {
            Ok(rows) => rows,
            Err(e) => {
                let _ = backend.rollback().await;
                return Ok(Err(e));
            }
        };
        let row = self.revision(self.in_progress(), index as u32 + 1, None);
        let kept = match backend.write_revision(&row, false).await {
            Ok(()) => backend.commit().await,
            Err(e) => Err(e),
        };
        if let Err(e) = kept {
            // Its own error would hide the cause; nothing of the statement may stay.
            let _ = backend.rollback().await;
            if backend.take_incomplete_rollback() {
                return Err(self.kept_failure(backend, Failure::Backend(e)).await);
            }
            return Err(Failure::Backend(e));
        }
        Ok(Ok(rows))
    }

    /// `e`, the failed progress write after statement `index`, which ran: going up, a database
    /// error or a lost connection says so and how to record it (history still says it did not
    /// run).
    fn unrecorded(&self, e: BackendError, index: usize) -> BackendError {
        let (n, v) = (index + 1, &self.m.version);
        let hint = format!(
            "writing the progress after statement {n}, which ran and is in effect: `migra repair \
             {v} --mark-progress {n}` records that, and `migra apply` resumes after it"
        );
        match e {
            BackendError::Statement { code, message } if self.direction == Direction::Up => {
                BackendError::Statement {
                    code,
                    message: format!("{message} ({hint})"),
                }
            }
            BackendError::ConnectionLost { message } if self.direction == Direction::Up => {
                BackendError::ConnectionLost {
                    message: format!("{message} ({hint})"),
                }
            }
            e => e,
        }
    }

    /// The connection broke on the progress write after statement `index`, which ran: whether
    /// the write committed is unknown, so it is made again over a new connection, as a failure
    /// after that statement (`migra apply` resumes after it). Going down, or when that cannot
    /// be written, the error says how to record it by hand.
    async fn lost_after(
        &self,
        backend: &mut dyn Backend,
        e: BackendError,
        sql: &str,
        index: usize,
    ) -> Failure {
        let BackendError::ConnectionLost { message } = &e else {
            return Failure::Backend(e);
        };
        if self.direction != Direction::Up {
            return Failure::Backend(e);
        }
        let n = index + 1;
        // The message alone: the error's own text already says the connection was lost.
        let message = format!(
            "{message} after statement {n} ran; history records that, and `migra apply` resumes \
             after it"
        );
        let error = BackendError::ConnectionLost { message };
        let state = Some((RevisionStatus::Failed, n as u32));
        if self.record_failure(backend, &error, sql, state).await {
            Failure::Backend(error)
        } else {
            Failure::Backend(self.unrecorded(e, index))
        }
    }

    /// `e`, statement `index` failing. When the connection broke while it ran on its own, going
    /// up, it may have taken effect: the error says what to do either way. `covered`: the break
    /// leaves nothing in doubt that history does not already say (a transaction it rolled
    /// back, a batch resumed from its checkpoint, a whole script whose progress is unknown).
    fn in_doubt(&self, e: BackendError, index: usize, covered: bool) -> BackendError {
        match e {
            BackendError::ConnectionLost { message }
                if !covered && self.direction == Direction::Up =>
            {
                let (n, v) = (index + 1, &self.m.version);
                BackendError::ConnectionLost {
                    message: format!(
                        "{message} (statement {n} may have taken effect before the connection \
                         broke: `migra apply` runs it again; if it did take effect, `migra repair \
                         {v} --mark-progress {n}` records that first)"
                    ),
                }
            }
            e => e,
        }
    }

    /// Records a check that failed outside a transaction (`applied` statements in effect).
    async fn broken(
        &self,
        backend: &mut dyn Backend,
        index: usize,
        x: guards::Broken,
        applied: u32,
    ) -> Failure {
        let state = Some((RevisionStatus::Failed, applied));
        self.record_failure(backend, &x.error, &x.sql, state).await;
        Failure::Statement {
            index,
            sql: x.sql,
            error: x.error,
        }
    }
}
