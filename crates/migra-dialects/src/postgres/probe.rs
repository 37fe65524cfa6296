//! Data probes: one integer from a read-only query, under a statement timeout.

use super::backend::{PostgresBackend, map_err};
use migra_core::BackendError;
use sqlx::{AssertSqlSafe, Connection};
use std::time::Duration;

impl PostgresBackend {
    /// Runs `sql` in a READ ONLY transaction with `statement_timeout`, then rolls it back.
    pub(super) async fn probe_count(
        &mut self,
        sql: &str,
        timeout: Duration,
    ) -> Result<u64, BackendError> {
        let mut tx = self.conn.begin().await.map_err(map_err)?;
        sqlx::query("SET TRANSACTION READ ONLY")
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        let ms = timeout.as_millis().max(1);
        sqlx::query(AssertSqlSafe(format!("SET LOCAL statement_timeout = {ms}")))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        let n: i64 = sqlx::query_scalar(AssertSqlSafe(sql.to_string()))
            .fetch_one(&mut *tx)
            .await
            .map_err(map_err)?;
        tx.rollback().await.map_err(map_err)?;
        Ok(n.max(0) as u64)
    }

    /// The version string the server reports (`SHOW server_version`).
    pub(super) async fn read_server_version(&mut self) -> Result<String, BackendError> {
        sqlx::query_scalar::<_, String>("SHOW server_version")
            .fetch_one(&mut self.conn)
            .await
            .map_err(map_err)
    }
}
