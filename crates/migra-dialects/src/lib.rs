//! # migra-dialects
//!
//! One module per database. Each has a pure part (the [`migra_core::Dialect`]: capabilities,
//! quoting, lexical rules) that always compiles, and a driver part behind a feature:
//!
//! | dialect | backend (feature) | state |
//! |---|---|---|
//! | SQLite | `sqlite` (sqlx) | backend, history, lock row |
//! | PostgreSQL | `postgres` (sqlx) | backend, history, advisory lock on a dedicated connection |
//! | MySQL/MariaDB | `mysql` (sqlx) | backend, history, committed lock row (holds on Galera) |
//! | MongoDB | — | dialect data only; backend not written yet |

mod checks;
pub mod convert;
#[cfg(any(feature = "postgres", feature = "mysql"))]
mod digest;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod dml;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod faults;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod fingerprint;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod guard;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod kv;
pub mod mongodb;
pub mod mysql;
#[cfg(any(feature = "postgres", feature = "mysql"))]
mod net;
pub mod postgres;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod rows;
mod sql;
pub mod sqlite;
mod steps;
mod url;

pub use url::redact_url;

/// How long opening a connection to a database server may take unless the URL
/// (`connect_timeout=SECONDS`) or the backend's options say otherwise: a server that accepts
/// the connection and never answers would otherwise hang a run.
pub const DEFAULT_CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

use migra_core::{Dialect, DialectId};

/// The dialect for `id`.
pub fn dialect(id: DialectId) -> &'static dyn Dialect {
    match id {
        DialectId::Postgres => &postgres::PostgresDialect,
        DialectId::Mysql => &mysql::MysqlDialect,
        DialectId::Sqlite => &sqlite::SqliteDialect,
        DialectId::Mongodb => &mongodb::MongoDialect,
    }
}
