//! Data probes: one integer from a read-only query, under a statement timeout.

use super::backend::{MysqlBackend, map_err};
use migra_core::BackendError;
use sqlx::AssertSqlSafe;
use std::time::Duration;

impl MysqlBackend {
    /// Runs `sql` in a READ ONLY transaction, bounded by MariaDB's `max_statement_time` or MySQL's
    /// `max_execution_time` (whichever the server has), then rolls back.
    pub(super) async fn probe_count(
        &mut self,
        sql: &str,
        timeout: Duration,
    ) -> Result<u64, BackendError> {
        // Only one of the two variables exists on a given server: the other SET fails harmlessly.
        let secs = timeout.as_secs_f64().max(0.001);
        let _ = sqlx::query(AssertSqlSafe(format!(
            "SET SESSION max_statement_time = {secs}"
        )))
        .execute(&mut self.conn)
        .await;
        let _ = sqlx::query(AssertSqlSafe(format!(
            "SET SESSION max_execution_time = {}",
            timeout.as_millis().max(1)
        )))
        .execute(&mut self.conn)
        .await;
        sqlx::query("START TRANSACTION READ ONLY")
            .execute(&mut self.conn)
            .await
            .map_err(map_err)?;
        let n = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql.to_string()))
            .fetch_one(&mut self.conn)
            .await
            .map_err(map_err);
        let _ = sqlx::query("ROLLBACK").execute(&mut self.conn).await;
        let _ = sqlx::query("SET SESSION max_statement_time = 0")
            .execute(&mut self.conn)
            .await;
        let _ = sqlx::query("SET SESSION max_execution_time = 0")
            .execute(&mut self.conn)
            .await;
        Ok(n?.max(0) as u64)
    }

    /// The version string the server reports (`SELECT VERSION()`).
    pub(super) async fn read_server_version(&mut self) -> Result<String, BackendError> {
        sqlx::query_scalar::<_, String>("SELECT VERSION()")
            .fetch_one(&mut self.conn)
            .await
            .map_err(map_err)
    }
}
