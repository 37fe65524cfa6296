//! A migration step in as many round trips as `psql` needs for the same file (`BEGIN`, each
//! statement, `COMMIT`), instead of four more:
//! - `BEGIN` travels with the first unit, as one simple query;
//! - the lock connection is checked while that first unit runs (the two connections are
//!   independent), and acted on before `COMMIT`;
//! - the state row and the log row are one statement: the log row is inserted from the state
//!   row's `RETURNING`, so "no log row" means the guarded state write was refused.

use super::backend::{PostgresBackend, map_err};
use crate::rows::{bind_log, bind_revision};
use migra_core::backend::run_transaction_stepwise;
use migra_core::{BackendError, TxFailure, TxStep};
use sqlx::AssertSqlSafe;

/// Runs `step` (see [`migra_core::Backend::run_transaction`]); rolled back on any failure.
pub(super) async fn run(b: &mut PostgresBackend, step: &TxStep<'_>) -> Result<u64, TxFailure> {
    if !step.annotations.is_empty() || step.units.is_empty() {
        return run_transaction_stepwise(b, step).await;
    }
    let r = body(b, step).await;
    if r.is_err() {
        let _ = b.raw("ROLLBACK").await;
    }
    r
}

async fn body(b: &mut PostgresBackend, step: &TxStep<'_>) -> Result<u64, TxFailure> {
    let first = format!("BEGIN;\n{}", step.units[0].sql);
    let (lock, ran) = futures_util::future::join(
        super::lock::check_conn(b.lock_conn.as_mut()),
        sqlx::raw_sql(AssertSqlSafe(first)).execute(&mut b.conn),
    )
    .await;
    let mut rows = match ran {
        Ok(r) => r.rows_affected(),
        Err(e) => {
            return Err(TxFailure::Statement {
                index: 0,
                error: map_err(e),
            });
        }
    };
    lock.map_err(TxFailure::Backend)?;
    for (index, unit) in step.units.iter().enumerate().skip(1) {
        rows += b
            .raw(&unit.sql)
            .await
            .map_err(|error| TxFailure::Statement { index, error })?;
    }
    let (rev, log) = (step.bookkeeping)();
    let sql = if step.expect_not_applied {
        b.tables.record_if_not_applied.clone()
    } else {
        b.tables.record.clone()
    };
    let written = bind_log(bind_revision(sqlx::query(AssertSqlSafe(sql)), &rev), &log)
        .execute(&mut b.conn)
        .await
        .map_err(|e| TxFailure::Backend(map_err(e)))?;
    if written.rows_affected() == 0 {
        return Err(TxFailure::Backend(BackendError::LockLost {
            message: format!(
                "version {} was applied by another runner meanwhile",
                rev.version
            ),
        }));
    }
    b.raw("COMMIT").await.map_err(TxFailure::Backend)?;
    Ok(rows)
}

/// The state row and the log row as one statement, atomic on its own (see
/// [`migra_core::Backend::record`]): one round trip instead of four.
///
/// Errors: the statement fails; then neither row is written.
pub(super) async fn record(
    b: &mut PostgresBackend,
    rev: &migra_core::Revision,
    log: &migra_core::LogEntry,
) -> Result<(), BackendError> {
    let sql = b.tables.record.clone();
    bind_log(bind_revision(sqlx::query(AssertSqlSafe(sql)), rev), log)
        .execute(&mut b.conn)
        .await
        .map_err(map_err)?;
    Ok(())
}
