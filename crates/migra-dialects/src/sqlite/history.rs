//! The history state table and append-only log in SQLite.

use super::backend::{SqliteBackend, map_err};
use crate::faults::{history_err, or_absent};
use crate::rows::{COLUMNS, bind_log, bind_revision};
use migra_core::{
    BackendError, Fingerprint, HistoryStore, LogEntry, Revision, RevisionStatus, async_trait,
};
use sqlx::AssertSqlSafe;

/// SQL for the history tables, built once from the (validated, quoted) table name.
pub(super) struct Tables {
    pub name: String,
    create: String,
    pub kv: crate::kv::KvSql,
    select: String,
    select_fingerprints: String,
    upsert: String,
    upsert_if_not_applied: String,
    insert_log: String,
    select_log: String,
    pub lock_select: String,
    pub lock_upsert: String,
    pub lock_refresh: String,
    pub lock_delete: String,
    pub lock_owner: String,
    /// Creates the lock table alone (the lock is taken before the other tables are ensured).
    pub create_lock: String,
    /// Bookkeeping and commit of a batched step (see `batch.rs`), placeholders bound in order:
    /// the log row, whose `version` comes out NULL, failing its NOT NULL, unless this runner
    /// holds the lock and (when the flag is 1) the version is not applied yet: version, runner
    /// id, flag, sort key, then the other 8 log values; the state row (15); `COMMIT`.
    tx_finish: String,
    /// As `tx_finish`, also extending the lease (new expiry, runner id) before `COMMIT`.
    tx_finish_lease: String,
    /// The error of a failed guard in `tx_finish`.
    guard_failed: String,
}

impl Tables {
    /// The bookkeeping and commit of a batched step, extending the lease when `lease` (values:
    /// `batch::finish_args`).
    pub fn finish_sql(&self, lease: bool) -> &str {
        if lease {
            &self.tx_finish_lease
        } else {
            &self.tx_finish
        }
    }

    /// True when `e` is the refusal of the guard in [`Tables::finish_sql`].
    pub fn is_guard_failure(&self, e: &BackendError) -> bool {
        matches!(e, BackendError::Statement { message, .. } if *message == self.guard_failed)
    }

    /// Builds the SQL for table `name`. Errors when the name is not a plain identifier.
    pub fn new(name: &str) -> Result<Self, String> {
        crate::rows::check_table_name(name, false, 60)?;
        let q = |s: &str| migra_core::dialect::quote_with(s, '"');
        let (h, log, lock) = (
            q(name),
            q(&format!("{name}_log")),
            q(&format!("{name}_lock")),
        );
        let update_all = crate::rows::update_all(|c| format!("excluded.{c}"));
        let insert = format!(
            "INSERT INTO {h} ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) ON CONFLICT (sort_key) DO UPDATE SET {update_all}"
        );
        let kv = crate::kv::KvSql::new(migra_core::DialectId::Sqlite, None, name);
        Ok(Self {
            name: name.to_string(),
            create: format!(
                "CREATE TABLE IF NOT EXISTS {h} (\
                   sort_key TEXT PRIMARY KEY NOT NULL, version TEXT NOT NULL, name TEXT NOT NULL, \
                   checksum TEXT NOT NULL, checksum_algorithm TEXT NOT NULL, status TEXT NOT NULL, \
                   applied_statements INTEGER NOT NULL, total_statements INTEGER NOT NULL, \
                   started_at TEXT NOT NULL, finished_at TEXT, duration_ms INTEGER NOT NULL, \
                   error TEXT, failing_statement TEXT, applied_by TEXT NOT NULL, progress_checksum TEXT) WITHOUT ROWID;\n\
                 CREATE TABLE IF NOT EXISTS {log} (\
                   id INTEGER PRIMARY KEY, version TEXT NOT NULL, name TEXT NOT NULL, \
                   action TEXT NOT NULL, checksum TEXT NOT NULL, at TEXT NOT NULL, duration_ms INTEGER NOT NULL, \
                   by TEXT NOT NULL, error TEXT, failing_statement TEXT);\n\
                 CREATE TABLE IF NOT EXISTS {lock} (\
                   id INTEGER PRIMARY KEY CHECK (id = 1), owner TEXT NOT NULL, holder TEXT NOT NULL, \
                   host TEXT NOT NULL, pid INTEGER NOT NULL, acquired_at TEXT NOT NULL, expires_at_ms INTEGER NOT NULL);\n{}",
                kv.create
            ),
            // One row holding every revision as JSON: sqlx hands SQLite rows over one by one
            // from a worker thread, which made a 1,000-row read cost milliseconds.
            kv,
            select: format!(
                "SELECT json_group_array(json_array({COLUMNS})) FROM (SELECT {COLUMNS} FROM {h} ORDER BY sort_key)"
            ),
            // Every field is a token migra wrote (no whitespace), so spaces and newlines separate.
            select_fingerprints: format!(
                "SELECT group_concat(sort_key || ' ' || checksum_algorithm || ' ' || checksum || ' ' || status, char(10)) FROM {h}"
            ),
            upsert_if_not_applied: format!("{insert} WHERE {h}.status <> 'applied'"),
            upsert: insert.clone(),
            insert_log: format!(
                "INSERT INTO {log} (version, name, action, checksum, at, duration_ms, by, error, failing_statement) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
            ),
            select_log: format!(
                "SELECT version, name, action, checksum, at, duration_ms, by, error, failing_statement FROM {log} ORDER BY id"
            ),
            lock_select: format!(
                "SELECT owner, holder, host, pid, acquired_at, expires_at_ms FROM {lock} WHERE id = 1"
            ),
            lock_upsert: format!(
                "INSERT OR REPLACE INTO {lock} (id, owner, holder, host, pid, acquired_at, expires_at_ms) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)"
            ),
            lock_refresh: format!(
                "UPDATE {lock} SET expires_at_ms = ?1 WHERE id = 1 AND owner = ?2"
            ),
            lock_delete: format!("DELETE FROM {lock} WHERE id = 1 AND owner = ?1"),
            lock_owner: format!("SELECT owner FROM {lock} WHERE id = 1"),
            create_lock: format!(
                "CREATE TABLE IF NOT EXISTS {lock} (\
                   id INTEGER PRIMARY KEY CHECK (id = 1), owner TEXT NOT NULL, holder TEXT NOT NULL, \
                   host TEXT NOT NULL, pid INTEGER NOT NULL, acquired_at TEXT NOT NULL, expires_at_ms INTEGER NOT NULL)"
            ),
            // Plain `?` placeholders, bound in order across the statements: sqlx binds a numbered
            // placeholder after a gap (`?15` in a statement without `?1`) as NULL.
            tx_finish: format!(
                "INSERT INTO {log} (version, name, action, checksum, at, duration_ms, by, error, failing_statement) \
                 VALUES ((SELECT ? WHERE (SELECT count(*) FROM {lock} WHERE id = 1 AND owner = ?) = 1 \
                   AND (? = 0 OR NOT EXISTS (SELECT 1 FROM {h} WHERE sort_key = ? AND status = 'applied'))), ?, ?, ?, ?, ?, ?, ?, ?);\n\
                 INSERT OR REPLACE INTO {h} ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);\n\
                 COMMIT"
            ),
            tx_finish_lease: format!(
                "INSERT INTO {log} (version, name, action, checksum, at, duration_ms, by, error, failing_statement) \
                 VALUES ((SELECT ? WHERE (SELECT count(*) FROM {lock} WHERE id = 1 AND owner = ?) = 1 \
                   AND (? = 0 OR NOT EXISTS (SELECT 1 FROM {h} WHERE sort_key = ? AND status = 'applied'))), ?, ?, ?, ?, ?, ?, ?, ?);\n\
                 INSERT OR REPLACE INTO {h} ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);\n\
                 UPDATE {lock} SET expires_at_ms = ? WHERE id = 1 AND owner = ?;\n\
                 COMMIT"
            ),
            guard_failed: format!("NOT NULL constraint failed: {name}_log.version"),
        })
    }
}

/// One history row as `json_array` writes it, in [`COLUMNS`] order.
type RevisionRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    u32,
    u32,
    String,
    Option<String>,
    u64,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);

fn is_missing_table(e: &BackendError) -> bool {
    matches!(e, BackendError::Statement { message, .. } if message.starts_with("no such table"))
}

#[async_trait]
impl HistoryStore for SqliteBackend {
    async fn ensure_history(&mut self) -> Result<(), BackendError> {
        let sql = self.tables.create.clone();
        self.raw(&sql).await?;
        // A table of that name made by someone else would fail here rather than corrupt later.
        let check = format!("{} LIMIT 0", self.tables.select);
        sqlx::query(AssertSqlSafe(check))
            .fetch_all(self.conn())
            .await
            .map_err(|e| history_err(&self.tables.name, e))?;
        Ok(())
    }

    async fn read_history(&mut self) -> Result<Vec<Revision>, BackendError> {
        let sql = self.tables.select.clone();
        let json = sqlx::query_scalar::<_, String>(AssertSqlSafe(sql))
            .fetch_one(self.conn())
            .await;
        let Some(json) = or_absent(json.map(Some), None, is_missing_table, &self.tables.name)?
        else {
            return Ok(Vec::new());
        };
        let rows: Vec<RevisionRow> =
            serde_json::from_str(&json).map_err(|e| history_err(&self.tables.name, e))?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let status = RevisionStatus::parse(&r.5).ok_or_else(|| {
                history_err(&self.tables.name, format!("unknown status `{}`", r.5))
            })?;
            out.push(Revision {
                sort_key: r.0,
                version: r.1,
                name: r.2,
                checksum: r.3,
                checksum_algorithm: r.4,
                status,
                applied_statements: r.6,
                total_statements: r.7,
                started_at: r.8,
                finished_at: r.9,
                duration_ms: r.10,
                error: r.11,
                failing_statement: r.12,
                applied_by: r.13,
                progress_checksum: r.14,
            });
        }
        Ok(out)
    }

    async fn read_fingerprints(&mut self) -> Result<Vec<Fingerprint>, BackendError> {
        let sql = self.tables.select_fingerprints.clone();
        let text = sqlx::query_scalar::<_, Option<String>>(AssertSqlSafe(sql))
            .fetch_one(self.conn())
            .await;
        let text = or_absent(text, None, is_missing_table, &self.tables.name)?;
        let table = self.tables.name.clone();
        text.unwrap_or_default()
            .lines()
            .map(|line| {
                let mut f = line.split(' ');
                let (Some(k), Some(a), Some(c), Some(s), None) =
                    (f.next(), f.next(), f.next(), f.next(), f.next())
                else {
                    return Err(history_err(&table, format!("malformed row `{line}`")));
                };
                let status = RevisionStatus::parse(s)
                    .ok_or_else(|| history_err(&table, format!("unknown status `{s}`")))?;
                Ok(Fingerprint {
                    sort_key: k.into(),
                    checksum: c.into(),
                    checksum_algorithm: a.into(),
                    status,
                })
            })
            .collect()
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
        let done = bind_revision(sqlx::query(AssertSqlSafe(sql)), rev)
            .execute(self.conn())
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
        bind_log(sqlx::query(AssertSqlSafe(sql)), e)
            .execute(self.conn())
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn read_log(&mut self) -> Result<Vec<LogEntry>, BackendError> {
        let sql = self.tables.select_log.clone();
        let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(self.conn()).await;
        let rows = or_absent(rows, Vec::new(), is_missing_table, &self.tables.name)?;
        let table = self.tables.name.clone();
        rows.iter()
            .map(crate::rows::log_entry)
            .collect::<Result<_, _>>()
            .map_err(|e| history_err(&table, e))
    }

    async fn put_annotation(&mut self, a: &migra_core::Annotation) -> Result<(), BackendError> {
        crate::kv::put(self.conn.get(), &self.tables.kv, a)
            .await
            .map_err(map_err)
    }

    async fn read_annotations(
        &mut self,
        kind: migra_core::AnnotationKind,
    ) -> Result<Vec<migra_core::Annotation>, BackendError> {
        let read = crate::kv::read(self.conn.get(), &self.tables.kv, kind).await;
        or_absent(read, Vec::new(), is_missing_table, &self.tables.name)
    }

    async fn delete_annotations(
        &mut self,
        kind: migra_core::AnnotationKind,
        sort_key: &str,
        key: Option<&str>,
    ) -> Result<u64, BackendError> {
        let done = crate::kv::delete(self.conn.get(), &self.tables.kv, (kind, sort_key, key)).await;
        or_absent(
            done.map(|d| d.rows_affected()),
            0,
            is_missing_table,
            &self.tables.name,
        )
    }
}
