//! Opening a backend from a database URL.

use migra_core::{Backend, BackendError, DialectId};
use migra_dialects::redact_url;
use std::time::Duration;

/// How to open a backend.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// History table name (default `migra_history`).
    pub table: String,
    /// Open without writing anything (plan, status, dry runs): the database is not created.
    pub read_only: bool,
    /// How long one statement waits on another writer.
    pub busy_timeout: Duration,
    /// SQLite only: how long a migration step polls for each statement's result before it
    /// sleeps (see [`migra_dialects::sqlite::SqliteOptions::spin`]); `None` never polls.
    pub spin: Option<Duration>,
    /// SQLite only: run each migration step on the caller's thread (see
    /// [`migra_dialects::sqlite::SqliteOptions::in_thread`]).
    pub in_thread: bool,
    /// Servers only: how long opening a connection may take (default
    /// [`migra_dialects::DEFAULT_CONNECT_TIMEOUT`]); a URL's `connect_timeout=SECONDS`
    /// overrides it (`0` waits forever). `None` waits forever.
    pub connect_timeout: Option<Duration>,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self {
            table: "migra_history".into(),
            read_only: false,
            busy_timeout: Duration::from_secs(5),
            spin: None,
            in_thread: false,
            connect_timeout: Some(migra_dialects::DEFAULT_CONNECT_TIMEOUT),
        }
    }
}

/// The dialect a URL names.
///
/// Errors: [`BackendError::InvalidUrl`] for a missing or unknown scheme (the password is never shown).
pub fn dialect_of_url(url: &str) -> Result<DialectId, BackendError> {
    let scheme = url.split(':').next().unwrap_or("");
    if scheme.is_empty() || !url.contains(':') {
        return Err(BackendError::InvalidUrl {
            url: redact_url(url),
            reason: "expected a URL such as sqlite://path/to/file.db, postgres://user@host/db or mysql://user@host/db".into(),
        });
    }
    DialectId::from_scheme(scheme).ok_or_else(|| BackendError::InvalidUrl {
        url: redact_url(url),
        reason: format!("unknown scheme `{scheme}` (known: sqlite, postgres, postgresql, mysql, mariadb, mongodb)"),
    })
}

/// The [`FileStamp`](migra_core::FileStamp) of the database file `url` names, read without
/// opening the database: only SQLite files have one (see
/// [`migra_dialects::sqlite::file_stamp`] for when even they do not); `None` for every other URL.
pub fn file_stamp(url: &str) -> Option<migra_core::FileStamp> {
    match dialect_of_url(url).ok()? {
        #[cfg(feature = "sqlite")]
        DialectId::Sqlite => migra_dialects::sqlite::file_stamp(url),
        _ => None,
    }
}

/// Opens a backend for `url`.
///
/// Errors: [`BackendError::InvalidUrl`], [`BackendError::Connect`], and
/// [`BackendError::Unsupported`] for a dialect whose backend is not built in (or not written yet).
// Without a backend feature the options go unused: every URL is unsupported.
#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(unused_variables)
)]
pub async fn connect(url: &str, opts: &ConnectOptions) -> Result<Box<dyn Backend>, BackendError> {
    match dialect_of_url(url)? {
        #[cfg(feature = "sqlite")]
        DialectId::Sqlite => {
            let o = migra_dialects::sqlite::SqliteOptions {
                table: opts.table.clone(),
                read_only: opts.read_only,
                busy_timeout: opts.busy_timeout,
                spin: opts.spin,
                in_thread: opts.in_thread,
                ..Default::default()
            };
            Ok(Box::new(
                migra_dialects::sqlite::SqliteBackend::connect(url, &o).await?,
            ))
        }
        #[cfg(feature = "postgres")]
        DialectId::Postgres => {
            let o = migra_dialects::postgres::PostgresOptions {
                table: opts.table.clone(),
                connect_timeout: opts.connect_timeout,
                ..Default::default()
            };
            Ok(Box::new(
                migra_dialects::postgres::PostgresBackend::connect(url, &o).await?,
            ))
        }
        #[cfg(feature = "mysql")]
        DialectId::Mysql => {
            let o = migra_dialects::mysql::MysqlOptions {
                table: opts.table.clone(),
                connect_timeout: opts.connect_timeout,
                ..Default::default()
            };
            Ok(Box::new(migra_dialects::mysql::MysqlBackend::connect(url, &o).await?))
        }
        other => Err(BackendError::Unsupported {
            dialect: other.name().into(),
            what: "this build of migra has no backend for it yet (SQLite, PostgreSQL and MySQL/MariaDB so far)"
                .into(),
        }),
    }
}
