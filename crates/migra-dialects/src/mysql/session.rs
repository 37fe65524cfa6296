//! The session a migration may change and the next one must not inherit: what a dump sets
//! (`SET NAMES`, `SQL_MODE`, `TIME_ZONE`, `FOREIGN_KEY_CHECKS`, `UNIQUE_CHECKS`) and the database
//! `USE` picks. Read once before the first migration runs, put back after one that may have
//! changed it (see [`migra_core::Backend::restore_session`]).

use super::backend::map_err;
use migra_core::{BackendError, DialectId};
use sqlx::mysql::MySqlConnection;

/// The session variables read and put back.
const VARS: [&str; 7] = [
    "sql_mode",
    "character_set_client",
    "character_set_results",
    "collation_connection",
    "time_zone",
    "foreign_key_checks",
    "unique_checks",
];

/// The statement that puts the session's current settings back, and `USE`s `database` (the
/// URL's) again.
///
/// Errors: the query fails.
pub(super) async fn snapshot(
    conn: &mut MySqlConnection,
    database: Option<&str>,
) -> Result<String, BackendError> {
    let select = VARS
        .iter()
        .map(|v| format!("CAST(@@session.{v} AS CHAR)"))
        .collect::<Vec<_>>()
        .join(", ");
    let row = sqlx::raw_sql(sqlx::AssertSqlSafe(format!("SELECT {select}")))
        .fetch_one(&mut *conn)
        .await
        .map_err(map_err)?;
    let mut sets = Vec::with_capacity(VARS.len());
    for (i, var) in VARS.iter().enumerate() {
        let value: Option<String> = sqlx::Row::try_get(&row, i).map_err(map_err)?;
        let value = match value {
            // The two checks take a number (0 or 1), never a string.
            Some(n) if var.ends_with("_checks") && (n == "0" || n == "1") => n,
            v => super::record::literal(&super::record::Value::Text(v.as_deref())),
        };
        sets.push(format!("{var} = {value}"));
    }
    let mut sql = format!("SET SESSION {}", sets.join(", "));
    if let Some(db) = database {
        sql.push_str(&format!("; USE {}", DialectId::Mysql.quote_ident(db)));
    }
    Ok(sql)
}
