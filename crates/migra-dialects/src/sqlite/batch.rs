//! A migration step in two round trips instead of six.
//!
//! Every call into sqlx's SQLite driver crosses to its worker thread and back (30–60 µs here),
//! which made bookkeeping cost more than the DDL itself. So a step sends:
//! 1. `BEGIN IMMEDIATE`, the version's status, the lock owner, then the units, as one script;
//! 2. the state row, the log row, the lease extension and `COMMIT`, as one bound query.
//!
//! The checks of (1) are read under the write lock, before anything is committed: a version
//! applied meanwhile, or a lock that changed hands, rolls the whole step back.

use super::backend::{SqliteBackend, is_dml, map_err};
use super::history::{bind_log, bind_revision};
use futures_util::StreamExt;
use migra_core::backend::run_transaction_stepwise;
use migra_core::{BackendError, TxFailure, TxStep};
use sqlx::{AssertSqlSafe, Either, Row};
use std::time::{SystemTime, UNIX_EPOCH};

/// Statements of the script before the first unit.
const PREAMBLE: usize = 3;

pub(super) async fn run(b: &mut SqliteBackend, step: &TxStep<'_>) -> Result<u64, TxFailure> {
    let (probe_rev, _) = (step.bookkeeping)();
    let key = probe_rev.sort_key;
    // Sort keys are migra's own tokens; anything else takes the general path rather than be quoted.
    let plain = key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || ":/-_.".contains(c));
    if step.whole || !plain {
        return run_transaction_stepwise(b, step).await;
    }
    let mut script = format!(
        "BEGIN IMMEDIATE;\n{}'{key}';\n{};\n",
        b.tables.tx_status_prefix, b.tables.tx_check_lock
    );
    for unit in step.units {
        script.push_str(&unit.sql);
        // A newline first: a unit may end in a `--` comment.
        script.push_str("\n;\n");
    }
    let mut done = 0usize;
    let mut status: Option<String> = None;
    let mut owner: Option<String> = None;
    let mut rows = 0u64;
    let mut failure: Option<BackendError> = None;
    {
        let mut stream = sqlx::raw_sql(AssertSqlSafe(script)).fetch_many(b.conn());
        while let Some(item) = stream.next().await {
            match item {
                Ok(Either::Left(result)) => {
                    if done >= PREAMBLE
                        && step
                            .units
                            .get(done - PREAMBLE)
                            .is_some_and(|u| is_dml(&u.sql))
                    {
                        rows += result.rows_affected();
                    }
                    done += 1;
                }
                Ok(Either::Right(row)) => match done {
                    1 => status = row.try_get(0).ok(),
                    2 => owner = row.try_get(0).ok(),
                    _ => {}
                },
                Err(e) => {
                    failure = Some(map_err(e));
                    break;
                }
            }
        }
    }
    if let Some(error) = failure {
        if done > 0 {
            let _ = b.raw("ROLLBACK").await;
        }
        return Err(match done.checked_sub(PREAMBLE) {
            Some(index) => TxFailure::Statement {
                index: index.min(step.units.len().saturating_sub(1)),
                error,
            },
            None => TxFailure::Backend(error),
        });
    }
    let lost = if owner.as_deref() != Some(step.runner.id.as_str()) {
        Some(
            "the lock row no longer names this runner (lease expired and another runner took over)"
                .to_string(),
        )
    } else if step.expect_not_applied && status.as_deref() == Some("applied") {
        Some(format!(
            "version {} was applied by another runner meanwhile",
            probe_rev.version
        ))
    } else {
        None
    };
    if let Some(message) = lost {
        let _ = b.raw("ROLLBACK").await;
        return Err(TxFailure::Backend(BackendError::LockLost { message }));
    }
    let (rev, log) = (step.bookkeeping)();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let lease_until = now + b.lease_ms();
    let due_before = now + b.lease_ms() * 3 / 4;
    let finish = if status.is_none() {
        b.tables.tx_finish_new.clone()
    } else {
        b.tables.tx_finish.clone()
    };
    let q = bind_log(
        bind_revision(sqlx::query(AssertSqlSafe(finish)), &rev),
        &log,
    );
    let r = q
        .bind(lease_until)
        .bind(&step.runner.id)
        .bind(due_before)
        .execute(b.conn())
        .await;
    match r {
        Ok(_) => Ok(rows),
        Err(e) => {
            let _ = b.raw("ROLLBACK").await;
            Err(TxFailure::Backend(map_err(e)))
        }
    }
}
