//! The SQLite backend: one sqlx connection (owned, or borrowed from the application's pool).

use super::conn::Conn;
use super::history::Tables;
use super::lock::LockState;
use migra_core::{
    Backend, BackendError, Capabilities, Dialect, DialectId, RunnerId, TxFailure, TxStep,
    async_trait,
};
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{AssertSqlSafe, ConnectOptions, Sqlite, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

/// How to open a SQLite database.
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    /// History table name; the log and lock tables are `<table>_log` and `<table>_lock`.
    pub table: String,
    /// Open without writing anything: the file is not created, journals are not touched, and a
    /// missing file reads as an empty database. Used by `plan`, `status` and dry runs.
    pub read_only: bool,
    /// How long a statement waits on another connection's write lock before failing.
    pub busy_timeout: Duration,
    /// Lease of the migration lock (see [`migra_core::backend::DEFAULT_LEASE`]).
    pub lease: Duration,
    /// How long a migration step polls for each statement's result (yielding its core between
    /// polls) before it sleeps until woken. sqlx runs SQLite on a worker thread, and each
    /// result that wakes a sleeping caller costs a context switch: about 0.3 s over 1,000
    /// migrations. Polling blocks the task's executor thread meanwhile, so it suits a process
    /// with nothing else to run there (the `migra` CLI uses 3 ms); `None`, the default, never
    /// polls.
    pub spin: Option<Duration>,
    /// Run each plain migration step on the caller's thread, through the connection's own
    /// SQLite handle taken from sqlx's worker for the step: `BEGIN IMMEDIATE`, the units, the
    /// bookkeeping and `COMMIT` without a thread hand-off per statement, as the `sqlite3` shell
    /// runs them (about 0.2 s less per 1,000 small migrations). The step blocks the executor
    /// thread for its whole length, however long its statements take, so it suits a process
    /// with nothing else to run there (the `migra` CLI); `false`, the default, leaves every
    /// statement on sqlx's worker thread. Steps that send whole scripts or write annotations
    /// always go through sqlx.
    pub in_thread: bool,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            table: "migra_history".into(),
            read_only: false,
            busy_timeout: Duration::from_secs(5),
            lease: migra_core::backend::DEFAULT_LEASE,
            spin: None,
            in_thread: false,
        }
    }
}

/// The connection: owned, or borrowed from the application's pool.
pub(super) enum Source {
    Owned(SqliteConnection),
    Pooled(PoolConnection<Sqlite>),
}

impl Source {
    pub(super) fn get(&mut self) -> &mut SqliteConnection {
        match self {
            Source::Owned(c) => c,
            Source::Pooled(c) => c,
        }
    }
}

/// A SQLite database driven by the executor.
///
/// While it holds the migration lock, a file database in SQLite's default `DELETE` journal mode
/// is journaled in `PERSIST` mode (the `-journal` file stays beside it between transactions);
/// unlocking switches the connection back, which deletes that file.
pub struct SqliteBackend {
    pub(super) conn: Conn,
    target: String,
    pub(super) tables: Tables,
    pub(super) lock: LockState,
    /// See [`SqliteOptions::spin`].
    pub(super) spin: Option<Duration>,
    /// See [`SqliteOptions::in_thread`].
    pub(super) in_thread: bool,
    /// While this connection journals in `PERSIST` mode (until the lock is released, see
    /// `journal.rs`): its own `journal_size_limit`, put back then.
    pub(super) kept_journal: Option<i64>,
}

impl SqliteBackend {
    /// Opens `url` (`sqlite://path`, `sqlite:path`, `sqlite::memory:`); the file is created if
    /// missing unless `opts.read_only`.
    ///
    /// Errors: [`BackendError::InvalidUrl`] for a malformed URL or history table name,
    /// [`BackendError::Connect`] when the file cannot be opened.
    pub async fn connect(url: &str, opts: &SqliteOptions) -> Result<Self, BackendError> {
        let tables = Tables::new(&opts.table).map_err(|reason| BackendError::InvalidUrl {
            url: url.into(),
            reason,
        })?;
        let parsed = SqliteConnectOptions::from_str(url).map_err(|e| BackendError::InvalidUrl {
            url: crate::redact_url(url),
            reason: e.to_string(),
        })?;
        let path = parsed.get_filename().to_path_buf();
        let memory = in_memory(url, &path);
        let connect_opts = if opts.read_only && !memory && !path.exists() {
            // Nothing to read, and a dry run must not create the file.
            SqliteConnectOptions::from_str("sqlite::memory:")
                .map_err(|e| BackendError::Driver(Box::new(e)))?
        } else if opts.read_only && !memory {
            parsed.read_only(true)
        } else {
            parsed.create_if_missing(true)
        };
        let connect_opts = connect_opts
            .busy_timeout(opts.busy_timeout)
            .disable_statement_logging();
        let target = if memory {
            "sqlite::memory:".to_string()
        } else {
            target_of(&path)
        };
        let conn = connect_opts
            .connect()
            .await
            .map_err(|e| BackendError::Connect {
                target: target.clone(),
                message: e.to_string(),
            })?;
        Ok(Self {
            conn: Conn::new(Source::Owned(conn)),
            target,
            tables,
            lock: LockState::new(opts.lease),
            spin: opts.spin,
            in_thread: opts.in_thread,
            kept_journal: None,
        })
    }

    /// Uses one connection of the application's pool for the whole run.
    ///
    /// Errors: [`BackendError::Connect`] when no connection can be acquired.
    pub async fn from_pool(pool: &SqlitePool, opts: &SqliteOptions) -> Result<Self, BackendError> {
        let tables = Tables::new(&opts.table).map_err(|reason| BackendError::InvalidUrl {
            url: "pool".into(),
            reason,
        })?;
        let conn = pool.acquire().await.map_err(|e| BackendError::Connect {
            target: "sqlite pool".into(),
            message: e.to_string(),
        })?;
        Ok(Self {
            conn: Conn::new(Source::Pooled(conn)),
            target: "sqlite pool".into(),
            tables,
            lock: LockState::new(opts.lease),
            spin: opts.spin,
            in_thread: opts.in_thread,
            kept_journal: None,
        })
    }

    pub(super) fn conn(&mut self) -> &mut SqliteConnection {
        self.conn.get()
    }

    pub(super) async fn raw(&mut self, sql: &str) -> Result<u64, BackendError> {
        let r = sqlx::raw_sql(AssertSqlSafe(sql))
            .execute(self.conn())
            .await
            .map_err(map_err)?;
        Ok(r.rows_affected())
    }
}

/// True when `url` (whose file part is `path`) names an in-memory database.
pub(super) fn in_memory(url: &str, path: &std::path::Path) -> bool {
    path.as_os_str().is_empty()
        || path.to_string_lossy() == ":memory:"
        || url.contains("mode=memory")
}

/// How the backend names the database file `path` (its [`Backend::target`]).
pub(super) fn target_of(path: &std::path::Path) -> String {
    format!("sqlite://{}", path.display())
}

pub(super) use crate::dml::is_dml;
pub(super) use crate::faults::map_err;

#[async_trait]
impl Backend for SqliteBackend {
    fn dialect(&self) -> DialectId {
        DialectId::Sqlite
    }
    fn capabilities(&self) -> Capabilities {
        super::SqliteDialect.capabilities()
    }
    fn target(&self) -> String {
        self.target.clone()
    }
    async fn lock(&mut self, runner: &RunnerId, wait: Duration) -> Result<(), BackendError> {
        super::lock::acquire(self, runner, wait).await
    }
    async fn refresh_lock(&mut self, runner: &RunnerId) -> Result<(), BackendError> {
        super::lock::refresh(self, runner).await
    }
    async fn unlock(&mut self, runner: &RunnerId) -> Result<(), BackendError> {
        super::lock::release(self, runner).await
    }
    async fn begin(&mut self) -> Result<(), BackendError> {
        // IMMEDIATE takes the write lock now, so a concurrent writer waits here instead of
        // failing later with SQLITE_BUSY when a read lock cannot be upgraded.
        self.raw("BEGIN IMMEDIATE").await.map(drop)
    }
    async fn commit(&mut self) -> Result<(), BackendError> {
        self.raw("COMMIT").await.map(drop)
    }
    async fn rollback(&mut self) -> Result<(), BackendError> {
        self.raw("ROLLBACK").await.map(drop)
    }
    async fn execute(&mut self, sql: &str) -> Result<u64, BackendError> {
        let n = self.raw(sql).await?;
        // sqlite3_changes() keeps the previous DML count through DDL statements: count DML only.
        Ok(if is_dml(sql) { n } else { 0 })
    }
    async fn execute_script(&mut self, sql: &str) -> Result<u64, BackendError> {
        self.raw(sql).await
    }
    fn joins_transaction(&self, sql: &str) -> bool {
        crate::dml::is_dml(sql)
    }
    async fn query_value(
        &mut self,
        sql: &str,
    ) -> Result<Option<migra_core::SqlValue>, BackendError> {
        crate::kv::query_value(self.conn(), sql)
            .await
            .map_err(map_err)
    }
    async fn query_rows(
        &mut self,
        sql: &str,
    ) -> Result<Vec<Vec<migra_core::SqlValue>>, BackendError> {
        crate::kv::query_rows(self.conn(), sql)
            .await
            .map_err(map_err)
    }
    fn is_transient(&self, e: &BackendError) -> bool {
        matches!(e, BackendError::Statement { code: Some(c), .. }
            // SQLITE_BUSY, SQLITE_LOCKED and their extended codes.
            if matches!(c.as_str(), "5" | "6" | "261" | "262" | "517"))
    }
    fn inspector(&mut self) -> Option<&mut dyn migra_core::Inspector> {
        Some(self)
    }
    async fn run_transaction(&mut self, step: &TxStep<'_>) -> Result<u64, TxFailure> {
        super::batch::run(self, step).await
    }
}
