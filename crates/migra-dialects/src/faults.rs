//! sqlx errors as backend errors: the same mapping on every SQL dialect.

use migra_core::BackendError;

/// Maps a sqlx error to a backend error, keeping the database's message and code (SQLSTATE on
/// the servers, the extended result code on SQLite); anything else is a driver error.
pub(crate) fn map_err(e: sqlx::Error) -> BackendError {
    match e {
        sqlx::Error::Database(db) => BackendError::Statement {
            message: db.message().to_string(),
            code: db.code().map(|c| c.to_string()),
        },
        other => BackendError::Driver(Box::new(other)),
    }
}

/// A failure reading or writing the history table `table`.
pub(crate) fn history_err(table: &str, e: impl std::fmt::Display) -> BackendError {
    BackendError::History {
        table: table.to_string(),
        message: e.to_string(),
    }
}

/// `r` with a missing table (as `missing` recognises the dialect's error) read as `absent`,
/// and any other failure as a history error of `table`: the history tables are created by the
/// first run that writes, so a reader finds none before it.
pub(crate) fn or_absent<T>(
    r: Result<T, sqlx::Error>,
    absent: T,
    missing: fn(&BackendError) -> bool,
    table: &str,
) -> Result<T, BackendError> {
    match r.map_err(map_err) {
        Err(e) if missing(&e) => Ok(absent),
        r => r.map_err(|e| history_err(table, e)),
    }
}
