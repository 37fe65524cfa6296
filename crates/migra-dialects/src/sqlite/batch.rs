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
use crate::rows::{Arg, bind_args, log_rest_args, revision_args};
use migra_core::backend::run_transaction_stepwise;
use migra_core::{BackendError, LogEntry, Revision, TxFailure, TxStep};
use sqlx::{AssertSqlSafe, Either};

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
    let lease_until = b.lease_until();
    let sql = b.tables.finish_sql(lease_until.is_some()).to_string();
    let q = bind_args(
        sqlx::query(AssertSqlSafe(sql)),
        finish_args(step, &rev, &log, lease_until),
    );
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
            if lease_until.is_some() {
                b.lease_extended();
            }
            Ok(rows)
        }
        Err(e) => {
            let error = map_err(e);
            let _ = b.raw("ROLLBACK").await;
            Err(TxFailure::Backend(if b.tables.is_guard_failure(&error) {
                lost(b, step, &rev.version).await
            } else {
                error
            }))
        }
    }
}

/// The values of [`super::history::Tables::finish_sql`] in order: the log row's guarded
/// version, runner id, not-applied flag and sort key, the rest of the log row, the state row,
/// and, when `lease_until` is given, the lease's new expiry and the runner id.
pub(super) fn finish_args<'a>(
    step: &'a TxStep<'_>,
    rev: &'a Revision,
    log: &'a LogEntry,
    lease_until: Option<i64>,
) -> Vec<Arg<'a>> {
    let mut args = vec![
        Arg::Text(&log.version),
        Arg::Text(&step.runner.id),
        Arg::Int(i64::from(step.expect_not_applied)),
        Arg::Text(&rev.sort_key),
    ];
    args.extend(log_rest_args(log));
    args.extend(revision_args(rev));
    if let Some(until) = lease_until {
        args.extend([Arg::Int(until), Arg::Text(&step.runner.id)]);
    }
    args
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
