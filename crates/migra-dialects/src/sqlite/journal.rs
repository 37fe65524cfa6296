//! The rollback journal kept between the transactions of one locked run.
//!
//! In SQLite's default `DELETE` mode every transaction creates its `-journal` file and deletes
//! it on commit, so each commit's flushes also carry the file system's metadata (a new file,
//! new blocks). In `PERSIST` mode the file stays and its header is zeroed (and flushed) at
//! commit: the same durability, since the commit point is flushed rather than an unlink that
//! is not, and the following flushes move data only. Measured with the `sqlite3` shell on
//! 1,000 small migrations plus migra's two history rows each: 1.16x the bare files in `DELETE`
//! mode, 0.99x in `PERSIST` (`TRUNCATE` was 1.23x).
//!
//! A kept journal keeps the size of the run's largest transaction (a rebuilt table's pages) until
//! the run ends, so the connection's `journal_size_limit` is lowered to [`KEPT_LIMIT`] meanwhile:
//! SQLite truncates a kept journal to it after each commit.
//!
//! The mode belongs to the connection, not the file. A connection in another mode (WAL, a
//! user's `TRUNCATE`) is left alone, and a `DELETE` connection goes back to `DELETE` when the
//! lock is released, which deletes the kept file. A run killed in between leaves a journal with
//! a zeroed header: SQLite ignores it (it is not a hot journal) and the next `DELETE` commit by
//! any connection removes it.

use super::backend::SqliteBackend;
use sqlx::AssertSqlSafe;

/// The most a kept journal stays at between transactions, in bytes.
pub(super) const KEPT_LIMIT: i64 = 64 << 20;

impl SqliteBackend {
    /// Switches a file database from `DELETE` to `PERSIST` journaling for the locked run.
    /// An in-memory database answers `memory` and is left alone. Best effort: when the mode
    /// cannot be read or changed the run goes on in its mode, only slower.
    pub(super) async fn keep_journal(&mut self) {
        if self.kept_journal.is_some() {
            return;
        }
        let mode: Result<String, _> = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(self.conn())
            .await;
        if !mode.is_ok_and(|m| m.eq_ignore_ascii_case("delete")) {
            return;
        }
        let set: Result<String, _> =
            sqlx::query_scalar(AssertSqlSafe("PRAGMA journal_mode = PERSIST"))
                .fetch_one(self.conn())
                .await;
        if !set.is_ok_and(|m| m.eq_ignore_ascii_case("persist")) {
            return;
        }
        let limit: i64 = sqlx::query_scalar("PRAGMA journal_size_limit")
            .fetch_one(self.conn())
            .await
            .unwrap_or(-1);
        if !(0..=KEPT_LIMIT).contains(&limit) {
            let sql = format!("PRAGMA journal_size_limit = {KEPT_LIMIT}");
            let _ = sqlx::raw_sql(AssertSqlSafe(sql)).execute(self.conn()).await;
        }
        self.kept_journal = Some(limit);
    }

    /// Puts a connection [`keep_journal`](Self::keep_journal) switched back to `DELETE`, which
    /// deletes the kept file. Best effort, like the switch: a journal left behind is inert.
    pub(super) async fn drop_journal(&mut self) {
        let Some(limit) = self.kept_journal else {
            return;
        };
        let back: Result<String, _> = sqlx::query_scalar("PRAGMA journal_mode = DELETE")
            .fetch_one(self.conn())
            .await;
        if !(0..=KEPT_LIMIT).contains(&limit) {
            let sql = format!("PRAGMA journal_size_limit = {limit}");
            let _ = sqlx::raw_sql(AssertSqlSafe(sql)).execute(self.conn()).await;
        }
        if back.is_ok_and(|m| m.eq_ignore_ascii_case("delete")) {
            self.kept_journal = None;
        }
    }
}
