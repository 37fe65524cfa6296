//! `COPY ... FROM STDIN` / `TO STDOUT` (as `pg_dump` writes data for psql): recognised
//! ([`migra_core::client::client_copy`]) and refused with what to write instead, before anything
//! is sent: as a plain query it would leave the session waiting for rows.

use migra_core::BackendError;

pub(super) use migra_core::client::client_copy;

/// The error for a [`client_copy`] statement, saying what to write instead.
pub(super) fn refused() -> BackendError {
    BackendError::Unsupported {
        dialect: "postgresql".into(),
        what: migra_core::client::client_command(
            migra_core::DialectId::Postgres,
            "COPY t FROM STDIN",
        )
        .unwrap_or_default(),
    }
}
