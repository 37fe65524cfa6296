//! A migration step in two round trips instead of six.
//!
//! Every call into sqlx's SQLite driver crosses to its worker thread, and every statement's
//! result wakes the caller again; on a 1,000-migration apply those hand-offs cost more than the
//! DDL. So a step sends as few statements as it can, in two calls:
//! 1. `BEGIN IMMEDIATE` and the units, as one script, reading each statement's result (which
//!    names a failing unit and counts the rows of DML units);
//! 2. the log row, the state row, the lease extension (only when due) and `COMMIT`, as one
//!    bound query.
//!
//! The log row is also the guard: its `version` is selected only if this runner still holds the
//! lock and (for an up part) the version is not applied yet; otherwise it is NULL, the NOT NULL
//! constraint stops the query before `COMMIT`, and the whole step rolls back.
//!
//! With [`super::SqliteOptions::spin`] set, each result is first polled for without sleeping:
//! most arrive within microseconds (the `COMMIT` within one disk flush), and a caller that never
//! sleeps is never woken, which took half the context switches of an apply.

use super::backend::{SqliteBackend, is_dml, map_err};
use super::spin::next_spinning;
use crate::rows::{bind_log_rest, bind_revision};
use migra_core::backend::run_transaction_stepwise;
use migra_core::{BackendError, TxFailure, TxStep};
use sqlx::{AssertSqlSafe, Either};
use std::time::{SystemTime, UNIX_EPOCH};

pub(super) async fn run(b: &mut SqliteBackend, step: &TxStep<'_>) -> Result<u64, TxFailure> {
    if step.whole || !step.annotations.is_empty() {
        return run_transaction_stepwise(b, step).await;
    }
    if b.in_thread {
        return super::direct::run(b, step).await;
    }
    let mut script = String::from("BEGIN IMMEDIATE;\n");
    for unit in step.units {
        script.push_str(&unit.sql);
        // A newline first: a unit may end in a `--` comment.
        script.push_str("\n;\n");
    }
    let (mut done, mut rows, mut failure) = (0usize, 0u64, None);
    let spin = b.spin;
    {
        let mut results = sqlx::raw_sql(AssertSqlSafe(script)).fetch_many(b.conn());
        while let Some(item) = next_spinning(&mut results, spin).await {
            match item {
                Ok(Either::Left(result)) => {
                    // SQLite's per-statement count goes stale across DDL: count DML units only.
                    if done > 0 && step.units.get(done - 1).is_some_and(|u| is_dml(&u.sql)) {
                        rows += result.rows_affected();
                    }
                    done += 1;
                }
                Ok(Either::Right(_)) => {}
                Err(e) => {
                    failure = Some(map_err(e));
                    break;
                }
            }
        }
    }
    if let Some(error) = failure {
        return Err(match done.checked_sub(1) {
            None => TxFailure::Backend(error),
            Some(index) => {
                let _ = b.raw("ROLLBACK").await;
                TxFailure::Statement {
                    index: index.min(step.units.len().saturating_sub(1)),
                    error,
                }
            }
        });
    }
    let (rev, log) = (step.bookkeeping)();
    let lease = b.lease_due();
    let sql = if lease {
        b.tables.tx_finish_lease.clone()
    } else {
        b.tables.tx_finish.clone()
    };
    let guarded = sqlx::query(AssertSqlSafe(sql))
        .bind(&log.version)
        .bind(&step.runner.id)
        .bind(i64::from(step.expect_not_applied))
        .bind(&rev.sort_key);
    let mut q = bind_revision(bind_log_rest(guarded, &log), &rev);
    if lease {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        q = q.bind(now + b.lease_ms()).bind(&step.runner.id);
    }
    let mut results = q.fetch(b.conn());
    let mut finished = Ok(());
    while let Some(item) = next_spinning(&mut results, spin).await {
        if let Err(e) = item {
            finished = Err(e);
            break;
        }
    }
    drop(results);
    match finished {
        Ok(()) => {
            if lease {
                b.lease_extended();
            }
            Ok(rows)
        }
        Err(e) => {
            let error = map_err(e);
            let _ = b.raw("ROLLBACK").await;
            let guard = matches!(&error, BackendError::Statement { message, .. } if *message == b.tables.guard_failed);
            Err(TxFailure::Backend(if guard {
                lost(b, step, &rev.version).await
            } else {
                error
            }))
        }
    }
}

/// Says which check failed, after the rollback (the rare path).
pub(super) async fn lost(b: &mut SqliteBackend, step: &TxStep<'_>, version: &str) -> BackendError {
    let owner: Option<String> = sqlx::query_scalar(AssertSqlSafe(b.tables.lock_owner.clone()))
        .fetch_optional(b.conn())
        .await
        .ok()
        .flatten();
    let message = if owner.as_deref() != Some(step.runner.id.as_str()) {
        "the lock row no longer names this runner (lease expired and another runner took over)"
            .to_string()
    } else {
        format!("version {version} was applied by another runner meanwhile")
    };
    BackendError::LockLost { message }
}
