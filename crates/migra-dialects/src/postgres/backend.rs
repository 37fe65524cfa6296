//! The PostgreSQL backend: one connection for migrations and history, and (while locked) a
//! second, dedicated connection that holds the advisory lock outside any transaction.

use super::history::Tables;
use crate::redact_url;
use migra_core::client::ClientCopy;
use migra_core::{Backend, BackendError, Capabilities, Dialect, DialectId, RunnerId, async_trait};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{AssertSqlSafe, ConnectOptions};
use std::str::FromStr;
use std::time::Duration;

/// How to open a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PostgresOptions {
    /// History table name; the log table is `<table>_log`. The lock is an advisory lock keyed by
    /// this name.
    pub table: String,
    /// How long opening a connection may take ([`crate::DEFAULT_CONNECT_TIMEOUT`]); the URL's
    /// `connect_timeout` (seconds, `0` = forever) overrides it. `None` waits forever.
    pub connect_timeout: Option<Duration>,
    /// How often the lock's connection is pinged while a statement runs on the other one (60 s):
    /// a proxy or NAT that drops idle TCP would otherwise drop it, and the lock, during a long
    /// statement.
    pub lock_ping: Duration,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        Self {
            table: "migra_history".into(),
            connect_timeout: Some(crate::DEFAULT_CONNECT_TIMEOUT),
            lock_ping: Duration::from_secs(60),
        }
    }
}

/// A PostgreSQL database driven by the executor.
pub struct PostgresBackend {
    pub(super) conn: PgConnection,
    pub(super) options: PgConnectOptions,
    pub(super) target: String,
    pub(super) tables: Tables,
    /// The dedicated connection holding the advisory lock, while it is held. Dropping the
    /// backend closes it, which ends its session and so releases the lock on every path.
    pub(super) lock_conn: Option<PgConnection>,
    /// The bookkeeping statements this session has `PREPARE`d (see `tx.rs`).
    pub(super) prepared: Vec<&'static str>,
    /// How long opening each connection may take.
    pub(super) connect_timeout: Option<Duration>,
    /// See [`PostgresOptions::lock_ping`].
    pub(super) lock_ping: Duration,
}

impl PostgresBackend {
    /// Connects to `url` (`postgres://user:password@host:port/database?sslmode=...`).
    ///
    /// Errors: [`BackendError::InvalidUrl`] for a malformed URL or history table name;
    /// [`BackendError::Connect`] saying what failed (host unreachable, authentication, missing
    /// database), never with the password.
    pub async fn connect(url: &str, opts: &PostgresOptions) -> Result<Self, BackendError> {
        let target = redact_url(url);
        let tables = Tables::new(None, &opts.table).map_err(|reason| BackendError::InvalidUrl {
            url: target.clone(),
            reason,
        })?;
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| BackendError::InvalidUrl {
                url: target.clone(),
                reason: crate::net::url_error(&e, "`postgres:///DB?host=/socket/dir&user=NAME`"),
            })?
            .disable_statement_logging();
        let connect_timeout = crate::net::connect_timeout(url, &target, opts.connect_timeout)?;
        let conn = open(&options, &target, connect_timeout).await?;
        Ok(Self {
            conn,
            options,
            target,
            tables,
            lock_conn: None,
            prepared: Vec::new(),
            connect_timeout,
            lock_ping: opts.lock_ping,
        })
    }

    pub(super) async fn raw(&mut self, sql: &str) -> Result<u64, BackendError> {
        let r = sqlx::raw_sql(AssertSqlSafe(sql))
            .execute(&mut self.conn)
            .await
            .map_err(map_err)?;
        Ok(r.rows_affected())
    }

    /// Runs a migration's own `sql`; see [`may_drop_prepared`].
    async fn user_sql(&mut self, sql: &str) -> Result<u64, BackendError> {
        match migra_core::client::client_copy(sql) {
            Some(ClientCopy::Rows { command, rows }) => {
                return super::copy::copy_in(&mut self.conn, &command, &rows).await;
            }
            Some(ClientCopy::Refused) => return Err(super::copy::refused()),
            None => {}
        }
        // A failed ping is for the executor's next lock check to report.
        let work = sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut self.conn);
        let every = self.lock_ping;
        let (_, r) = super::lock::beside(self.lock_conn.as_mut(), every, false, work).await;
        let r = r.map(|done| done.rows_affected()).map_err(map_err);
        if may_drop_prepared(sql) {
            self.forget_cached_statements().await;
        }
        match super::cic::parse(sql) {
            Some(c) => self.after_concurrent_build(&c, r).await,
            None => r,
        }
    }

    /// Outcome `r` of concurrent index build `c`, checked for an invalid index by its name
    /// (see [`super::cic`]): a failed build's is dropped (the error says so), and a build whose
    /// `IF NOT EXISTS` skipped one fails.
    async fn after_concurrent_build(
        &mut self,
        c: &super::cic::Concurrent,
        r: Result<u64, BackendError>,
    ) -> Result<u64, BackendError> {
        let Some(index) = &c.index else {
            return r;
        };
        let settled = match &r {
            Ok(_) => !c.if_not_exists,
            Err(e) => e.is_connection_lost(),
        };
        if settled {
            return r;
        }
        let sql = super::cic::invalid_index_sql(c, index);
        let Ok(Some(migra_core::SqlValue::Text(name))) =
            migra_core::Backend::query_value(self, &sql).await
        else {
            return r;
        };
        match r {
            Ok(_) => Err(super::cic::skipped_invalid(&name)),
            Err(e) => {
                let drop = format!("DROP INDEX CONCURRENTLY IF EXISTS {name}");
                let dropped = self.raw(&drop).await.is_ok();
                Err(super::cic::left_behind(e, &name, dropped))
            }
        }
    }

    /// Makes the driver forget its cached statements (closing one that is gone is no error), so
    /// it prepares them again.
    pub(super) async fn forget_cached_statements(&mut self) {
        let _ = sqlx::Connection::clear_cached_statements(&mut self.conn).await;
    }
}

/// True when a migration's `sql` may hold a `DEALLOCATE` or `DISCARD`, which also drops the
/// statements the driver cached on this session: their next use would fail unless forgotten.
pub(super) fn may_drop_prepared(sql: &str) -> bool {
    use migra_core::words::contains_ignore_case;
    contains_ignore_case(sql, "deallocate") || contains_ignore_case(sql, "discard")
}

/// Where `options` connect: `host:port`, or the Unix socket the driver opens for a socket
/// directory (given as `host=/dir` or a socket option).
fn place(options: &PgConnectOptions) -> String {
    let port = options.get_port();
    match options.get_socket() {
        Some(dir) => format!("{}/.s.PGSQL.{port}", dir.display()),
        None if options.get_host().starts_with('/') => {
            format!("{}/.s.PGSQL.{port}", options.get_host())
        }
        None => format!("{}:{port}", options.get_host()),
    }
}

/// Opens one connection within `limit`, turning driver errors into messages that say what
/// failed.
pub(super) async fn open(
    options: &PgConnectOptions,
    target: &str,
    limit: Option<Duration>,
) -> Result<PgConnection, BackendError> {
    let to = crate::net::Endpoint {
        target,
        place: place(options),
        server: "PostgreSQL",
        limit,
    };
    crate::net::open(&to, options.connect(), |db| match db.code().as_deref() {
        Some("28P01") | Some("28000") => Some(crate::net::login_refused(
            options.get_username(),
            db.message(),
        )),
        Some("3D000") => Some(format!(
            "database `{}` does not exist",
            options.get_database().unwrap_or("?")
        )),
        _ => None,
    })
    .await
}

pub(super) use crate::faults::map_err;

#[async_trait]
impl Backend for PostgresBackend {
    fn dialect(&self) -> DialectId {
        DialectId::Postgres
    }
    fn capabilities(&self) -> Capabilities {
        super::PostgresDialect.capabilities()
    }
    fn target(&self) -> String {
        self.target.clone()
    }
    async fn lock(
        &mut self,
        runner: &RunnerId,
        wait: std::time::Duration,
    ) -> Result<(), BackendError> {
        super::lock::acquire(self, runner, wait).await
    }
    async fn refresh_lock(&mut self, _runner: &RunnerId) -> Result<(), BackendError> {
        super::lock::check(self).await
    }
    async fn unlock(&mut self, _runner: &RunnerId) -> Result<(), BackendError> {
        super::lock::release(self).await
    }
    async fn begin(&mut self) -> Result<(), BackendError> {
        self.raw("BEGIN").await.map(drop)
    }
    async fn begin_batch(&mut self) -> Result<(), BackendError> {
        // Only this transaction: the batch and its checkpoint are lost or kept together.
        self.raw("BEGIN; SET LOCAL synchronous_commit = off")
            .await
            .map(drop)
    }
    async fn commit(&mut self) -> Result<(), BackendError> {
        self.raw("COMMIT").await.map(drop)
    }
    async fn rollback(&mut self) -> Result<(), BackendError> {
        self.raw("ROLLBACK").await.map(drop)
    }
    async fn execute(&mut self, sql: &str) -> Result<u64, BackendError> {
        self.user_sql(sql).await
    }
    async fn execute_script(&mut self, sql: &str) -> Result<u64, BackendError> {
        self.user_sql(sql).await
    }
    async fn reconnect(&mut self) -> Result<(), BackendError> {
        self.conn = open(&self.options, &self.target, self.connect_timeout).await?;
        // The statements prepared by name died with the old session.
        self.prepared.clear();
        Ok(())
    }
    async fn restore_session(&mut self) -> Result<(), BackendError> {
        // Every setting to the session's default: the server's, the user's or database's, or the
        // connection's own (the URL's `options=-c ...`). The role stays (RESET ALL keeps it).
        self.raw("RESET ALL").await.map(drop)
    }
    fn joins_transaction(&self, sql: &str) -> bool {
        crate::dml::is_dml(sql)
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
        let sql = format!(
            "SELECT CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::bigint END FROM pg_class c WHERE c.oid = to_regclass({})",
            lit(table)
        );
        let v = migra_core::Backend::query_value(self, &sql).await?;
        Ok(v.and_then(|v| v.as_i64()).map(|n| n.max(0) as u64))
    }
    fn is_transient(&self, e: &BackendError) -> bool {
        matches!(e, BackendError::Statement { code: Some(c), .. }
            // lock_not_available (lock_timeout), deadlock_detected, serialization_failure
            if c == "55P03" || c == "40P01" || c == "40001")
    }
    fn inspector(&mut self) -> Option<&mut dyn migra_core::Inspector> {
        Some(self)
    }
    async fn run_transaction(
        &mut self,
        step: &migra_core::TxStep<'_>,
    ) -> Result<u64, migra_core::TxFailure> {
        super::tx::run(self, step).await
    }
    async fn record(
        &mut self,
        rev: &migra_core::Revision,
        log: &migra_core::LogEntry,
    ) -> Result<(), BackendError> {
        super::tx::record(self, rev, log).await
    }
}
