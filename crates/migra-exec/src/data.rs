//! Rust data migrations ([`DataMigration`]) run by the executor: under the lock, batch by batch
//! with checkpoints (a killed run resumes), `validate` after the last batch, each run logged.
//! Their state is an annotation (kind `data`) rather than a state row: the state table is compared
//! with the migration directory, where they have no file.

use crate::batch::{BatchFailure, BatchRun, Finish, Work};
use crate::error::ExecError;
use crate::executor::{Executor, RunOptions};
use crate::result::{Direction, Event, ExecutionResult, StepError, StepRecord};
use crate::runner::now_rfc3339;
use migra_core::{
    Annotation, AnnotationKind, BackendError, BatchSpec, DataMigration, LogAction, LogEntry,
};
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// What history keeps of a data migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataState {
    /// `applied`, `rolled_back` or `failed`.
    pub status: String,
    /// When it last ran (RFC 3339, UTC).
    pub at: String,
    /// Rows its last run changed.
    pub rows: u64,
    /// The last error, when it failed.
    pub error: Option<String>,
}

impl Executor<'_> {
    /// Applies `dm` unless history says it is applied: every remaining batch (continuing a
    /// checkpoint left by an interrupted run), then `validate`.
    ///
    /// Errors: the lock; a batch or `validate` failing ([`ExecError::MigrationFailed`]; batches
    /// already committed stay, and the next run continues after them).
    pub async fn apply_data(
        &mut self,
        dm: &dyn DataMigration,
        opts: &mut RunOptions<'_>,
    ) -> Result<ExecutionResult, ExecError> {
        self.data(dm, Direction::Up, opts).await
    }

    /// Undoes an applied `dm` with its `down`, batch by batch.
    ///
    /// Errors: as [`Executor::apply_data`]; a `dm` without `down` fails its first batch.
    pub async fn rollback_data(
        &mut self,
        dm: &dyn DataMigration,
        opts: &mut RunOptions<'_>,
    ) -> Result<ExecutionResult, ExecError> {
        self.data(dm, Direction::Down, opts).await
    }

    async fn data(
        &mut self,
        dm: &dyn DataMigration,
        direction: Direction,
        opts: &mut RunOptions<'_>,
    ) -> Result<ExecutionResult, ExecError> {
        let t0 = Instant::now();
        if opts.dry_run {
            let mut r = ExecutionResult::new(direction, true);
            r.migrations.push(record(dm, 0, 0, vec![describe(dm)]));
            return Ok(r);
        }
        let wait = opts.lock_wait;
        self.locked(wait, async |e: &mut Self| {
            e.data_locked(dm, direction, opts).await
        })
        .await
        .map(|mut res| {
            res.duration_seconds = t0.elapsed().as_secs_f64();
            res
        })
    }

    async fn data_locked(
        &mut self,
        dm: &dyn DataMigration,
        direction: Direction,
        opts: &mut RunOptions<'_>,
    ) -> Result<ExecutionResult, ExecError> {
        let key = format!("data:{}", dm.version());
        let state = self
            .backend
            .read_annotations(AnnotationKind::Data)
            .await?
            .into_iter()
            .find(|a| a.sort_key == key)
            .and_then(|a| serde_json::from_str::<DataState>(&a.value).ok());
        let applied = state.as_ref().is_some_and(|s| s.status == "applied");
        let mut result = ExecutionResult::new(direction, false);
        if applied == (direction == Direction::Up) {
            return Ok(result);
        }
        let b = dm.batches();
        let spec = BatchSpec {
            statement: 0,
            table: b.table,
            key: b.key,
            size: b.size,
            line: 0,
        };
        let run = BatchRun {
            runner: &self.runner,
            version: dm.version(),
            name: dm.name(),
            sort_key: &key,
            direction,
            spec: &spec,
            work: Work::Rust(dm, direction),
            resume: true,
            opts: &opts.batch,
            // Finished only with the state that says so, after `validate` passed: a run killed
            // or failed before that continues after the last batch instead of redoing them all.
            finish: Finish::Caller,
        };
        if let Some(cb) = opts.on_event.as_mut() {
            cb(&Event::Started {
                version: dm.version(),
                name: dm.name(),
                direction,
                // A data migration continues after its last checkpoint, shown by its batches.
                resumed_at: None,
            });
        }
        let t0 = Instant::now();
        let mut finished = None;
        let outcome = match run.run(self.backend, opts.on_event.as_deref_mut()).await {
            Ok(done) if direction == Direction::Down => {
                finished = done.checkpoint;
                Ok(done.rows)
            }
            Ok(done) => match dm.validate(self.backend).await {
                Ok(true) => {
                    finished = done.checkpoint;
                    Ok(done.rows)
                }
                Ok(false) => Err(BackendError::Statement {
                    message: format!("validate of data migration {} returned false", dm.name()),
                    code: Some("migra:check".into()),
                }),
                Err(e) => Err(e),
            },
            Err(BatchFailure::Refused(e)) => return Err(e),
            Err(BatchFailure::Statement(e) | BatchFailure::Backend(e)) => Err(e),
        };
        let ms = t0.elapsed().as_millis() as u64;
        let (status, action, rows, error) = match &outcome {
            Ok(rows) if direction == Direction::Up => ("applied", LogAction::Apply, *rows, None),
            Ok(rows) => ("rolled_back", LogAction::Rollback, *rows, None),
            Err(e) => ("failed", LogAction::Failure, 0, Some(e.to_string())),
        };
        let state = (status, action, finished.as_ref());
        self.record(dm, &key, state, (rows, ms), error.clone())
            .await?;
        if let Some(cb) = opts.on_event.as_mut() {
            match &outcome {
                Ok(_) => cb(&Event::Finished {
                    version: dm.version(),
                    duration_ms: ms,
                }),
                Err(_) => cb(&Event::Failed {
                    version: dm.version(),
                }),
            }
        }
        match outcome {
            Ok(rows) => {
                result.rows_affected = rows;
                result.steps_completed = 1;
                result.migrations.push(record(dm, ms, rows, Vec::new()));
                Ok(result)
            }
            Err(e) => {
                result.success = false;
                result.errors.push(StepError {
                    version: dm.version().to_string(),
                    name: dm.name().to_string(),
                    message: e.to_string(),
                    statement: None,
                    location: None,
                });
                Err(ExecError::MigrationFailed {
                    version: dm.version().to_string(),
                    name: dm.name().to_string(),
                    message: e.to_string(),
                    line: None,
                    report: Box::new(result),
                })
            }
        }
    }

    /// Writes the state annotation, the log row and the finished checkpoint (if any) in one
    /// transaction.
    async fn record(
        &mut self,
        dm: &dyn DataMigration,
        key: &str,
        (status, action, finished): (&str, LogAction, Option<&Annotation>),
        (rows, ms): (u64, u64),
        error: Option<String>,
    ) -> Result<(), BackendError> {
        let at = now_rfc3339();
        let state = DataState {
            status: status.into(),
            at: at.clone(),
            rows,
            error: error.clone(),
        };
        let state = Annotation {
            kind: AnnotationKind::Data,
            sort_key: key.to_string(),
            key: "state".into(),
            value: serde_json::to_string(&state).unwrap_or_default(),
            updated_at: at.clone(),
        };
        let log = LogEntry {
            version: key.to_string(),
            name: dm.name().to_string(),
            action,
            checksum: String::new(),
            at,
            duration_ms: ms,
            by: self.runner.display.clone(),
            error,
            failing_statement: None,
        };
        let annotations: Vec<&Annotation> = std::iter::once(&state).chain(finished).collect();
        migra_core::write_together(self.backend, &annotations, None, Some(&log)).await
    }
}

fn describe(dm: &dyn DataMigration) -> String {
    let b = dm.batches();
    format!(
        "-- Rust data migration over {} by {}, {} rows per batch",
        b.table.join("."),
        b.key,
        b.size
    )
}

fn record(dm: &dyn DataMigration, ms: u64, rows: u64, statements: Vec<String>) -> StepRecord {
    StepRecord {
        version: dm.version().to_string(),
        name: dm.name().to_string(),
        duration_ms: ms,
        rows_affected: rows,
        transaction: false,
        resumed_at_statement: None,
        statements,
        checks: Vec::new(),
    }
}
