//! The history state table and append-only log in MySQL/MariaDB.
//!
//! Writes here are not inside the migration's transaction (MySQL DDL commits implicitly); the
//! executor records progress after every statement instead, under the lock.

use super::backend::{MysqlBackend, map_err};
use crate::faults::{history_err, or_absent};
use crate::rows::COLUMNS;
use migra_core::{BackendError, HistoryStore, LogEntry, Revision, async_trait};
use sqlx::AssertSqlSafe;

/// SQL for the history, log and lock tables, built once from the (validated, quoted) name.
pub(super) struct Tables {
    pub name: String,
    create: String,
    pub kv: crate::kv::KvSql,
    select: String,
    /// The [`migra_core::HistoryDigest`] query.
    digest: String,
    pub upsert: String,
    /// [`Tables::upsert`] unless the version is applied: 15 row values, then the sort key again.
    /// Affects no row exactly when the version is applied (sqlx sets `CLIENT_FOUND_ROWS`, so an
    /// update to the same values still counts).
    pub upsert_unless_applied: String,
    pub insert_log: String,
    select_log: String,
    pub create_lock: String,
    pub lock_insert: String,
    pub lock_select: String,
    pub lock_takeover: String,
    pub lock_refresh: String,
    pub lock_delete: String,
}

impl Tables {
    /// Builds the SQL for table `name` in database `db` (the connection's own when `None`).
    /// Errors when the name is not a plain identifier.
    pub fn new(db: Option<&str>, name: &str) -> Result<Self, String> {
        crate::rows::check_table_name(name, true, 59)?;
        let q = |s: &str| crate::rows::qualified(migra_core::DialectId::Mysql, db, s);
        let (h, log, lock) = (
            q(name),
            q(&format!("{name}_log")),
            q(&format!("{name}_lock")),
        );
        let update_all = crate::rows::update_all(|c| format!("VALUES({c})"));
        let kv = crate::kv::KvSql::new(migra_core::DialectId::Mysql, db, name);
        Ok(Self {
            name: name.to_string(),
            create: format!(
                "CREATE TABLE IF NOT EXISTS {h} (\
                   sort_key VARCHAR(191) NOT NULL PRIMARY KEY, version VARCHAR(191) NOT NULL, name TEXT NOT NULL, \
                   checksum VARCHAR(128) NOT NULL, checksum_algorithm VARCHAR(64) NOT NULL, status VARCHAR(32) NOT NULL, \
                   applied_statements BIGINT NOT NULL, total_statements BIGINT NOT NULL, \
                   started_at VARCHAR(40) NOT NULL, finished_at VARCHAR(40), duration_ms BIGINT NOT NULL, \
                   error TEXT, failing_statement MEDIUMTEXT, applied_by TEXT NOT NULL, progress_checksum TEXT) DEFAULT CHARSET = utf8mb4;\n\
                 CREATE TABLE IF NOT EXISTS {log} (\
                   id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, version VARCHAR(191) NOT NULL, name TEXT NOT NULL, \
                   action VARCHAR(32) NOT NULL, checksum VARCHAR(128) NOT NULL, at VARCHAR(40) NOT NULL, \
                   duration_ms BIGINT NOT NULL, `by` TEXT NOT NULL, error TEXT, failing_statement MEDIUMTEXT) \
                   DEFAULT CHARSET = utf8mb4;\n{}",
                kv.create
            ),
            kv,
            digest: crate::digest::sql(migra_core::DialectId::Mysql, &h),
            select: format!("SELECT {COLUMNS} FROM {h} ORDER BY sort_key"),
            upsert: format!(
                "INSERT INTO {h} ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE {update_all}"
            ),
            upsert_unless_applied: format!(
                "INSERT INTO {h} ({COLUMNS}) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM DUAL \
                 WHERE NOT EXISTS (SELECT 1 FROM {h} WHERE sort_key = ? AND status = 'applied') \
                 ON DUPLICATE KEY UPDATE {update_all}"
            ),
            insert_log: format!(
                "INSERT INTO {log} (version, name, action, checksum, at, duration_ms, `by`, error, failing_statement) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            select_log: format!(
                "SELECT version, name, action, checksum, at, duration_ms, `by`, error, failing_statement FROM {log} ORDER BY id"
            ),
            create_lock: format!(
                "CREATE TABLE IF NOT EXISTS {lock} (id INT NOT NULL PRIMARY KEY, owner VARCHAR(191) NOT NULL, \
                   holder TEXT NOT NULL, host VARCHAR(191) NOT NULL, pid BIGINT NOT NULL, acquired_at VARCHAR(40) NOT NULL, \
                   expires_at_ms BIGINT NOT NULL) DEFAULT CHARSET = utf8mb4"
            ),
            lock_insert: format!(
                "INSERT INTO {lock} (id, owner, holder, host, pid, acquired_at, expires_at_ms) VALUES (1, ?, ?, ?, ?, ?, ?)"
            ),
            lock_select: format!(
                "SELECT owner, holder, host, pid, acquired_at, expires_at_ms FROM {lock} WHERE id = 1"
            ),
            lock_takeover: format!(
                "UPDATE {lock} SET owner = ?, holder = ?, host = ?, pid = ?, acquired_at = ?, expires_at_ms = ? \
                 WHERE id = 1 AND owner = ?"
            ),
            lock_refresh: format!("UPDATE {lock} SET expires_at_ms = ? WHERE id = 1 AND owner = ?"),
            lock_delete: format!("DELETE FROM {lock} WHERE id = 1 AND owner = ?"),
        })
    }
}

/// SQLSTATE 42S02: no such table.
fn is_missing_table(e: &BackendError) -> bool {
    matches!(e, BackendError::Statement { code: Some(c), .. } if c == "42S02")
}

impl MysqlBackend {
    /// Runs `sql` and decodes each row; an absent history table reads as empty (and is not created).
    ///
    /// A text query (one round trip, nothing prepared): history is read once per process, and
    /// the startup check waits for it.
    async fn read_rows<T>(
        &mut self,
        sql: String,
        decode: fn(&sqlx::mysql::MySqlRow) -> Result<T, sqlx::Error>,
    ) -> Result<Vec<T>, BackendError> {
        let rows = sqlx::raw_sql(AssertSqlSafe(sql))
            .fetch_all(&mut self.conn)
            .await;
        let rows = or_absent(rows, Vec::new(), is_missing_table, &self.tables.name)?;
        rows.iter()
            .map(decode)
            .collect::<Result<_, _>>()
            .map_err(|e| history_err(&self.tables.name, e))
    }
}

#[async_trait]
impl HistoryStore for MysqlBackend {
    async fn ensure_history(&mut self) -> Result<(), BackendError> {
        // Before any migration runs: the session the migration after a `SET` gets back.
        let session = super::session::snapshot(&mut self.conn, self.database.as_deref()).await?;
        self.session = Some(session);
        let sql = self.tables.create.clone();
        self.raw(&sql).await?;
        let check = format!("{} LIMIT 0", self.tables.select);
        sqlx::query(AssertSqlSafe(check))
            .fetch_all(&mut self.conn)
            .await
            .map_err(|e| history_err(&self.tables.name, e))?;
        Ok(())
    }

    async fn read_history(&mut self) -> Result<Vec<Revision>, BackendError> {
        let sql = self.tables.select.clone();
        self.read_rows(sql, crate::rows::revision).await
    }

    async fn read_digest(&mut self) -> Result<Option<migra_core::HistoryDigest>, BackendError> {
        let sql = self.tables.digest.clone();
        let rows = self.read_rows(sql, crate::digest::text).await?;
        crate::digest::from_rows(&self.tables.name, &rows).map(Some)
    }

    async fn write_revision(
        &mut self,
        rev: &Revision,
        expect_not_applied: bool,
    ) -> Result<(), BackendError> {
        if expect_not_applied {
            // Under the lock, one conditional write is the compare-and-set.
            let q = sqlx::query(AssertSqlSafe(self.tables.upsert_unless_applied.clone()));
            let written = crate::rows::bind_revision(q, rev)
                .bind(&rev.sort_key)
                .execute(&mut self.conn)
                .await
                .map_err(map_err)?;
            if written.rows_affected() == 0 {
                return Err(super::record::applied_meanwhile(&rev.version));
            }
            return Ok(());
        }
        crate::rows::bind_revision(sqlx::query(AssertSqlSafe(self.tables.upsert.clone())), rev)
            .execute(&mut self.conn)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn append_log(&mut self, e: &LogEntry) -> Result<(), BackendError> {
        crate::rows::bind_log(
            sqlx::query(AssertSqlSafe(self.tables.insert_log.clone())),
            e,
        )
        .execute(&mut self.conn)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn read_log(&mut self) -> Result<Vec<LogEntry>, BackendError> {
        let sql = self.tables.select_log.clone();
        self.read_rows(sql, crate::rows::log_entry).await
    }

    async fn put_annotation(&mut self, a: &migra_core::Annotation) -> Result<(), BackendError> {
        crate::kv::put(&mut self.conn, &self.tables.kv, a)
            .await
            .map_err(map_err)
    }

    async fn read_annotations(
        &mut self,
        kind: migra_core::AnnotationKind,
    ) -> Result<Vec<migra_core::Annotation>, BackendError> {
        let read = crate::kv::read(&mut self.conn, &self.tables.kv, kind).await;
        or_absent(read, Vec::new(), is_missing_table, &self.tables.name)
    }

    async fn delete_annotations(
        &mut self,
        kind: migra_core::AnnotationKind,
        sort_key: &str,
        key: Option<&str>,
    ) -> Result<u64, BackendError> {
        let done = crate::kv::delete(&mut self.conn, &self.tables.kv, (kind, sort_key, key)).await;
        or_absent(
            done.map(|d| d.rows_affected()),
            0,
            is_missing_table,
            &self.tables.name,
        )
    }
}
