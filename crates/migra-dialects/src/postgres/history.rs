//! The history state table and append-only log in PostgreSQL.

use super::backend::{PostgresBackend, map_err};
use crate::faults::{history_err, or_absent};
use crate::rows::COLUMNS;
use migra_core::{BackendError, HistoryStore, LogEntry, Revision, async_trait};
use sqlx::AssertSqlSafe;

/// SQL for the history tables, built once from the (validated, quoted) table name.
pub(super) struct Tables {
    pub name: String,
    create: String,
    pub kv: crate::kv::KvSql,
    select: String,
    /// The [`migra_core::HistoryDigest`] query, and the one for a table without stored terms.
    digest: String,
    digest_hashing: String,
    /// Whether the state table lacks the stored term column: one boolean row.
    term_missing: String,
    /// Adds the stored term column.
    add_term: String,
    upsert: String,
    upsert_if_not_applied: String,
    insert_log: String,
    /// The state row ($1-$15) and, from its `RETURNING`, the log row ($16-$24): one statement.
    pub record: String,
    /// [`Tables::record`] refusing a version already applied: then no row is written and it fails
    /// with division by zero (SQLSTATE 22012), so that a statement string stops there instead of
    /// going on to `COMMIT`.
    pub record_or_fail: String,
    /// [`Tables::record`] as a plain insert, for a version without a state row: a duplicate key
    /// (SQLSTATE 23505) means another runner recorded it meanwhile. Cheaper than the upsert.
    pub record_new: String,
    select_log: String,
}

impl Tables {
    /// Builds the SQL for table `name` in `schema` (where the search path finds it when `None`).
    /// Errors when the name is not a plain identifier.
    pub fn new(schema: Option<&str>, name: &str) -> Result<Self, String> {
        crate::rows::check_table_name(name, true, 59)?;
        let q = |s: &str| crate::rows::qualified(migra_core::DialectId::Postgres, schema, s);
        let (h, log) = (q(name), q(&format!("{name}_log")));
        let update_all = crate::rows::update_all(|c| format!("excluded.{c}"));
        let plain = format!(
            "INSERT INTO {h} ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        );
        let insert = format!("{plain} ON CONFLICT (sort_key) DO UPDATE SET {update_all}");
        let kv = crate::kv::KvSql::new(migra_core::DialectId::Postgres, schema, name);
        let guarded = format!("{insert} WHERE {h}.status <> 'applied'");
        let log_from_state = format!(
            "INSERT INTO {log} (version, name, action, checksum, at, duration_ms, by, error, failing_statement) \
             SELECT $16, $17, $18, $19, $20, $21, $22, $23, $24 FROM state"
        );
        let record = |state: &str| format!("WITH state AS ({state} RETURNING 1) {log_from_state}");
        let record_or_fail = format!(
            "WITH state AS ({guarded} RETURNING 1), logged AS ({log_from_state} RETURNING 1) \
             SELECT 1 / count(*) FROM logged"
        );
        Ok(Self {
            record_new: record(&plain),
            record_or_fail,
            record: record(&insert),
            name: name.to_string(),
            create: format!(
                "CREATE TABLE IF NOT EXISTS {h} (\
                   sort_key TEXT PRIMARY KEY, version TEXT NOT NULL, name TEXT NOT NULL, \
                   checksum TEXT NOT NULL, checksum_algorithm TEXT NOT NULL, status TEXT NOT NULL, \
                   applied_statements BIGINT NOT NULL, total_statements BIGINT NOT NULL, \
                   started_at TEXT NOT NULL, finished_at TEXT, duration_ms BIGINT NOT NULL, \
                   error TEXT, failing_statement TEXT, applied_by TEXT NOT NULL, progress_checksum TEXT);\n\
                 CREATE TABLE IF NOT EXISTS {log} (\
                   id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, version TEXT NOT NULL, name TEXT NOT NULL, \
                   action TEXT NOT NULL, checksum TEXT NOT NULL, at TEXT NOT NULL, duration_ms BIGINT NOT NULL, \
                   by TEXT NOT NULL, error TEXT, failing_statement TEXT);\n{}",
                kv.create
            ),
            kv,
            digest: crate::digest::sql(migra_core::DialectId::Postgres, &h),
            digest_hashing: crate::digest::pg_hashing_sql(&h),
            term_missing: format!(
                "SELECT NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass({}) \
                 AND attname = '{}' AND NOT attisdropped)",
                migra_core::dialect::quote_with(&h, '\''),
                crate::digest::PG_TERM_COLUMN
            ),
            add_term: format!(
                "ALTER TABLE {h} ADD COLUMN IF NOT EXISTS {}",
                crate::digest::pg_term_column()
            ),
            select: format!("SELECT {COLUMNS} FROM {h} ORDER BY sort_key"),
            upsert_if_not_applied: guarded,
            upsert: insert,
            insert_log: format!(
                "INSERT INTO {log} (version, name, action, checksum, at, duration_ms, by, error, failing_statement) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            ),
            select_log: format!(
                "SELECT version, name, action, checksum, at, duration_ms, by, error, failing_statement FROM {log} ORDER BY id"
            ),
        })
    }
}

/// SQLSTATE 42P01: undefined table.
fn is_missing_table(e: &BackendError) -> bool {
    matches!(e, BackendError::Statement { code: Some(c), .. } if c == "42P01")
}

/// `e` as a history error (unchanged when it is one).
fn as_history(table: &str, e: BackendError) -> BackendError {
    match e {
        BackendError::History { .. } => e,
        e => history_err(table, e),
    }
}

impl PostgresBackend {
    /// Runs `sql` and decodes each row; an absent history table reads as empty (and is not created).
    ///
    /// A simple query (one round trip, no prepared statement): it runs once per process, and the
    /// startup check waits for it.
    async fn read_rows<T>(
        &mut self,
        sql: String,
        decode: fn(&sqlx::postgres::PgRow) -> Result<T, sqlx::Error>,
    ) -> Result<Vec<T>, BackendError> {
        let rows = self.fetch_rows(sql, decode).await;
        rows.map_err(|e| as_history(&self.tables.name, e))
    }

    /// [`Self::read_rows`] leaving a failed query's error as the server gave it (its SQLSTATE
    /// readable); a row that does not decode is a history error.
    async fn fetch_rows<T>(
        &mut self,
        sql: String,
        decode: fn(&sqlx::postgres::PgRow) -> Result<T, sqlx::Error>,
    ) -> Result<Vec<T>, BackendError> {
        let rows = match sqlx::raw_sql(AssertSqlSafe(sql))
            .fetch_all(&mut self.conn)
            .await
            .map_err(map_err)
        {
            Ok(rows) => rows,
            Err(e) if is_missing_table(&e) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        rows.iter()
            .map(decode)
            .collect::<Result<_, _>>()
            .map_err(|e| history_err(&self.tables.name, e))
    }

    /// Names the history tables with their schema from now on: the one where the search path
    /// finds the state table now, or, without one, where it is about to be created. A migration
    /// may then change the search path (`SET search_path`, as `pg_dump` output does) and the
    /// bookkeeping stays where it was. Runs before anything is written, so reads made earlier
    /// (unqualified) found the same tables.
    ///
    /// Errors: the query fails.
    async fn pin_schema(&mut self) -> Result<(), BackendError> {
        let name = self.tables.name.clone();
        let lit = crate::rows::qualified(migra_core::DialectId::Postgres, None, &name);
        let sql = format!(
            "SELECT coalesce((SELECT n.nspname::text FROM pg_class c JOIN pg_namespace n \
             ON n.oid = c.relnamespace WHERE c.oid = to_regclass('{lit}')), current_schema()::text)"
        );
        let schema: Option<String> = sqlx::query_scalar(AssertSqlSafe(sql))
            .fetch_one(&mut self.conn)
            .await
            .map_err(map_err)?;
        // No schema to create in: unqualified, the create fails and says why.
        if let Some(schema) = schema {
            self.tables =
                Tables::new(Some(&schema), &name).map_err(|message| history_err(&name, message))?;
        }
        Ok(())
    }

    /// Adds the stored digest term to a state table made without it (by an older migra, or just
    /// now). It only makes the no-op check cheaper, so a table this user may not alter goes on
    /// being digested by hashing, and the run goes on.
    async fn ensure_term(&mut self) -> Result<(), BackendError> {
        // Stored generated columns came with PostgreSQL 12.
        if self.conn.server_version_num().is_none_or(|v| v < 120_000) {
            return Ok(());
        }
        let check = self.tables.term_missing.clone();
        let missing: bool = sqlx::query_scalar(AssertSqlSafe(check))
            .fetch_one(&mut self.conn)
            .await
            .map_err(map_err)?;
        if missing {
            let add = self.tables.add_term.clone();
            let _ = self.raw(&add).await;
        }
        Ok(())
    }
}

#[async_trait]
impl HistoryStore for PostgresBackend {
    async fn ensure_history(&mut self) -> Result<(), BackendError> {
        self.pin_schema().await?;
        let sql = self.tables.create.clone();
        self.raw(&sql).await?;
        // A table of that name made by someone else fails here rather than corrupt later.
        let check = format!("{} LIMIT 0", self.tables.select);
        sqlx::query(AssertSqlSafe(check))
            .fetch_all(&mut self.conn)
            .await
            .map_err(|e| history_err(&self.tables.name, e))?;
        self.ensure_term().await
    }

    async fn read_history(&mut self) -> Result<Vec<Revision>, BackendError> {
        let sql = self.tables.select.clone();
        self.read_rows(sql, crate::rows::revision).await
    }

    async fn read_digest(&mut self) -> Result<Option<migra_core::HistoryDigest>, BackendError> {
        let sql = self.tables.digest.clone();
        let rows = match self.fetch_rows(sql, crate::digest::pg_text).await {
            // SQLSTATE 42703, undefined column: a table without the stored terms is hashed.
            Err(BackendError::Statement { code: Some(c), .. }) if c == "42703" => {
                let sql = self.tables.digest_hashing.clone();
                self.read_rows(sql, crate::digest::pg_text).await?
            }
            rows => rows.map_err(|e| as_history(&self.tables.name, e))?,
        };
        crate::digest::from_rows(&self.tables.name, &rows).map(Some)
    }

    async fn write_revision(
        &mut self,
        rev: &Revision,
        expect_not_applied: bool,
    ) -> Result<(), BackendError> {
        let sql = if expect_not_applied {
            self.tables.upsert_if_not_applied.clone()
        } else {
            self.tables.upsert.clone()
        };
        let done = crate::rows::bind_revision(sqlx::query(AssertSqlSafe(sql)), rev)
            .execute(&mut self.conn)
            .await
            .map_err(map_err)?;
        if expect_not_applied && done.rows_affected() == 0 {
            return Err(BackendError::LockLost {
                message: format!(
                    "version {} was applied by another runner meanwhile",
                    rev.version
                ),
            });
        }
        Ok(())
    }

    async fn append_log(&mut self, e: &LogEntry) -> Result<(), BackendError> {
        let sql = self.tables.insert_log.clone();
        crate::rows::bind_log(sqlx::query(AssertSqlSafe(sql)), e)
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
