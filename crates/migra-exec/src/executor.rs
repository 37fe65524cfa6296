//! plan / apply / rollback / status over any [`Backend`].

use crate::error::ExecError;
use crate::result::{Direction, Event, ExecutionResult, StepRecord};
use crate::runner::current_runner;
use crate::status::{PlanReport, StatusReport, compare};
use crate::step;
use futures_util::FutureExt;
use migra_core::{Backend, BackendError, Migration, RevisionStatus, RunnerId};
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

/// Options for `apply` and `rollback`.
pub struct RunOptions<'a> {
    /// Print what would run; change nothing (no lock, no history table, no statement).
    pub dry_run: bool,
    /// Run even when history and directory disagree.
    pub allow_drift: bool,
    /// How long to wait for another runner's lock.
    pub lock_wait: Duration,
    /// Called as migrations start and finish.
    pub on_event: Option<&'a mut (dyn FnMut(&Event<'_>) + Send)>,
    /// Written to the audit log with every migration this run applies or rolls back (e.g. why the
    /// validator's blocking findings were overridden).
    pub audit_note: Option<String>,
    /// Checked under the lock before `apply` runs anything (the safety validator); a refusal
    /// stops the run with [`ExecError::Refused`], a note becomes the audit note.
    pub gate: Option<&'a mut dyn migra_core::ApplyGate>,
    /// Pacing of batched statements.
    pub batch: crate::batch::BatchOptions,
    /// When a migration that ran outside a transaction fails, run its down part
    /// (`--rollback-on-failure`); the result says so in `rollback_triggered`.
    pub rollback_on_failure: bool,
    /// Backups to make before statements that destroy data (`--backup`; see
    /// [`migra_core::BackupAction`]); rollbacks restore what history records anyway.
    pub backups: Vec<migra_core::BackupAction>,
}

impl Default for RunOptions<'_> {
    fn default() -> Self {
        Self {
            dry_run: false,
            allow_drift: false,
            lock_wait: Duration::from_secs(60),
            on_event: None,
            audit_note: None,
            gate: None,
            batch: crate::batch::BatchOptions::default(),
            backups: Vec::new(),
            rollback_on_failure: false,
        }
    }
}

/// Which migrations `rollback` undoes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RollbackTarget {
    /// The newest N applied migrations.
    Steps(usize),
    /// Every applied migration newer than this version (which stays applied); `0` undoes all.
    To(String),
}

/// Drives migrations in one directory against one database.
pub struct Executor<'a> {
    pub(crate) backend: &'a mut dyn Backend,
    pub(crate) migrations: &'a [Migration],
    pub(crate) runner: RunnerId,
}

impl<'a> Executor<'a> {
    /// An executor for `migrations` (sorted by version, as [`migra_core::load`] returns them).
    pub fn new(backend: &'a mut dyn Backend, migrations: &'a [Migration]) -> Self {
        Self {
            backend,
            migrations,
            runner: current_runner(),
        }
    }

    /// This runner's identity (as recorded in the lock and history).
    pub fn runner(&self) -> &RunnerId {
        &self.runner
    }

    /// Applied, pending and drift. Reads only: no lock, and no history table is created.
    pub async fn plan(&mut self) -> Result<PlanReport, ExecError> {
        let history = self.backend.read_history().await?;
        Ok(compare(self.migrations, &history))
    }

    /// The `migra status` summary. Reads only.
    pub async fn status(&mut self) -> Result<StatusReport, ExecError> {
        Ok(self.plan().await?.into())
    }

    /// Applies pending migrations in order, all or up to and including `to`.
    ///
    /// Takes the lock before reading history and releases it on every path. Stops at the first
    /// failure ([`ExecError::MigrationFailed`] carries what ran). Refuses, running nothing, on
    /// drift (unless allowed) and on a half-applied migration.
    pub async fn apply(
        &mut self,
        to: Option<&str>,
        opts: &mut RunOptions<'_>,
    ) -> Result<ExecutionResult, ExecError> {
        let t0 = Instant::now();
        let target_key = match to {
            Some(v) => Some(self.find(v)?.version.sort_key().to_string()),
            None => None,
        };
        let r = if opts.dry_run {
            self.apply_locked(target_key.as_deref(), opts).await
        } else if let Some(done) = self.nothing_pending(target_key.as_deref()).await? {
            Ok(done)
        } else {
            let wait = opts.lock_wait;
            let target = target_key.as_deref();
            self.locked(wait, async |e: &mut Self| {
                e.apply_locked(target, opts).await
            })
            .await
        };
        r.map(|mut res| {
            res.duration_seconds = t0.elapsed().as_secs_f64();
            res
        })
    }

    /// Runs `body` under the lock, with the history tables in place; the lock is released on
    /// every path (see [`Executor::release`]). The lock comes first: concurrent
    /// `CREATE TABLE IF NOT EXISTS` races on some databases.
    ///
    /// Errors: the lock cannot be taken (held, timeout), the history tables cannot be made, or
    /// `body` fails; a failed release is reported when `body` succeeded.
    pub(crate) async fn locked<T>(
        &mut self,
        wait: std::time::Duration,
        body: impl AsyncFnOnce(&mut Self) -> Result<T, ExecError>,
    ) -> Result<T, ExecError> {
        self.backend.lock(&self.runner, wait).await?;
        let r = AssertUnwindSafe(async {
            // The connection may have been ended while it sat idle during the wait (a server's
            // idle_session_timeout, a proxy): nothing was under way on it, so a new one goes on.
            again_if_lost(&mut *self.backend, async |b| b.ensure_history().await).await?;
            body(&mut *self).await
        })
        .catch_unwind()
        .await;
        self.release(r).await
    }

    /// Releases the lock after a locked run, on every path; over a new connection when the run
    /// broke the old one, so the next runner need not wait for the lease to expire. The run's
    /// own error wins over a failed release. After a panic, any transaction the panic left open
    /// is rolled back first (its statements must not stay, and the unlock must not sit inside
    /// it), then the panic goes on.
    pub(crate) async fn release<T>(
        &mut self,
        r: std::thread::Result<Result<T, ExecError>>,
    ) -> Result<T, ExecError> {
        match r {
            Ok(r) => {
                let runner = &self.runner;
                let released = again_if_lost(&mut *self.backend, async |b| b.unlock(runner).await);
                match (r, released.await) {
                    (Ok(v), Ok(())) => Ok(v),
                    (Ok(_), Err(e)) => Err(ExecError::from(e)),
                    (Err(e), _) => Err(e),
                }
            }
            Err(panic) => {
                let _ = self.backend.rollback().await;
                let _ = self.backend.unlock(&self.runner).await;
                std::panic::resume_unwind(panic)
            }
        }
    }

    /// True when an unlocked, read-only look at history shows nothing to apply (up to `to`) and
    /// no drift: `apply` would do nothing. Writes nothing and takes no lock.
    ///
    /// Errors: `to` names no migration in the directory; the history cannot be read.
    pub async fn up_to_date(&mut self, to: Option<&str>) -> Result<bool, ExecError> {
        let target_key = match to {
            Some(v) => Some(self.find(v)?.version.sort_key().to_string()),
            None => None,
        };
        Ok(self.nothing_pending(target_key.as_deref()).await?.is_some())
    }

    /// The startup fast path: when an unlocked read of history shows nothing to apply, answer
    /// without taking the lock or writing anything. (Applied rows only appear, never vanish, under
    /// concurrent `apply`, so "nothing pending" read without the lock stays true.)
    async fn nothing_pending(
        &mut self,
        target_key: Option<&str>,
    ) -> Result<Option<ExecutionResult>, ExecError> {
        // One short row when everything is applied and unchanged: the usual startup.
        let digest = self.backend.read_digest().await?;
        if digest.is_some_and(|d| d == migra_core::HistoryDigest::all_applied(self.migrations)) {
            return Ok(Some(ExecutionResult::new(Direction::Up, false)));
        }
        let prints = self.backend.read_fingerprints().await?;
        if prints.iter().any(|f| f.status != RevisionStatus::Applied) {
            return Ok(None);
        }
        let by_key: std::collections::BTreeMap<&str, &migra_core::Fingerprint> =
            prints.iter().map(|f| (f.sort_key.as_str(), f)).collect();
        let mut matched = 0;
        for m in self.migrations {
            match by_key.get(m.version.sort_key()) {
                Some(f)
                    if f.checksum == m.checksum.hex
                        && f.checksum_algorithm == m.checksum.algorithm =>
                {
                    matched += 1
                }
                // Drift: the full path reports it (or runs, when drift is allowed).
                Some(_) => return Ok(None),
                None if target_key.is_some_and(|k| m.version.sort_key() > k) => {}
                None => return Ok(None),
            }
        }
        // A history row without its file is drift too.
        Ok((matched == prints.len()).then(|| ExecutionResult::new(Direction::Up, false)))
    }

    async fn apply_locked(
        &mut self,
        target_key: Option<&str>,
        opts: &mut RunOptions<'_>,
    ) -> Result<ExecutionResult, ExecError> {
        let history = self.backend.read_history().await?;
        let plan = compare(self.migrations, &history);
        if !plan.drift.is_empty() && !opts.allow_drift {
            return Err(ExecError::Drift { drift: plan.drift });
        }
        let resume = crate::resume::resume_points(self.migrations, &history)?;
        let applied: std::collections::BTreeSet<&str> = history
            .iter()
            .filter(|r| r.status == RevisionStatus::Applied)
            .map(|r| r.sort_key.as_str())
            .collect();
        let todo: Vec<&Migration> = self
            .migrations
            .iter()
            .filter(|m| !applied.contains(m.version.sort_key()))
            .filter(|m| target_key.is_none_or(|k| m.version.sort_key() <= k))
            .collect();
        if let Some(gate) = opts.gate.as_deref_mut() {
            let interrupted = interrupted_keys(&history);
            let pending: Vec<migra_core::Pending<'_>> = todo
                .iter()
                .map(|m| migra_core::Pending {
                    migration: m,
                    done: resume.get(m.version.sort_key()).copied().unwrap_or(0),
                    interrupted: interrupted.contains(m.version.sort_key()),
                })
                .collect();
            match gate.check(&mut *self.backend, &pending).await? {
                migra_core::Verdict::Pass => {}
                migra_core::Verdict::PassWithNote(note) => opts.audit_note = Some(note),
                migra_core::Verdict::Refuse { blocking, summary } => {
                    return Err(ExecError::Refused { blocking, summary });
                }
            }
        }
        self.run_all(&todo, Direction::Up, (&resume, &history), opts)
            .await
    }

    pub(crate) async fn run_all(
        &mut self,
        todo: &[&Migration],
        direction: Direction,
        (resume, history): (
            &std::collections::BTreeMap<String, usize>,
            &[migra_core::Revision],
        ),
        opts: &mut RunOptions<'_>,
    ) -> Result<ExecutionResult, ExecError> {
        let mut result = ExecutionResult::new(direction, opts.dry_run);
        // Versions with a state row, as read under the lock.
        let recorded: std::collections::BTreeSet<&str> =
            history.iter().map(|r| r.sort_key.as_str()).collect();
        let interrupted = interrupted_keys(history);
        let start_of = |m: &Migration| resume.get(m.version.sort_key()).copied().unwrap_or(0);
        // The running row of this migration went with the previous one's final record.
        let mut started = false;
        for (i, m) in todo.iter().enumerate() {
            if opts.dry_run {
                let script = if direction == Direction::Up {
                    Some(&m.up)
                } else {
                    m.down.as_ref()
                };
                result.migrations.push(StepRecord {
                    version: m.version.to_string(),
                    name: m.name.clone(),
                    duration_ms: 0,
                    rows_affected: 0,
                    transaction: m.transaction,
                    resumed_at_statement: None,
                    checks: Vec::new(),
                    statements: script.map(dry_run_statements).unwrap_or_default(),
                });
                continue;
            }
            let version = m.version.to_string();
            let start_at = start_of(m);
            if let Some(cb) = opts.on_event.as_mut() {
                cb(&Event::Started {
                    version: &version,
                    name: &m.name,
                    direction,
                    resumed_at: (start_at > 0).then_some(start_at + 1),
                });
            }
            let next = todo.get(i + 1).map(|n| (*n, start_of(n)));
            let hooks = step::Hooks {
                note: opts.audit_note.as_deref(),
                batch: &opts.batch,
                on_event: opts.on_event.as_deref_mut(),
                backups: &opts.backups,
                next: next.filter(|&(n, at)| step::stepwise(n, &n.up, at, &*self.backend)),
                started: std::mem::take(&mut started),
                fresh: !recorded.contains(m.version.sort_key()),
                interrupted: interrupted.contains(m.version.sort_key()),
            };
            match step::run(
                self.backend,
                &self.runner,
                m,
                (direction, hooks),
                start_at,
                &mut result,
            )
            .await
            {
                Ok(next_started) => started = next_started,
                Err(e) => {
                    if let Some(cb) = opts.on_event.as_mut() {
                        cb(&Event::Failed { version: &version });
                    }
                    let outside =
                        crate::recover::ran_outside_transaction(&*self.backend, m, start_at);
                    if !(direction == Direction::Up && opts.rollback_on_failure && outside) {
                        return Err(e);
                    }
                    let hooks = step::Hooks {
                        note: Some("--rollback-on-failure"),
                        batch: &opts.batch,
                        on_event: opts.on_event.as_deref_mut(),
                        backups: &[],
                        next: None,
                        started: false,
                        fresh: false,
                        interrupted: false,
                    };
                    return Err(
                        crate::recover::roll_back(self.backend, &self.runner, m, hooks, e).await,
                    );
                }
            }
            if let Some(cb) = opts.on_event.as_mut() {
                let ms = result.migrations.last().map_or(0, |r| r.duration_ms);
                cb(&Event::Finished {
                    version: &version,
                    duration_ms: ms,
                });
            }
        }
        Ok(result)
    }

    fn find(&self, v: &str) -> Result<&'a Migration, ExecError> {
        self.migrations
            .iter()
            .find(|m| m.version.matches(v))
            .ok_or_else(|| ExecError::UnknownVersion {
                version: v.to_string(),
                reason: "no migration in the directory has this version".into(),
            })
    }
}

/// What a dry run shows of `script`: its units, a batched statement with the directive that makes
/// it run one key range at a time.
fn dry_run_statements(script: &migra_core::Script) -> Vec<String> {
    let units = script.units();
    units
        .into_iter()
        .enumerate()
        .map(|(i, u)| match script.batch_of(i) {
            Some(b) => format!(
                "-- migra:batch table={} key={} size={} (runs once per key range)\n{}",
                b.table.join("."),
                b.key,
                b.size,
                u.sql
            ),
            None => u.sql,
        })
        .collect()
}

/// Sort keys of the migrations whose last run was interrupted (killed, not failed: `partial`).
fn interrupted_keys(history: &[migra_core::Revision]) -> std::collections::BTreeSet<&str> {
    history
        .iter()
        .filter(|r| r.status == RevisionStatus::Partial)
        .map(|r| r.sort_key.as_str())
        .collect()
}

/// `op` on `b`, and once more over a new connection when it found the connection lost.
///
/// Errors: `op`'s, or opening the new connection failed.
async fn again_if_lost<T>(
    b: &mut dyn Backend,
    mut op: impl AsyncFnMut(&mut dyn Backend) -> Result<T, BackendError>,
) -> Result<T, BackendError> {
    match op(&mut *b).await {
        Err(e) if e.is_connection_lost() => {
            b.reconnect().await?;
            op(b).await
        }
        r => r,
    }
}
