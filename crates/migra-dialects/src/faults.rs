//! sqlx errors as backend errors: the same mapping on every SQL dialect.

use migra_core::BackendError;

/// Maps a sqlx error to a backend error, keeping the database's message and code (SQLSTATE on
/// the servers, the extended result code on SQLite); anything else is a driver error.
pub(crate) fn map_err(e: sqlx::Error) -> BackendError {
    if connection_gone(&e) {
        return BackendError::ConnectionLost {
            message: lost_message(&e),
        };
    }
    match e {
        sqlx::Error::Database(db) => BackendError::Statement {
            message: db.message().to_string(),
            code: db.code().map(|c| c.to_string()),
        },
        other => BackendError::Driver(Box::new(other)),
    }
}

/// True when `e` says the session itself is gone, not just the statement: the socket failed or
/// closed (`Io`), or the server said it ends the connection: SQLSTATE class 08 (connection
/// exception), PostgreSQL's 57P01-57P05 (terminated by an administrator, a crash, a shutdown,
/// a dropped database, `idle_session_timeout`) and 25P03 (`idle_in_transaction_session_timeout`),
/// MySQL's 1927 (`KILL CONNECTION`) and 1053 (server shutdown).
pub(crate) fn connection_gone(e: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db) = e else {
        return matches!(e, sqlx::Error::Io(_));
    };
    let code = db.code();
    let code = code.as_deref().unwrap_or("");
    if code.starts_with("08") || code.starts_with("57P") || code == "25P03" {
        return true;
    }
    #[cfg(feature = "mysql")]
    if let Some(my) = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        return matches!(my.number(), 1927 | 1053);
    }
    false
}

/// What broke, for people: the server's own words when it said why (`terminating connection
/// due to administrator command`); a socket that closed or reset as that, without the TLS
/// library's wording (a killed session's socket just closes).
fn lost_message(e: &sqlx::Error) -> String {
    use std::io::ErrorKind;
    match e {
        sqlx::Error::Database(db) => db.message().to_string(),
        sqlx::Error::Io(io) => match io.kind() {
            ErrorKind::UnexpectedEof
            | ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::BrokenPipe => "the server closed it (a killed session, a restarted \
                 server or a dropped network)"
                .to_string(),
            _ => io.to_string(),
        },
        other => other.to_string(),
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
