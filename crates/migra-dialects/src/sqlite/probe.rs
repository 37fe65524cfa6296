//! Data probes: one integer from a read-only query.

use super::backend::{SqliteBackend, map_err};
use migra_core::BackendError;
use sqlx::AssertSqlSafe;

impl SqliteBackend {
    /// Runs `sql` (a local file has no statement timeout; the query only reads).
    pub(super) async fn probe_count(&mut self, sql: &str) -> Result<u64, BackendError> {
        let n: i64 = sqlx::query_scalar(AssertSqlSafe(sql.to_string()))
            .fetch_one(self.conn())
            .await
            .map_err(map_err)?;
        Ok(n.max(0) as u64)
    }

    /// The version string the server reports (`SELECT sqlite_version()`).
    pub(super) async fn read_server_version(&mut self) -> Result<String, BackendError> {
        sqlx::query_scalar::<_, String>("SELECT sqlite_version()")
            .fetch_one(self.conn())
            .await
            .map_err(map_err)
    }
}
