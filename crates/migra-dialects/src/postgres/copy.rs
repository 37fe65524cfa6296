//! `COPY ... FROM STDIN` with its rows after it (as `pg_dump` writes data for psql) runs through
//! the copy sub-protocol, as psql runs it. Without its rows, or `COPY ... TO STDOUT`, it is
//! refused before anything is sent ([`migra_core::client::ClientCopy`]): as a plain query it
//! would leave the session waiting for rows.

use super::backend::map_err;
use migra_core::BackendError;
use sqlx::postgres::PgConnection;

/// The error for a [`migra_core::client::ClientCopy::Refused`] statement, saying what to write
/// instead.
pub(super) fn refused() -> BackendError {
    BackendError::Unsupported {
        dialect: "postgresql".into(),
        what: migra_core::client::CLIENT_COPY.into(),
    }
}

/// Runs `command` (a `COPY ... FROM STDIN`) sending `rows`; returns the rows copied.
///
/// Errors: the server refuses the command or a row (the copy is then abandoned, nothing of it
/// stays).
pub(super) async fn copy_in(
    conn: &mut PgConnection,
    command: &str,
    rows: &str,
) -> Result<u64, BackendError> {
    let mut copy = conn.copy_in_raw(command).await.map_err(map_err)?;
    // Dropped unfinished on an error, the copy tells the server it failed.
    copy.send(rows.as_bytes()).await.map_err(map_err)?;
    copy.finish().await.map_err(map_err)
}
