//! The session a migration may change and the next one must not inherit: what a dump sets
//! (`SET NAMES`, `SQL_MODE`, `TIME_ZONE`, `FOREIGN_KEY_CHECKS`, `UNIQUE_CHECKS`) and the database
//! `USE` picks. Read once before the first migration runs, put back after one that may have
//! changed it (see [`migra_core::Backend::restore_session`]).

use super::backend::map_err;
use migra_core::{BackendError, DialectId};
use sqlx::mysql::MySqlConnection;

/// The session variables read and put back; the last two are numbers (0 or 1).
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
            None => "NULL".to_string(),
            // The two switches take a number, never a string.
            Some(n) if i >= 5 && n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty() => n,
            Some(s) => hex(&s),
        };
        sets.push(format!("{var} = {value}"));
    }
    let mut sql = format!("SET SESSION {}", sets.join(", "));
    if let Some(db) = database {
        sql.push_str(&format!("; USE {}", DialectId::Mysql.quote_ident(db)));
    }
    Ok(sql)
}

/// `s` as a string literal no `sql_mode` reads differently.
fn hex(s: &str) -> String {
    let digits: String = s.bytes().map(|b| format!("{b:02x}")).collect();
    if digits.is_empty() {
        "''".to_string()
    } else {
        format!("_utf8mb4 X'{digits}'")
    }
}
