//! A migration step run on the caller's thread, through the connection's own SQLite handle.
//!
//! sqlx runs SQLite on a worker thread: every call and every result crosses between threads,
//! which over a 1,000-migration apply cost more than the DDL itself (see `batch.rs`). With
//! [`super::SqliteOptions::in_thread`], a step holds the connection's handle, taken from the
//! worker ([`sqlx::sqlite::SqliteConnection::lock_handle`], kept across consecutive steps: see
//! `conn.rs`), and runs `BEGIN IMMEDIATE`, the units, the bookkeeping and `COMMIT` itself, as the
//! `sqlite3` shell would. It is the same connection, so its settings (a `PRAGMA` an earlier
//! migration ran), temporary objects and busy timeout are the ones every other call sees.
//!
//! The bookkeeping and its guard are the batched step's (`Tables::finish_sql`, `finish_args`).

use super::backend::{SqliteBackend, is_dml};
use super::batch::finish_args;
use super::history::Tables;
use crate::rows::Arg;
use migra_core::{BackendError, TxFailure, TxStep};
use rusqlite::fallible_iterator::FallibleIterator;
use rusqlite::types::{ToSqlOutput, Value};
use rusqlite::{Batch, Connection};

/// How a step ended when it did not commit.
enum Failed {
    Tx(TxFailure),
    /// The log row's guard refused the step (rolled back); the caller says which check failed.
    Guard(String),
}

/// Runs `step` in-thread. Errors as [`migra_core::Backend::run_transaction`].
pub(super) async fn run(b: &mut SqliteBackend, step: &TxStep<'_>) -> Result<u64, TxFailure> {
    let lease_until = b.lease_until();
    let (tables, spin) = (&b.tables, b.spin);
    let outcome = match b.conn.hold(spin) {
        Ok(held) => held.with_dependent_mut(|_, locked| {
            let raw = locked.as_raw_handle();
            // SAFETY: `locked` keeps sqlx's worker thread off the connection, whose handle
            // stays open, for as long as it lives, which outlasts `db`; `db` borrows the handle
            // without owning it (dropping it finalizes only the statements it prepared and
            // never closes the handle).
            #[allow(unsafe_code)]
            let db = unsafe { Connection::from_handle(raw.as_ptr()) };
            match db {
                Ok(db) => run_sync(&db, tables, step, lease_until),
                Err(e) => Err(Failed::Tx(TxFailure::Backend(to_backend(e)))),
            }
        }),
        Err(e) => Err(Failed::Tx(TxFailure::Backend(e))),
    };
    match outcome {
        Ok(rows) => {
            if lease_until.is_some() {
                b.lease_extended();
            }
            Ok(rows)
        }
        Err(Failed::Tx(f)) => Err(f),
        Err(Failed::Guard(version)) => Err(TxFailure::Backend(
            super::batch::lost(b, step, &version).await,
        )),
    }
}

/// The step itself, rolled back on every failure.
fn run_sync(
    db: &Connection,
    tables: &Tables,
    step: &TxStep<'_>,
    lease_until: Option<i64>,
) -> Result<u64, Failed> {
    db.execute_batch("BEGIN IMMEDIATE")
        .map_err(|e| Failed::Tx(TxFailure::Backend(to_backend(e))))?;
    let mut rows = 0u64;
    for (index, unit) in step.units.iter().enumerate() {
        if let Err(e) = execute(db, &unit.sql, &[]) {
            rollback(db);
            return Err(Failed::Tx(TxFailure::Statement {
                index,
                error: to_backend(e),
            }));
        }
        // As in the batched step: SQLite's count is only meaningful right after DML.
        if is_dml(&unit.sql) {
            rows += db.changes();
        }
    }
    let (rev, log) = (step.bookkeeping)();
    let args = finish_args(step, &rev, &log, lease_until);
    if let Err(e) = execute(db, tables.finish_sql(lease_until.is_some()), &args) {
        rollback(db);
        let error = to_backend(e);
        return Err(if tables.is_guard_failure(&error) {
            Failed::Guard(rev.version)
        } else {
            Failed::Tx(TxFailure::Backend(error))
        });
    }
    Ok(rows)
}

/// Runs every statement of `sql` to completion (reading any rows it returns), binding `args`
/// in order across the statements' placeholders.
fn execute(db: &Connection, sql: &str, args: &[Arg<'_>]) -> rusqlite::Result<()> {
    let mut batch = Batch::new(db, sql);
    let mut values = args.iter();
    while let Some(mut stmt) = batch.next()? {
        for i in 1..=stmt.parameter_count() {
            let value = values
                .next()
                .ok_or(rusqlite::Error::InvalidParameterCount(i, args.len()))?;
            stmt.raw_bind_parameter(i, value)?;
        }
        let mut rows = stmt.raw_query();
        while rows.next()?.is_some() {}
    }
    Ok(())
}

/// Ends the transaction after a failure; a rollback that fails leaves nothing to undo (SQLite
/// rolls back on its own when a statement's failure ends the transaction).
fn rollback(db: &Connection) {
    let _ = db.execute_batch("ROLLBACK");
}

impl rusqlite::ToSql for Arg<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match *self {
            Arg::Text(v) | Arg::OptText(Some(v)) => ToSqlOutput::from(v),
            Arg::OptText(None) => ToSqlOutput::Owned(Value::Null),
            Arg::Int(v) => ToSqlOutput::from(v),
        })
    }
}

/// The backend error of a SQLite failure: message and extended code, as sqlx reports them.
fn to_backend(e: rusqlite::Error) -> BackendError {
    match e {
        rusqlite::Error::SqliteFailure(err, message) => BackendError::Statement {
            message: message.unwrap_or_else(|| err.to_string()),
            code: Some(err.extended_code.to_string()),
        },
        other => BackendError::Driver(Box::new(other)),
    }
}
