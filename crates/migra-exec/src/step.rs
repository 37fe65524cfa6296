//! Runs one migration part with its bookkeeping: in one transaction where the database allows it,
//! otherwise statement by statement with progress written after each one.

use crate::batch::BatchOptions;
use crate::error::ExecError;
use crate::result::{Direction, Event, ExecutionResult, StepError, StepRecord};
use crate::runner::now_rfc3339;
use crate::units::{Unit, UnitKind, made, restored};
use migra_core::{
    Annotation, AnnotationKind, Backend, BackendError, BackupAction, BackupRecord, LogAction,
    LogEntry, Migration, Revision, RevisionStatus, RunnerId, Script, ScriptMode, Statement,
    TxFailure, TxStep,
};
use std::time::Instant;

/// What a run hands each migration besides the migration itself.
pub(crate) struct Hooks<'a, 'e> {
    /// Audit note for the log entry of a success.
    pub note: Option<&'a str>,
    /// Pacing of batched statements.
    pub batch: &'a BatchOptions,
    /// Progress of batched statements.
    pub on_event: Option<&'a mut (dyn FnMut(&Event<'_>) + Send + 'e)>,
    /// Backups to make before statements that destroy data (`--backup`), of any migration.
    pub backups: &'a [BackupAction],
    /// The migration applied after this one and the statement it starts at, when it runs
    /// statement by statement: its running row then goes with this one's final record.
    pub next: Option<(&'a Migration, usize)>,
    /// This migration's running row went with the previous one's final record.
    pub started: bool,
    /// History held no state row for this migration when it was read under the lock.
    pub fresh: bool,
    /// Its last run was interrupted (killed, not failed): the statement it resumes at may have
    /// taken effect before the stop without its progress being written.
    pub interrupted: bool,
}

/// True when `script` of `m`, starting at statement `start_at`, runs statement by statement
/// rather than in one transaction on `b`. Where DDL commits implicitly (MySQL), a script of
/// DML statements alone still runs in one transaction: all of it takes effect or none.
pub(crate) fn stepwise(m: &Migration, script: &Script, start_at: usize, b: &dyn Backend) -> bool {
    let all_dml = || {
        script.mode == ScriptMode::Statements
            && !script.statements.is_empty()
            && script
                .statements
                .iter()
                .all(|s| b.joins_transaction(&s.sql))
    };
    let tx = b.capabilities().transactional_ddl || all_dml();
    !(start_at == 0 && m.transaction && script.batches.is_empty() && tx)
}

/// Runs `m` in `direction`, recording it in history (with the hooks' note in its log entry) and in
/// `result`. Returns whether the running row of `hooks.next` was written too.
pub(crate) async fn run(
    backend: &mut dyn Backend,
    runner: &RunnerId,
    m: &Migration,
    (direction, hooks): (Direction, Hooks<'_, '_>),
    start_at: usize,
    result: &mut ExecutionResult,
) -> Result<bool, ExecError> {
    let script = match direction {
        Direction::Up => &m.up,
        Direction::Down => m.down.as_ref().ok_or_else(|| ExecError::Irreversible {
            version: m.version.to_string(),
            name: m.name.clone(),
            reason: m.irreversible_reason.clone().unwrap_or_default(),
        })?,
    };
    let key = m.version.sort_key();
    let (backups, restores): (Vec<&BackupAction>, Vec<BackupRecord>) = match direction {
        Direction::Up => (
            hooks.backups.iter().filter(|b| b.sort_key == key).collect(),
            Vec::new(),
        ),
        Direction::Down => (Vec::new(), restores_of(backend, key).await?),
    };
    let interrupted = hooks.interrupted && direction == Direction::Up;
    let units = crate::units::expand(script, &backups, &restores);
    let mut ctx = Ctx {
        runner,
        m,
        direction,
        script,
        started_at: now_rfc3339(),
        t0: Instant::now(),
        rows: 0,
        start_at,
        note: hooks.note,
        batch: hooks.batch,
        units,
        backups,
        restores,
        checks: Vec::new(),
        next: hooks.next.filter(|_| direction == Direction::Up),
        started: hooks.started,
        fresh: hooks.fresh && !hooks.started && direction == Direction::Up,
        next_started: false,
    };
    // A backup table must not outlive a failed transactional migration, and vice versa.
    let checked = direction == Direction::Up && !m.checks.is_empty();
    // Copies and restores hold DDL: without transactional DDL they run statement by statement.
    let plain = backend.capabilities().transactional_ddl
        || ctx.units.iter().all(|u| u.kind == UnitKind::Statement);
    let outcome = if plain && !stepwise(m, script, start_at, &*backend) {
        if checked {
            ctx.checked_transaction(backend).await
        } else {
            ctx.in_transaction(backend).await
        }
    } else {
        ctx.statement_by_statement(backend, hooks.on_event).await
    };
    // What comes next (the next migration, or this one's down after a failure) starts where
    // names pointed before this one ran.
    let moved = script
        .statements
        .iter()
        .any(|s| migra_core::words::may_move_names(&s.sql));
    if moved {
        let restored = backend.restore_session().await;
        if outcome.is_ok() {
            restored?;
        }
    }
    match outcome {
        Ok(()) => {
            result.rows_affected += ctx.rows;
            result.steps_completed += 1;
            result.migrations.push(StepRecord {
                version: m.version.to_string(),
                name: m.name.clone(),
                duration_ms: ctx.elapsed_ms(),
                rows_affected: ctx.rows,
                transaction: m.transaction,
                resumed_at_statement: (start_at > 0).then_some(start_at + 1),
                statements: Vec::new(),
                checks: std::mem::take(&mut ctx.checks),
            });
            Ok(ctx.next_started)
        }
        Err(Failure::Backend(e)) => Err(ExecError::Backend(e)),
        Err(Failure::Refused(e)) => Err(e),
        Err(Failure::Statement { index, sql, error }) => {
            let units = script.units();
            let unit = &units[index.min(units.len().saturating_sub(1))];
            let location = format!("{}:{}", script.path, unit.line);
            let mut message = error.to_string();
            if interrupted && index == start_at {
                message.push_str(&format!(
                    " (its last run was stopped after {start_at} statement(s) and may have run \
                     this one without recording it: if this statement is in effect, `migra repair \
                     {} --mark-progress {}` records that and `migra apply` goes on after it)",
                    m.version,
                    start_at + 1
                ));
            }
            result.success = false;
            result.rows_affected += ctx.rows;
            result.errors.push(StepError {
                version: m.version.to_string(),
                name: m.name.clone(),
                message: message.clone(),
                statement: Some(sql),
                location: Some(location.clone()),
            });
            Err(ExecError::MigrationFailed {
                version: m.version.to_string(),
                name: m.name.clone(),
                message,
                line: Some(location),
                report: Box::new(result.clone()),
            })
        }
    }
}

enum Failure {
    /// A statement of the migration failed (recorded in history).
    Statement {
        /// Index of the script statement (`script.units()`) it belongs to.
        index: usize,
        /// The SQL that failed (a backup copy or restore, or the statement itself).
        sql: String,
        error: BackendError,
    },
    /// Bookkeeping, transaction control or the lock failed.
    Backend(BackendError),
    /// The run must not go on (see [`BatchFailure::Refused`]).
    Refused(ExecError),
}

impl From<BackendError> for Failure {
    fn from(e: BackendError) -> Self {
        Failure::Backend(e)
    }
}

struct Ctx<'a> {
    runner: &'a RunnerId,
    m: &'a Migration,
    direction: Direction,
    script: &'a Script,
    started_at: String,
    t0: Instant,
    rows: u64,
    /// First unit to run: statements before it are already in effect (a resumed run).
    start_at: usize,
    /// Audit note for the log entry of a success.
    note: Option<&'a str>,
    batch: &'a BatchOptions,
    /// What is sent, in order (the script's statements with backup copies and restores).
    units: Vec<Unit>,
    /// Backups made before statements of this up part.
    backups: Vec<&'a BackupAction>,
    /// Backups this down part restores.
    restores: Vec<BackupRecord>,
    /// Checks that ran (assertions, row counts).
    checks: Vec<crate::guards::CheckResult>,
    /// See [`Hooks::next`] (up only).
    next: Option<(&'a Migration, usize)>,
    /// See [`Hooks::started`].
    started: bool,
    /// See [`Hooks::fresh`] (false when the running row was written with the previous record,
    /// and for down steps).
    fresh: bool,
    /// The running row of `next` was written.
    next_started: bool,
}

impl Ctx<'_> {
    fn elapsed_ms(&self) -> u64 {
        self.t0.elapsed().as_millis() as u64
    }

    fn revision(
        &self,
        status: RevisionStatus,
        applied: u32,
        error: Option<(&BackendError, &str)>,
    ) -> Revision {
        Revision {
            started_at: self.started_at.clone(),
            finished_at: Some(now_rfc3339()),
            duration_ms: self.elapsed_ms(),
            error: error.map(|(e, _)| e.to_string()),
            failing_statement: error.map(|(_, s)| s.to_string()),
            applied_by: self.runner.display.clone(),
            ..Revision::of(self.m, status, applied)
        }
    }

    /// The running row of [`Ctx::next`], to write with this migration's final record.
    fn next_running(&self) -> Option<Revision> {
        let (m, start_at) = self.next?;
        let now = now_rfc3339();
        Some(Revision {
            started_at: now.clone(),
            finished_at: Some(now),
            applied_by: self.runner.display.clone(),
            ..Revision::of(m, RevisionStatus::Partial, start_at as u32)
        })
    }

    fn log(&self, action: LogAction, error: Option<(&BackendError, &str)>) -> LogEntry {
        LogEntry {
            version: self.m.version.to_string(),
            name: self.m.name.clone(),
            action,
            checksum: self.m.checksum.hex.clone(),
            at: now_rfc3339(),
            duration_ms: self.elapsed_ms(),
            by: self.runner.display.clone(),
            error: error
                .map(|(e, _)| e.to_string())
                .or_else(|| self.note.map(str::to_string)),
            failing_statement: error.map(|(_, s)| s.to_string()),
        }
    }

    fn done_state(&self) -> (RevisionStatus, u32, LogAction) {
        match self.direction {
            Direction::Up => (
                RevisionStatus::Applied,
                self.m.up.statements.len() as u32,
                LogAction::Apply,
            ),
            Direction::Down => (RevisionStatus::RolledBack, 0, LogAction::Rollback),
        }
    }

    /// Statements and bookkeeping commit together: either all of it is in effect or none.
    async fn in_transaction(&mut self, backend: &mut dyn Backend) -> Result<(), Failure> {
        // Moved out, not copied: this path runs for every migration of an apply.
        let (units, meta): (Vec<Statement>, Vec<(usize, UnitKind)>) =
            std::mem::take(&mut self.units)
                .into_iter()
                .map(|u| (u.sql, (u.origin, u.kind)))
                .unzip();
        let annotations: Vec<Annotation> = meta
            .iter()
            .filter_map(|&(_, kind)| match kind {
                UnitKind::CopyEnd(n) => Some(made(self.backups[n])),
                UnitKind::RestoreEnd(n) => {
                    Some(restored(self.m.version.sort_key(), &self.restores[n]))
                }
                _ => None,
            })
            .collect();
        let this = &*self;
        let bookkeeping = || {
            let (status, applied, action) = this.done_state();
            (this.revision(status, applied, None), this.log(action, None))
        };
        let step = TxStep {
            units: &units,
            whole: self.script.mode == migra_core::ScriptMode::Whole,
            runner: self.runner,
            expect_not_applied: self.direction == Direction::Up,
            fresh: self.fresh,
            bookkeeping: &bookkeeping,
            annotations: &annotations,
        };
        let failure = match backend.run_transaction(&step).await {
            Ok(rows) => {
                self.rows += rows;
                return Ok(());
            }
            Err(failure) => failure,
        };
        if backend.take_incomplete_rollback() {
            let f = match failure {
                TxFailure::Backend(e) => Failure::Backend(e),
                TxFailure::Statement { index, error } => Failure::Statement {
                    index: meta[index].0,
                    sql: units[index].sql.clone(),
                    error,
                },
            };
            return Err(self.kept_failure(backend, f).await);
        }
        match failure {
            TxFailure::Backend(e) => Err(Failure::Backend(e)),
            TxFailure::Statement { index, error } => {
                // A failed down leaves the migration applied: only the log changes.
                let state =
                    (self.direction == Direction::Up).then_some((RevisionStatus::Failed, 0));
                let sql = units[index].sql.clone();
                self.record_failure(backend, &error, &sql, state).await;
                let index = meta[index].0;
                Err(Failure::Statement { index, sql, error })
            }
        }
    }

    /// Records a failure in its own transaction (the migration's own was rolled back, if any).
    /// `state` is the revision to write; `None` leaves the state row as it is and only logs.
    /// Returns whether it was written.
    async fn record_failure(
        &self,
        backend: &mut dyn Backend,
        error: &BackendError,
        sql: &str,
        state: Option<(RevisionStatus, u32)>,
    ) -> bool {
        // A failure that broke the connection is still recorded, over a new one (if it fails
        // too, the writes below fail and history stays as the last write left it).
        if error.is_connection_lost() {
            let _ = backend.reconnect().await;
        }
        let log = self.log(LogAction::Failure, Some((error, sql)));
        let rev = state.map(|(status, applied)| self.revision(status, applied, Some((error, sql))));
        self.write_failure(backend, rev.as_ref(), &log).await
    }

    /// Writes a failure's state row `rev` (if any) and log row, in one transaction where DDL is
    /// transactional (the migration's own was rolled back, if any). Returns whether both were
    /// written (and committed).
    async fn write_failure(
        &self,
        backend: &mut dyn Backend,
        rev: Option<&Revision>,
        log: &LogEntry,
    ) -> bool {
        let tx = backend.capabilities().transactional_ddl;
        if tx && backend.begin().await.is_err() {
            return false;
        }
        let write = match rev {
            Some(rev) => backend.write_revision(rev, false).await,
            None => Ok(()),
        };
        let ok = write.is_ok() && backend.append_log(log).await.is_ok();
        if !tx {
            return ok;
        }
        if ok {
            backend.commit().await.is_ok()
        } else {
            let _ = backend.rollback().await;
            false
        }
    }
}

#[path = "checked.rs"]
mod checked;
#[path = "kept.rs"]
mod kept;
#[path = "stepwise.rs"]
mod stepwise;

/// The backups of version `sort_key` that a rollback restores (those with restore statements).
async fn restores_of(b: &mut dyn Backend, sort_key: &str) -> Result<Vec<BackupRecord>, ExecError> {
    Ok(b.read_annotations(AnnotationKind::Backup)
        .await?
        .into_iter()
        .filter(|a| a.sort_key == sort_key)
        .filter_map(|a| serde_json::from_str::<BackupRecord>(&a.value).ok())
        .filter(|r| !r.restore.is_empty())
        .collect())
}
