//! The MySQL/MariaDB backend: one connection. DDL commits implicitly, so the executor runs each
//! migration statement by statement and history records progress after every one.

use super::history::Tables;
use crate::redact_url;
use migra_core::{Backend, BackendError, Capabilities, Dialect, DialectId, RunnerId, async_trait};
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
use sqlx::{AssertSqlSafe, ConnectOptions};
use std::str::FromStr;
use std::time::Duration;

/// How to open a MySQL or MariaDB database.
#[derive(Debug, Clone)]
pub struct MysqlOptions {
    /// History table name; the log and lock tables are `<table>_log` and `<table>_lock`.
    pub table: String,
    /// Lease of the migration lock.
    pub lease: Duration,
    /// How long opening the connection may take
    /// ([`crate::DEFAULT_CONNECT_TIMEOUT`]); the URL's `connect_timeout` (seconds,
    /// `0` = forever) overrides it. `None` waits forever.
    pub connect_timeout: Option<Duration>,
}

impl Default for MysqlOptions {
    fn default() -> Self {
        Self {
            table: "migra_history".into(),
            lease: migra_core::backend::DEFAULT_LEASE,
            connect_timeout: Some(crate::DEFAULT_CONNECT_TIMEOUT),
        }
    }
}

/// A MySQL or MariaDB database driven by the executor.
pub struct MysqlBackend {
    pub(super) conn: MySqlConnection,
    /// How [`Backend::reconnect`] (and the lease's heartbeat) open a new connection.
    pub(super) options: MySqlConnectOptions,
    pub(super) connect_timeout: Option<Duration>,
    pub(super) target: String,
    /// Extends the lease on a connection of its own while the lock is held.
    pub(super) heartbeat: Option<super::heartbeat::Heartbeat>,
    pub(super) tables: Tables,
    pub(super) lease: Duration,
    pub(super) last_refresh: Option<std::time::Instant>,
    /// The last rollback left changes in effect ([`Backend::take_incomplete_rollback`]).
    rollback_incomplete: bool,
    /// The URL's database, where [`Backend::restore_session`] goes back to.
    pub(super) database: Option<String>,
    /// The statement [`Backend::restore_session`] runs: the session as it was before the first
    /// migration (read by `ensure_history`, under the lock).
    pub(super) session: Option<String>,
}

impl MysqlBackend {
    /// Connects to `url` (`mysql://user:password@host:port/database`, `mariadb://` too).
    ///
    /// Errors: [`BackendError::InvalidUrl`]; [`BackendError::Connect`] saying what failed
    /// (host unreachable, access denied, unknown database), never with the password.
    pub async fn connect(url: &str, opts: &MysqlOptions) -> Result<Self, BackendError> {
        let target = redact_url(url);
        let normalized = url
            .strip_prefix("mariadb:")
            .map_or_else(|| url.to_string(), |rest| format!("mysql:{rest}"));
        let options = MySqlConnectOptions::from_str(&normalized)
            .map_err(|e| BackendError::InvalidUrl {
                url: target.clone(),
                reason: crate::net::url_error(
                    &e,
                    "`mysql://NAME@localhost/DB?socket=/path/to/mysqld.sock`",
                ),
            })?
            .disable_statement_logging();
        // Named with their database: a migration's `USE other` must not move the bookkeeping.
        let tables = Tables::new(options.get_database(), &opts.table).map_err(|reason| {
            BackendError::InvalidUrl {
                url: target.clone(),
                reason,
            }
        })?;
        let connect_timeout = crate::net::connect_timeout(url, &target, opts.connect_timeout)?;
        let conn = open(&options, &target, connect_timeout).await?;
        Ok(Self {
            conn,
            database: options.get_database().map(str::to_string),
            options,
            connect_timeout,
            target,
            tables,
            lease: opts.lease,
            last_refresh: None,
            rollback_incomplete: false,
            session: None,
            heartbeat: None,
        })
    }

    pub(super) async fn raw(&mut self, sql: &str) -> Result<u64, BackendError> {
        let r = sqlx::raw_sql(AssertSqlSafe(sql))
            .execute(&mut self.conn)
            .await
            .map_err(map_err)?;
        Ok(r.rows_affected())
    }
}

/// Opens one connection within `limit`, turning driver errors into messages that say what
/// failed.
pub(super) async fn open(
    options: &MySqlConnectOptions,
    target: &str,
    limit: Option<Duration>,
) -> Result<MySqlConnection, BackendError> {
    let to = crate::net::Endpoint {
        target,
        place: place(options),
        server: "MySQL or MariaDB",
        limit,
    };
    crate::net::open(&to, options.connect(), |db| match db.code().as_deref() {
        Some("28000") => Some(crate::net::login_refused(
            options.get_username(),
            db.message(),
        )),
        Some("42000") if db.message().contains("Unknown database") => Some(format!(
            "database `{}` does not exist",
            options.get_database().unwrap_or("?")
        )),
        _ => None,
    })
    .await
}

/// Where `options` connect: `host:port`, or the Unix socket's path.
fn place(options: &MySqlConnectOptions) -> String {
    match options.get_socket() {
        Some(path) => path.display().to_string(),
        None => format!("{}:{}", options.get_host(), options.get_port()),
    }
}

pub(super) use crate::faults::map_err;

#[async_trait]
impl Backend for MysqlBackend {
    fn dialect(&self) -> DialectId {
        DialectId::Mysql
    }
    fn capabilities(&self) -> Capabilities {
        super::MysqlDialect.capabilities()
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
        // What an earlier rollback kept says nothing about this transaction.
        self.rollback_incomplete = false;
        self.raw("START TRANSACTION").await.map(drop)
    }
    async fn commit(&mut self) -> Result<(), BackendError> {
        self.raw("COMMIT").await.map(drop)
    }
    async fn rollback(&mut self) -> Result<(), BackendError> {
        self.raw("ROLLBACK").await?;
        // A table outside transactions (MyISAM, Aria, MEMORY) keeps what the transaction wrote,
        // and the server says so only as a warning of the ROLLBACK. Read as text: preparing a
        // statement could clear the warnings it reads.
        let warnings = sqlx::raw_sql("SHOW WARNINGS")
            .fetch_all(&mut self.conn)
            .await;
        self.rollback_incomplete = warnings.is_ok_and(|rows| {
            rows.iter()
                .any(|r| sqlx::Row::try_get::<u32, _>(r, 1).is_ok_and(|code| code == 1196))
        });
        Ok(())
    }
    fn take_incomplete_rollback(&mut self) -> bool {
        std::mem::take(&mut self.rollback_incomplete)
    }
    async fn execute(&mut self, sql: &str) -> Result<u64, BackendError> {
        self.raw(sql).await
    }
    async fn execute_script(&mut self, sql: &str) -> Result<u64, BackendError> {
        self.raw(sql).await
    }
    async fn reconnect(&mut self) -> Result<(), BackendError> {
        self.conn = open(&self.options, &self.target, self.connect_timeout).await?;
        self.rollback_incomplete = false;
        Ok(())
    }
    async fn restore_session(&mut self) -> Result<(), BackendError> {
        // Read by ensure_history, which every run calls before its first migration.
        match self.session.clone() {
            Some(sql) => self.raw(&sql).await.map(drop),
            None => Ok(()),
        }
    }
    fn joins_transaction(&self, sql: &str) -> bool {
        crate::dml::is_dml(sql)
    }
    async fn execute_then_progress(
        &mut self,
        sql: &str,
        progress: &migra_core::Revision,
    ) -> Result<u64, migra_core::ProgressFailure> {
        super::record::execute_then_progress(self, sql, progress).await
    }
    async fn record(
        &mut self,
        rev: &migra_core::Revision,
        log: &migra_core::LogEntry,
    ) -> Result<(), BackendError> {
        super::record::record(self, rev, log).await
    }
    async fn record_and_start(
        &mut self,
        rev: &migra_core::Revision,
        log: &migra_core::LogEntry,
        next: &migra_core::Revision,
    ) -> Result<bool, BackendError> {
        super::record::record_and_start(self, rev, log, next).await
    }
    async fn query_value(
        &mut self,
        sql: &str,
    ) -> Result<Option<migra_core::SqlValue>, BackendError> {
        crate::kv::query_value(&mut self.conn, sql)
            .await
            .map_err(map_err)
    }
    async fn query_rows(
        &mut self,
        sql: &str,
    ) -> Result<Vec<Vec<migra_core::SqlValue>>, BackendError> {
        crate::kv::query_rows(&mut self.conn, sql)
            .await
            .map_err(map_err)
    }
    async fn estimated_rows(&mut self, table: &str) -> Result<Option<u64>, BackendError> {
        let lit = |s: &str| migra_core::dialect::quote_with(s, '\'');
        let sql = {
            let name = table.rsplit('.').next().unwrap_or(table);
            format!(
                "SELECT CAST(table_rows AS SIGNED) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = {}",
                lit(name)
            )
        };
        let v = migra_core::Backend::query_value(self, &sql).await?;
        Ok(v.and_then(|v| v.as_i64()).map(|n| n.max(0) as u64))
    }
    fn is_transient(&self, e: &BackendError) -> bool {
        matches!(e, BackendError::Statement { code, message }
            // 1213 deadlock / Galera certification failure (40001); 1205 lock wait timeout,
            // whose SQLSTATE (HY000) is shared by unrelated errors, so its message tells it.
            if code.as_deref() == Some("40001") || message.starts_with("Lock wait timeout exceeded"))
    }
    fn inspector(&mut self) -> Option<&mut dyn migra_core::Inspector> {
        Some(self)
    }
}
