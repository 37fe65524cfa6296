//! Runs a batched statement (`-- migra:batch`): one key range per transaction, each committed with
//! its checkpoint, so a killed run resumes at the next batch and every row is done exactly once.

use crate::error::ExecError;
use crate::result::{Direction, Event};
use crate::runner::now_rfc3339;
use migra_core::{
    Annotation, AnnotationKind, Backend, BackendError, BatchSpec, Checkpoint, Checksum,
    DataMigration, KeyRange, Revision, RunnerId,
};
use std::time::{Duration, Instant};

/// How batched statements are paced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchOptions {
    /// Pause after each batch (`--batch-sleep`), leaving room for other writers and replicas.
    pub sleep: Duration,
    /// Keep each batch under this duration (`--max-batch-ms`) by resizing batches: the directive's
    /// size is the starting size; it shrinks when a batch takes over half of it and grows (up to 16
    /// times) while batches take less than a quarter.
    pub max_batch: Option<Duration>,
    /// Retries of a batch that failed with a transient error (lock timeout, deadlock), with
    /// doubling pauses from 100 ms.
    pub retries: u32,
}

impl Default for BatchOptions {
    fn default() -> Self {
        Self {
            sleep: Duration::ZERO,
            max_batch: None,
            retries: 5,
        }
    }
}

/// Why a batched statement stopped.
pub(crate) enum BatchFailure {
    /// A batch failed (its transaction was rolled back; earlier batches stay committed).
    Statement(BackendError),
    /// Reading, the lock or bookkeeping failed.
    Backend(BackendError),
    /// The run must not go on (a checkpoint of a different statement).
    Refused(ExecError),
}

/// What each batch does.
#[derive(Clone, Copy)]
pub(crate) enum Work<'a> {
    /// A statement with `{batch}`.
    Sql(&'a str),
    /// A Rust data migration, up or down.
    Rust(&'a dyn DataMigration, Direction),
}

/// One batched statement to run.
pub(crate) struct BatchRun<'a> {
    pub runner: &'a RunnerId,
    pub version: &'a str,
    pub name: &'a str,
    pub sort_key: &'a str,
    pub direction: Direction,
    pub spec: &'a BatchSpec,
    pub work: Work<'a>,
    /// Continue from an unfinished checkpoint of this statement (a resumed run).
    pub resume: bool,
    pub opts: &'a BatchOptions,
    /// Where the finished checkpoint goes (see [`Finish`]).
    pub finish: Finish<'a>,
}

/// How a batched run writes its finished checkpoint. A finished checkpoint is what tells an
/// earlier run's leftovers from the current one's; written apart from the history that moves
/// past the statement, a run killed between the two would leave one that the resumed run takes
/// for an earlier run's, and it would do every batch again.
#[derive(Clone, Copy)]
pub(crate) enum Finish<'a> {
    /// In one transaction with this state row.
    With(&'a Revision),
    /// Not at all: [`Done::checkpoint`] hands it to the caller, to commit with its own state.
    Caller,
}

/// What a batched run did.
pub(crate) struct Done {
    /// Rows changed by this run.
    pub rows: u64,
    /// The finished checkpoint under [`Finish::Caller`].
    pub checkpoint: Option<Annotation>,
}

/// The annotation key of statement `index` in `direction`.
pub(crate) fn checkpoint_key(direction: Direction, index: usize) -> String {
    let d = if direction == Direction::Up {
        "up"
    } else {
        "down"
    };
    format!("{d}:{index}")
}

impl BatchRun<'_> {
    /// Runs every remaining batch, then finishes the checkpoint as [`BatchRun::finish`] says.
    pub async fn run(
        &self,
        b: &mut dyn Backend,
        mut on_event: Option<&mut (dyn FnMut(&Event<'_>) + Send + '_)>,
    ) -> Result<Done, BatchFailure> {
        let key = checkpoint_key(self.direction, self.spec.statement);
        let mut cp = self.start(b, &key).await?;
        let q = |s: &str| b.dialect().quote_ident(s);
        let table: Vec<String> = self.spec.table.iter().map(|t| q(t)).collect();
        let (table, col) = (table.join("."), q(&self.spec.key));
        let after =
            |last: Option<i64>| last.map_or(String::new(), |k| format!(" WHERE {col} > {k}"));
        let remaining = self
            .int(
                b,
                &format!("SELECT count(*) FROM {table}{}", after(cp.last_key)),
            )
            .await?
            .unwrap_or(0) as u64;
        cp.rows_total = cp.rows_done + remaining;
        cp.batches_total = cp.batches_done + remaining.div_ceil(self.spec.size);
        let (mut size, t0, mut rows) = (self.spec.size, Instant::now(), 0u64);
        loop {
            b.refresh_lock(self.runner)
                .await
                .map_err(BatchFailure::Backend)?;
            let bound = format!(
                "SELECT max({col}) FROM (SELECT {col} FROM {table}{} ORDER BY {col} LIMIT {size}) migra_batch",
                after(cp.last_key)
            );
            let Some(hi) = self.int(b, &bound).await? else {
                break;
            };
            let cond = match cp.last_key {
                Some(lo) => format!("{col} > {lo} AND {col} <= {hi}"),
                None => format!("{col} <= {hi}"),
            };
            let range = KeyRange {
                after: cp.last_key,
                upto: hi,
                condition: cond,
            };
            let started = Instant::now();
            let mut next = cp.clone();
            next.last_key = Some(hi);
            next.batches_done += 1;
            next.updated_at = now_rfc3339();
            let (n, retries) = self.commit_batch(b, &range, &mut next, &key).await?;
            cp = next;
            rows += n;
            let took = started.elapsed();
            // Rows the count missed (inserted since) would push done past total.
            cp.batches_total = cp.batches_total.max(cp.batches_done);
            if let Some(cb) = on_event.as_deref_mut() {
                cb(&Event::Batch {
                    version: self.version,
                    name: self.name,
                    statement: self.spec.statement + 1,
                    batch: cp.batches_done,
                    batches: cp.batches_total,
                    rows_done: cp.rows_done,
                    rows_total: cp.rows_total,
                    elapsed_ms: t0.elapsed().as_millis() as u64,
                    batch_ms: took.as_millis() as u64,
                    retries,
                });
            }
            size = self.resize(size, took);
            if !self.opts.sleep.is_zero() {
                tokio::time::sleep(self.opts.sleep).await;
            }
        }
        cp.finished = true;
        cp.updated_at = now_rfc3339();
        let done = self.annotation(&key, &cp);
        let checkpoint = match self.finish {
            Finish::With(rev) => {
                migra_core::write_together(b, &[&done], Some(rev), None)
                    .await
                    .map_err(BatchFailure::Backend)?;
                None
            }
            Finish::Caller => Some(done),
        };
        Ok(Done { rows, checkpoint })
    }

    /// The checkpoint to continue from: an unfinished one of this statement when resuming, else
    /// a fresh one.
    async fn start(&self, b: &mut dyn Backend, key: &str) -> Result<Checkpoint, BatchFailure> {
        let checksum = match self.work {
            Work::Sql(sql) => Checksum::of_parts(&[sql]).hex,
            Work::Rust(dm, _) => Checksum::of_parts(&["rust data migration", dm.name()]).hex,
        };
        if self.resume {
            let saved = b
                .read_annotations(AnnotationKind::Checkpoint)
                .await
                .map_err(BatchFailure::Backend)?
                .into_iter()
                .find(|a| a.sort_key == self.sort_key && a.key == key);
            if let Some(a) = saved {
                let cp: Checkpoint = serde_json::from_str(&a.value).map_err(|e| {
                    BatchFailure::Backend(BackendError::History {
                        table: "annotations".into(),
                        message: format!("checkpoint {key} of {} is unreadable: {e}", self.version),
                    })
                })?;
                // A statement changed before any batch committed changed no row yet.
                if !cp.finished && cp.batches_done > 0 {
                    if cp.statement_checksum != checksum {
                        return Err(BatchFailure::Refused(self.changed(&cp)));
                    }
                    return Ok(cp);
                }
            }
        }
        Ok(Checkpoint {
            statement: self.spec.statement,
            direction: key.split(':').next().unwrap_or("up").to_string(),
            statement_checksum: checksum,
            last_key: None,
            batches_done: 0,
            batches_total: 0,
            rows_done: 0,
            rows_total: 0,
            started_at: now_rfc3339(),
            updated_at: now_rfc3339(),
            runner: self.runner.display.clone(),
            finished: false,
        })
    }

    fn changed(&self, cp: &Checkpoint) -> ExecError {
        ExecError::HalfApplied {
            version: self.version.to_string(),
            name: self.name.to_string(),
            applied: Some(self.spec.statement as u32),
            total: 0,
            how: format!(
                "stopped inside its batched statement {} after {} batch(es)",
                self.spec.statement + 1,
                cp.batches_done
            ),
            why: format!(
                "the batched statement was edited since, so the rows done so far got the old version; \
                 restore it to finish, or fix the data by hand and record it with `migra repair {} \
                 --mark-applied` or `--mark-rolled-back`",
                self.version
            ),
        }
    }

    /// Runs one batch and its checkpoint in one transaction, retrying transient failures; returns
    /// the rows changed and the retries it took.
    async fn commit_batch(
        &self,
        b: &mut dyn Backend,
        range: &KeyRange,
        next: &mut Checkpoint,
        key: &str,
    ) -> Result<(u64, u32), BatchFailure> {
        let mut attempt = 0;
        loop {
            let r = self.try_batch(b, range, next, key).await;
            match r {
                Ok(n) => return Ok((n, attempt)),
                Err(e) if attempt < self.opts.retries && b.is_transient(&e) => {
                    let pause = Duration::from_millis(100 << attempt.min(6));
                    tokio::time::sleep(pause).await;
                    attempt += 1;
                }
                Err(e) => return Err(BatchFailure::Statement(e)),
            }
        }
    }

    async fn try_batch(
        &self,
        b: &mut dyn Backend,
        range: &KeyRange,
        next: &mut Checkpoint,
        key: &str,
    ) -> Result<u64, BackendError> {
        b.begin_batch().await?;
        let r = async {
            let n = match self.work {
                Work::Sql(sql) => {
                    b.execute(&migra_core::batch::fill(sql, &range.condition))
                        .await?
                }
                Work::Rust(dm, Direction::Up) => dm.up(b, range).await?,
                Work::Rust(dm, Direction::Down) => dm.down(b, range).await?,
            };
            let mut cp = next.clone();
            cp.rows_done += n;
            b.put_annotation(&self.annotation(key, &cp)).await?;
            b.commit().await?;
            Ok::<_, BackendError>((n, cp))
        }
        .await;
        match r {
            Ok((n, cp)) => {
                *next = cp;
                Ok(n)
            }
            Err(e) => {
                let _ = b.rollback().await;
                Err(e)
            }
        }
    }

    fn annotation(&self, key: &str, cp: &Checkpoint) -> Annotation {
        Annotation {
            kind: AnnotationKind::Checkpoint,
            sort_key: self.sort_key.to_string(),
            key: key.to_string(),
            // A Checkpoint is plain data: serializing it cannot fail.
            value: serde_json::to_string(cp).unwrap_or_default(),
            updated_at: cp.updated_at.clone(),
        }
    }

    /// Runs a query returning one integer (or NULL / no row: `None`).
    async fn int(&self, b: &mut dyn Backend, sql: &str) -> Result<Option<i64>, BatchFailure> {
        match b.query_value(sql).await {
            Ok(None) => Ok(None),
            Ok(Some(migra_core::SqlValue::Null)) => Ok(None),
            Ok(Some(v)) => v.as_i64().map(Some).ok_or_else(|| {
                BatchFailure::Statement(BackendError::Unsupported {
                    dialect: b.dialect().name().to_string(),
                    what: format!(
                        "batch key `{}` of `{}` holds {v}: batches walk an integer key column",
                        self.spec.key,
                        self.spec.table.join(".")
                    ),
                })
            }),
            Err(e) => Err(BatchFailure::Statement(e)),
        }
    }

    /// The next batch size under `--max-batch-ms`.
    fn resize(&self, size: u64, took: Duration) -> u64 {
        let Some(budget) = self.opts.max_batch else {
            return size;
        };
        // Aim at 40% of the budget: room for a batch that meets a checkpoint or a vacuum.
        let cap = self.spec.size.saturating_mul(16);
        if took * 2 > budget {
            let scaled = size as f64 * 0.4 * budget.as_secs_f64() / took.as_secs_f64().max(1e-6);
            (scaled as u64).max(1)
        } else if took * 4 < budget {
            (size + size / 4).clamp(1, cap)
        } else {
            size
        }
    }
}
