//! The traits an execution backend implements: running statements, history, locking, inspection.

use crate::annotation::{Annotation, AnnotationKind, SqlValue};
use crate::dialect::{Capabilities, DialectId};
use crate::error::BackendError;
use crate::revision::{Fingerprint, LogEntry, Revision};
use crate::schema::Database;
use crate::split::Statement;
use async_trait::async_trait;
use std::time::Duration;

/// Who is running migrations: recorded in the lock and in history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunnerId {
    /// Unique id of this run (host, process and a per-run nonce).
    pub id: String,
    /// Host name.
    pub host: String,
    /// Process id.
    pub pid: u32,
    /// `user@host pid N`, for people.
    pub display: String,
}

/// Where migra keeps its history: a state table (one row per version) and an append-only log.
///
/// Writes go through the backend's current connection, so inside a transaction they commit or roll
/// back with the migration's own statements.
#[async_trait]
pub trait HistoryStore: Send {
    /// Creates the history tables if missing. Errors if they exist with a shape migra cannot use.
    async fn ensure_history(&mut self) -> Result<(), BackendError>;
    /// Reads every state row, in version order. An absent history table reads as empty and is
    /// not created (so read-only commands and dry runs change nothing).
    async fn read_history(&mut self) -> Result<Vec<Revision>, BackendError>;
    /// Reads identity, checksum and status of every state row: the startup check's fast path.
    /// Same contract as [`HistoryStore::read_history`]; backends may answer it more cheaply.
    async fn read_fingerprints(&mut self) -> Result<Vec<Fingerprint>, BackendError> {
        Ok(self
            .read_history()
            .await?
            .iter()
            .map(Fingerprint::from)
            .collect())
    }
    /// The [`HistoryDigest`](crate::HistoryDigest) of the state table, when this backend has it
    /// cheaper than [`HistoryStore::read_fingerprints`] (a server computing it into one row);
    /// `None` otherwise (the default), and callers read fingerprints instead. An absent table
    /// digests as empty.
    ///
    /// Errors: the history cannot be read.
    async fn read_digest(&mut self) -> Result<Option<crate::HistoryDigest>, BackendError> {
        Ok(None)
    }
    /// Inserts or replaces the state row of `rev.version`.
    ///
    /// With `expect_not_applied`, the write happens only if the row is absent or not `applied`,
    /// and [`BackendError::LockLost`] is returned otherwise: another runner applied it.
    async fn write_revision(
        &mut self,
        rev: &Revision,
        expect_not_applied: bool,
    ) -> Result<(), BackendError>;
    /// Appends a log row.
    async fn append_log(&mut self, entry: &LogEntry) -> Result<(), BackendError>;
    /// Reads the log, oldest first.
    async fn read_log(&mut self) -> Result<Vec<LogEntry>, BackendError>;

    /// Inserts or replaces the annotation `(kind, sort_key, key)`, on the current connection (so
    /// inside a transaction it commits with the work it describes).
    ///
    /// Errors: the write fails; [`BackendError::Unsupported`] where not written.
    async fn put_annotation(&mut self, a: &Annotation) -> Result<(), BackendError> {
        let _ = a;
        Err(unsupported(
            "annotations (checkpoints, verification, backups)",
        ))
    }
    /// Reads every annotation of `kind`, ordered by sort key and key. An absent table reads as
    /// empty and is not created.
    ///
    /// Errors: the read fails; [`BackendError::Unsupported`] where not written.
    async fn read_annotations(
        &mut self,
        kind: AnnotationKind,
    ) -> Result<Vec<Annotation>, BackendError> {
        let _ = kind;
        Err(unsupported(
            "annotations (checkpoints, verification, backups)",
        ))
    }
    /// Deletes the annotations of `kind` for `sort_key` (every key, or only `key`); returns how
    /// many went.
    ///
    /// Errors: the write fails; [`BackendError::Unsupported`] where not written.
    async fn delete_annotations(
        &mut self,
        kind: AnnotationKind,
        sort_key: &str,
        key: Option<&str>,
    ) -> Result<u64, BackendError> {
        let _ = (kind, sort_key, key);
        Err(unsupported(
            "annotations (checkpoints, verification, backups)",
        ))
    }
}

fn unsupported(what: &str) -> BackendError {
    BackendError::Unsupported {
        dialect: String::new(),
        what: format!("{what} are not written for this backend"),
    }
}

/// A connection to one database that the executor drives. Implementations live in
/// `migra-dialects`; the executor only sees `&mut dyn Backend`.
#[async_trait]
pub trait Backend: HistoryStore {
    /// The dialect.
    fn dialect(&self) -> DialectId;
    /// What the database can do.
    fn capabilities(&self) -> Capabilities;
    /// The target as shown to people (password removed).
    fn target(&self) -> String;

    /// Takes the migration lock for `runner`, waiting up to `wait`.
    ///
    /// Errors: [`BackendError::LockHeld`] naming the holder when `wait` runs out. A lock whose
    /// holder is gone (expired lease, or a dead process on this host) is taken over.
    async fn lock(&mut self, runner: &RunnerId, wait: Duration) -> Result<(), BackendError>;
    /// Extends this runner's lease if it is due; [`BackendError::LockLost`] if another runner holds it.
    async fn refresh_lock(&mut self, runner: &RunnerId) -> Result<(), BackendError>;
    /// Releases the lock if this runner holds it. Safe to call when not held.
    async fn unlock(&mut self, runner: &RunnerId) -> Result<(), BackendError>;

    /// Starts a transaction.
    async fn begin(&mut self) -> Result<(), BackendError>;
    /// Commits the current transaction.
    async fn commit(&mut self) -> Result<(), BackendError>;
    /// Rolls back the current transaction.
    async fn rollback(&mut self) -> Result<(), BackendError>;
    /// Puts the session back as the connection opened it, after a migration that may have changed
    /// it ([`crate::words::may_move_names`]): where unqualified names point (PostgreSQL's search
    /// path, MySQL's database) and the settings a dump toggles, so each migration starts the same
    /// way whether it runs in the same `apply` as the one before or in a later one. Default:
    /// nothing to do.
    ///
    /// Errors: the statement fails.
    async fn restore_session(&mut self) -> Result<(), BackendError> {
        Ok(())
    }
    /// Replaces a broken connection ([`BackendError::ConnectionLost`]) with a new one to the
    /// same database, set up as [`Backend::restore_session`] leaves a session, so a failure can
    /// still be recorded and the lock released. What the old session held (a transaction, its
    /// prepared statements) is gone with it. Default: unsupported.
    ///
    /// Errors: connecting fails ([`BackendError::Connect`]), or the backend cannot reconnect.
    async fn reconnect(&mut self) -> Result<(), BackendError> {
        Err(BackendError::Unsupported {
            dialect: self.dialect().name().to_string(),
            what: "reconnecting after a lost connection".into(),
        })
    }
    /// True when the last [`Backend::rollback`] could not undo everything the transaction did:
    /// a table that keeps changes outside transactions kept them (MySQL warning 1196). Reading
    /// it clears it. Backends whose every table is transactional keep the default, false.
    fn take_incomplete_rollback(&mut self) -> bool {
        false
    }
    /// Runs one statement; returns the rows it affected.
    async fn execute(&mut self, sql: &str) -> Result<u64, BackendError>;
    /// Runs a multi-statement script in one call; returns the rows affected in total.
    async fn execute_script(&mut self, sql: &str) -> Result<u64, BackendError>;
    /// True when `sql` runs inside a transaction without ending it (plain DML on this database).
    /// A migration run statement by statement then commits it together with its progress row,
    /// so a run stopped between the two never leaves it in effect but unrecorded, to be run a
    /// second time on resume. Default: `false` (every statement commits on its own).
    fn joins_transaction(&self, sql: &str) -> bool {
        let _ = sql;
        false
    }

    /// Starts the transaction of one batch of a batched statement (`-- migra:batch`).
    ///
    /// A batch commits together with its checkpoint, so a backend may commit it without waiting
    /// for durability (PostgreSQL `synchronous_commit = off`): a commit lost in a server crash
    /// loses the batch and its checkpoint together, and the resumed run redoes exactly that batch.
    /// Default: [`Backend::begin`].
    async fn begin_batch(&mut self) -> Result<(), BackendError> {
        self.begin().await
    }

    /// Runs a query on the current connection (inside the open transaction, if any) and returns
    /// the first column of its first row; `None` when it returns no row.
    ///
    /// Errors: the query fails, or its value has a type the backend cannot read (cast it to an
    /// integer or text); [`BackendError::Unsupported`] where not written.
    async fn query_value(&mut self, sql: &str) -> Result<Option<SqlValue>, BackendError> {
        let _ = sql;
        Err(unsupported("queries returning values"))
    }

    /// Runs a query on the current connection and returns every row, each as its values in
    /// column order.
    ///
    /// Errors: the query fails, or a value has a type the backend cannot read (cast it);
    /// [`BackendError::Unsupported`] where not written.
    async fn query_rows(&mut self, sql: &str) -> Result<Vec<Vec<SqlValue>>, BackendError> {
        let _ = sql;
        Err(unsupported("queries returning rows"))
    }

    /// The database's own estimate of `table`'s rows (`name` or `schema.name`), read without
    /// scanning it; `None` when it keeps none (SQLite) or the table is not there.
    ///
    /// Errors: the catalog query fails.
    async fn estimated_rows(&mut self, table: &str) -> Result<Option<u64>, BackendError> {
        let _ = table;
        Ok(None)
    }

    /// True when `e` is worth retrying after a pause: a lock wait timed out, a deadlock, a
    /// serialization failure, a busy database. The statement's transaction was rolled back.
    fn is_transient(&self, e: &BackendError) -> bool {
        let _ = e;
        false
    }

    /// This backend's schema reader, when it has one.
    fn inspector(&mut self) -> Option<&mut dyn Inspector> {
        None
    }

    /// Runs one migration part and its bookkeeping in one transaction: begin, extend the lock,
    /// the units, the state row and the log row (built by `step.bookkeeping` after the units
    /// ran), commit. Returns the rows the units affected.
    ///
    /// On failure the transaction is rolled back, so nothing of the step remains. Backends may
    /// override this to save round trips; the default runs [`run_transaction_stepwise`].
    async fn run_transaction(&mut self, step: &TxStep<'_>) -> Result<u64, TxFailure> {
        run_transaction_stepwise(self, step).await
    }

    /// Runs statement `sql` outside any transaction and, once it succeeded, writes `progress`
    /// ([`HistoryStore::write_revision`], unconditional) in a commit of its own: the progress
    /// after a statement of a migration run statement by statement. Backends may override this
    /// to send both at once; the default is [`crate::execute_then_progress_stepwise`]. Returns
    /// the rows the statement affected.
    ///
    /// Errors: [`crate::ProgressFailure::Statement`] when the statement failed (nothing was
    /// written); [`crate::ProgressFailure::Progress`] when it ran and the write failed.
    async fn execute_then_progress(
        &mut self,
        sql: &str,
        progress: &Revision,
    ) -> Result<u64, crate::ProgressFailure> {
        crate::execute_then_progress_stepwise(self, sql, progress).await
    }

    /// Writes a state row and a log row together, in a transaction of their own (never called
    /// inside another): both are kept or neither is. Backends may override this to save round
    /// trips; the default is `begin`, [`HistoryStore::write_revision`],
    /// [`HistoryStore::append_log`], `commit`.
    ///
    /// Errors: either write or the commit fails (then the transaction was rolled back).
    async fn record(&mut self, rev: &Revision, log: &LogEntry) -> Result<(), BackendError> {
        crate::write_together(self, &[], Some(rev), Some(log)).await
    }

    /// Like [`Backend::record`] for a migration that ran statement by statement, and in the same
    /// commit `next`: the running row of the migration that runs next, written only if that
    /// version is not applied (the compare-and-set of [`HistoryStore::write_revision`]).
    /// Returns whether `next` was written; when it was not, the caller writes it itself. Where
    /// every commit is a disk flush between two DDL statements (MySQL), this saves one per
    /// migration. The default writes `next` nowhere and returns `false`.
    ///
    /// Errors: as [`Backend::record`]; `rev` and `log` are then not written, nor is `next`.
    async fn record_and_start(
        &mut self,
        rev: &Revision,
        log: &LogEntry,
        next: &Revision,
    ) -> Result<bool, BackendError> {
        let _ = next;
        self.record(rev, log).await.map(|()| false)
    }
}

/// A migration part to run with its bookkeeping in one transaction (see [`Backend::run_transaction`]).
pub struct TxStep<'a> {
    /// Statements to send, in order.
    pub units: &'a [Statement],
    /// Send each unit as a multi-statement script.
    pub whole: bool,
    /// The runner holding the lock.
    pub runner: &'a RunnerId,
    /// Fail with [`BackendError::LockLost`] if the version is already applied.
    pub expect_not_applied: bool,
    /// The version had no state row when history was read under the lock: a backend may insert
    /// the row plainly (no upsert), a duplicate key then meaning [`BackendError::LockLost`].
    pub fresh: bool,
    /// Builds the state row and the log row once the units ran (so timings are known).
    pub bookkeeping: &'a (dyn Fn() -> (Revision, LogEntry) + Send + Sync),
    /// Annotations to write with the bookkeeping (backups made by the units).
    pub annotations: &'a [Annotation],
}

/// Why [`Backend::run_transaction`] failed; the transaction was rolled back either way.
#[derive(Debug)]
pub enum TxFailure {
    /// Unit `index` failed.
    Statement {
        /// Index into [`TxStep::units`].
        index: usize,
        /// The database's error.
        error: BackendError,
    },
    /// Transaction control, the lock or the bookkeeping failed.
    Backend(BackendError),
}

/// [`Backend::run_transaction`] done one call at a time: correct on every backend.
pub async fn run_transaction_stepwise<B: Backend + ?Sized>(
    b: &mut B,
    step: &TxStep<'_>,
) -> Result<u64, TxFailure> {
    b.begin().await.map_err(TxFailure::Backend)?;
    let r = stepwise_body(b, step).await;
    if r.is_err() {
        // Roll back first: nothing of a failed step may stay. Its own error would hide the cause.
        let _ = b.rollback().await;
    }
    r
}

async fn stepwise_body<B: Backend + ?Sized>(
    b: &mut B,
    step: &TxStep<'_>,
) -> Result<u64, TxFailure> {
    b.refresh_lock(step.runner)
        .await
        .map_err(TxFailure::Backend)?;
    let mut rows = 0;
    for (index, unit) in step.units.iter().enumerate() {
        let run = if step.whole {
            b.execute_script(&unit.sql).await
        } else {
            b.execute(&unit.sql).await
        };
        rows += run.map_err(|error| TxFailure::Statement { index, error })?;
    }
    for a in step.annotations {
        b.put_annotation(a).await.map_err(TxFailure::Backend)?;
    }
    let (rev, log) = (step.bookkeeping)();
    b.write_revision(&rev, step.expect_not_applied)
        .await
        .map_err(TxFailure::Backend)?;
    b.append_log(&log).await.map_err(TxFailure::Backend)?;
    b.commit().await.map_err(TxFailure::Backend)?;
    Ok(rows)
}

/// Reads a live database into the neutral model.
///
/// Contract: objects the model does not describe are listed in
/// [`Database::unmodelled`] by kind and name, never dropped silently. A namespace that does not
/// exist yields an empty [`Database`], not an error. Errors: connection and permission failures.
#[async_trait]
pub trait Inspector: Send {
    /// Inspects the given namespaces (all user namespaces when empty), excluding migra's own
    /// history tables.
    async fn inspect(&mut self, namespaces: &[String]) -> Result<Database, BackendError>;

    /// Rows per table as the database estimates them (`(namespace, table)` → rows; PostgreSQL
    /// and MySQL statistics, SQLite counts), for time estimates. Default: nothing known.
    ///
    /// Errors: connection and permission failures.
    async fn table_rows(&mut self) -> Result<Vec<(String, String, u64)>, BackendError> {
        Ok(Vec::new())
    }

    /// Runs `sql`, a query returning one integer (a data probe such as `SELECT count(*) ...`), in a
    /// read-only transaction bounded by `timeout` where the database has statement timeouts.
    ///
    /// Errors: the query fails or times out; [`BackendError::Unsupported`] where not written.
    async fn count(&mut self, sql: &str, timeout: Duration) -> Result<u64, BackendError> {
        let _ = (sql, timeout);
        Err(BackendError::Unsupported {
            dialect: String::new(),
            what: "data probes are not written for this backend".into(),
        })
    }

    /// A fingerprint of `table`'s data over `columns` (row count and digest), computed by the
    /// database, for comparing a table before and after a round trip.
    ///
    /// Errors: the query fails; [`BackendError::Unsupported`] where not written.
    async fn table_fingerprint(
        &mut self,
        namespace: &str,
        table: &str,
        columns: &[String],
    ) -> Result<TableFingerprint, BackendError> {
        let _ = (namespace, table, columns);
        Err(unsupported("table fingerprints"))
    }

    /// The server's version as it reports it (`16.4 (Debian ...)`, `10.11.6-MariaDB-...`,
    /// `8.0.36`, SQLite `3.46.0`), so version-dependent advice fits the live server.
    ///
    /// Errors: the query fails; [`BackendError::Unsupported`] where not written.
    async fn server_version(&mut self) -> Result<String, BackendError> {
        Err(BackendError::Unsupported {
            dialect: String::new(),
            what: "reading the server version is not written for this backend".into(),
        })
    }
}

/// What a table's data looks like, compact: its row count and a digest of every row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TableFingerprint {
    /// Rows.
    pub rows: u64,
    /// Digest of the rows' values (independent of their physical order).
    pub digest: String,
}

/// Default lock lease: a runner that does not extend its lock within this time loses it.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(300);
