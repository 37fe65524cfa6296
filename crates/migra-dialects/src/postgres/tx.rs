//! A migration step in two round trips, where `psql` needs one per statement plus `BEGIN` and
//! `COMMIT`:
//! - `BEGIN` and every unit travel as one simple query; the results say which unit failed (one
//!   `CommandComplete` per statement, so the count before the error is the failing unit);
//! - the lock connection is checked while they run (the two connections are independent), and
//!   acted on before anything commits;
//! - the state row and the log row (one statement: the log row is inserted from the state row's
//!   `RETURNING`) travel with `COMMIT`. A simple query carries no parameters, so the statement is
//!   `PREPARE`d once per session and `EXECUTE`d with literal values: planned once, not per step.
//!   A version without a state row is inserted plainly (a duplicate key then means another
//!   runner recorded it); otherwise the upsert is guarded, and a refused one inserts no log row
//!   and divides by that zero count. Either error stops the string before `COMMIT`.

use super::backend::{PostgresBackend, map_err, may_drop_prepared};
use crate::rows::{Arg, bind_args, record_args};
use futures_util::StreamExt;
use migra_core::backend::run_transaction_stepwise;
use migra_core::client::{ClientCopy, client_copy};
use migra_core::{BackendError, TxFailure, TxStep};
use sqlx::{AssertSqlSafe, Either};

/// SQLSTATE 22012, raised by the guarded bookkeeping when the version was applied meanwhile.
const DIVISION_BY_ZERO: &str = "22012";
/// SQLSTATE 23505, raised by the plain insert of a fresh version recorded meanwhile.
const UNIQUE_VIOLATION: &str = "23505";
/// SQLSTATE 26000: the prepared statement does not exist (a migration ran `DEALLOCATE`).
const NO_SUCH_STATEMENT: &str = "26000";

/// Runs `step` (see [`migra_core::Backend::run_transaction`]); rolled back on any failure.
pub(super) async fn run(b: &mut PostgresBackend, step: &TxStep<'_>) -> Result<u64, TxFailure> {
    let mut copies = false;
    for (index, unit) in step.units.iter().enumerate() {
        match client_copy(&unit.sql) {
            // Refused before anything runs: sent along, it would leave the session waiting.
            Some(ClientCopy::Refused) => {
                let error = super::copy::refused();
                return Err(TxFailure::Statement { index, error });
            }
            Some(ClientCopy::Rows { .. }) => copies = true,
            None => {}
        }
    }
    // A whole-file unit may hold several statements, so results cannot tell such units apart
    // (a single one is the failing unit whatever failed); COPY rows need their own exchange.
    if !step.annotations.is_empty()
        || step.units.is_empty()
        || step.whole && step.units.len() > 1
        || copies
    {
        return run_transaction_stepwise(b, step).await;
    }
    let mut second_try = false;
    loop {
        let r = body(b, step).await;
        if r.is_err() {
            let _ = b.raw("ROLLBACK").await;
        }
        return match r {
            Ok(rows) => Ok(rows),
            Err(Retry::Failed(f)) => Err(f),
            // Nothing ran: one statement at a time finds the one that does not parse.
            Err(Retry::Unparsed) => run_transaction_stepwise(b, step).await,
            // Everything of the step was rolled back: running it again is running it once.
            Err(Retry::Unprepared) if !second_try => {
                second_try = true;
                continue;
            }
            // Not reached in practice: the second try prepares in the string that executes.
            Err(Retry::Unprepared) => Err(TxFailure::Backend(BackendError::History {
                table: b.tables.name.clone(),
                message: "the bookkeeping statement was deallocated as it was prepared".into(),
            })),
        };
    }
}

/// Why [`body`] failed: for good, because the session lost its prepared statements, or because
/// the server refused the string before running any of it.
enum Retry {
    Failed(TxFailure),
    Unprepared,
    /// PostgreSQL parses a whole simple query before running its first statement, so a syntax
    /// error anywhere fails it before `BEGIN` completes, naming no statement.
    Unparsed,
}

impl From<TxFailure> for Retry {
    fn from(f: TxFailure) -> Self {
        Self::Failed(f)
    }
}

async fn body(b: &mut PostgresBackend, step: &TxStep<'_>) -> Result<u64, Retry> {
    let mut sql = String::from("BEGIN;\n");
    for unit in step.units {
        // The newline ends a trailing `--` comment before the separator.
        sql.push_str(&unit.sql);
        sql.push_str("\n;\n");
    }
    let drops_prepared = may_drop_prepared(&sql);
    let work = results(&mut b.conn, sql);
    let (lock, ran) = super::lock::beside(b.lock_conn.as_mut(), b.lock_ping, true, work).await;
    if drops_prepared {
        b.forget_cached_statements().await;
    }
    let rows = match ran {
        Ok(counts) => counts.iter().skip(1).sum(),
        // Result 0 is `BEGIN`'s; result k + 1 is unit k's.
        Err((0, BackendError::Statement { .. })) => return Err(Retry::Unparsed),
        Err((0, e)) => return Err(TxFailure::Backend(e).into()),
        Err((done, error)) => {
            let index = (done - 1).min(step.units.len() - 1);
            return Err(TxFailure::Statement { index, error }.into());
        }
    };
    lock.map_err(TxFailure::Backend)?;
    let (rev, log) = (step.bookkeeping)();
    let args = record_args(&rev, &log);
    let (name, template) = match (step.expect_not_applied, step.fresh) {
        (true, true) => ("migra_record_new_v1", &b.tables.record_new),
        (true, false) => ("migra_record_or_fail_v1", &b.tables.record_or_fail),
        (false, _) => ("migra_record_v1", &b.tables.record),
    };
    let mut finish = String::new();
    let prepares = usize::from(!b.prepared.contains(&name));
    if prepares == 1 {
        let types: Vec<&str> = args
            .iter()
            .map(|a| match a {
                Arg::Int(_) => "bigint",
                Arg::Text(_) | Arg::OptText(_) => "text",
            })
            .collect();
        finish.push_str(&format!(
            "PREPARE {name} ({}) AS {template};\n",
            types.join(", ")
        ));
    }
    let values = super::literal::list(&args).map_err(|message| {
        TxFailure::Backend(BackendError::History {
            table: b.tables.name.clone(),
            message,
        })
    })?;
    finish.push_str(&format!("EXECUTE {name} ({values});\nCOMMIT"));
    let r = results(&mut b.conn, finish).await;
    // A prepared statement outlives a rolled-back transaction.
    if prepares == 1 && matches!(&r, Ok(_) | Err((1.., _))) {
        b.prepared.push(name);
    }
    match r {
        Ok(_) => Ok(rows),
        Err((done, e)) if done == prepares => match &e {
            BackendError::Statement { code: Some(c), .. } if c == NO_SUCH_STATEMENT => {
                b.prepared.clear();
                Err(Retry::Unprepared)
            }
            BackendError::Statement { code: Some(c), .. }
                if step.expect_not_applied && (c == DIVISION_BY_ZERO || c == UNIQUE_VIOLATION) =>
            {
                Err(TxFailure::Backend(BackendError::LockLost {
                    message: format!(
                        "version {} was applied by another runner meanwhile",
                        rev.version
                    ),
                })
                .into())
            }
            _ => Err(TxFailure::Backend(e).into()),
        },
        Err((_, e)) => Err(TxFailure::Backend(e).into()),
    }
}

/// Runs `sql` as one simple query: each statement's row count, or the error with the number of
/// statements that completed before it.
async fn results(
    conn: &mut sqlx::PgConnection,
    sql: String,
) -> Result<Vec<u64>, (usize, BackendError)> {
    let mut counts = Vec::new();
    let mut stream = sqlx::raw_sql(AssertSqlSafe(sql)).fetch_many(conn);
    while let Some(item) = stream.next().await {
        match item {
            Ok(Either::Left(done)) => counts.push(done.rows_affected()),
            Ok(Either::Right(_row)) => {}
            Err(e) => return Err((counts.len(), map_err(e))),
        }
    }
    Ok(counts)
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
    bind_args(sqlx::query(AssertSqlSafe(sql)), record_args(rev, log))
        .execute(&mut b.conn)
        .await
        .map_err(map_err)?;
    Ok(())
}
