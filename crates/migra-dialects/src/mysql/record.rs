//! The state row and the log row in one round trip: `START TRANSACTION`, both writes and
//! `COMMIT` as one multi-statement query. A step that is not transactional (MySQL DDL commits
//! implicitly) ends this way, so four round trips per migration become one; with the next
//! migration's running row in the same commit, one disk flush per migration goes too.
//!
//! Multi-statement queries cannot carry bound parameters, so values are inlined as hex literals
//! with their character set (`_utf8mb4 X'...'`): no byte of the value is ever read as SQL, under
//! every `sql_mode` (`NO_BACKSLASH_ESCAPES` included).

use super::backend::{MysqlBackend, map_err};
use futures_util::{StreamExt, TryStreamExt};
use migra_core::{BackendError, LogEntry, ProgressFailure, Revision};
use sqlx::AssertSqlSafe;

/// One value to inline.
pub(super) enum Value<'a> {
    Text(Option<&'a str>),
    Int(i64),
}

/// The literal for `v` (a text as hex with its character set: read the same under every
/// `sql_mode`).
pub(super) fn literal(v: &Value<'_>) -> String {
    match v {
        Value::Text(None) => "NULL".to_string(),
        Value::Text(Some("")) => "''".to_string(),
        Value::Text(Some(s)) => {
            let mut out = String::with_capacity(s.len() * 2 + 12);
            out.push_str("_utf8mb4 X'");
            for b in s.bytes() {
                out.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
                out.push(char::from_digit(u32::from(b & 0xf), 16).unwrap_or('0'));
            }
            out.push('\'');
            out
        }
        Value::Int(n) => n.to_string(),
    }
}

/// `sql` with its `?` placeholders replaced by `values`, in order. The templates hold no other
/// `?` (their table names are checked plain identifiers).
fn inline(sql: &str, values: &[Value<'_>]) -> String {
    let mut out = String::with_capacity(sql.len() + values.len() * 32);
    let mut values = values.iter();
    for c in sql.chars() {
        if c == '?' {
            out.push_str(&values.next().map_or("NULL".to_string(), literal));
        } else {
            out.push(c);
        }
    }
    out
}

fn revision_values(r: &Revision) -> [Value<'_>; 15] {
    use Value::{Int, Text};
    [
        Text(Some(&r.sort_key)),
        Text(Some(&r.version)),
        Text(Some(&r.name)),
        Text(Some(&r.checksum)),
        Text(Some(&r.checksum_algorithm)),
        Text(Some(r.status.as_str())),
        Int(i64::from(r.applied_statements)),
        Int(i64::from(r.total_statements)),
        Text(Some(&r.started_at)),
        Text(r.finished_at.as_deref()),
        Int(r.duration_ms as i64),
        Text(r.error.as_deref()),
        Text(r.failing_statement.as_deref()),
        Text(Some(&r.applied_by)),
        Text(r.progress_checksum.as_deref()),
    ]
}

fn log_values(e: &LogEntry) -> [Value<'_>; 9] {
    use Value::{Int, Text};
    [
        Text(Some(&e.version)),
        Text(Some(&e.name)),
        Text(Some(e.action.as_str())),
        Text(Some(&e.checksum)),
        Text(Some(&e.at)),
        Int(e.duration_ms as i64),
        Text(Some(&e.by)),
        Text(e.error.as_deref()),
        Text(e.failing_statement.as_deref()),
    ]
}

/// The error of a compare-and-set that found `version` applied.
pub(super) fn applied_meanwhile(version: &str) -> BackendError {
    BackendError::LockLost {
        message: format!("version {version} was applied by another runner meanwhile"),
    }
}

/// Runs `writes` in one transaction and one round trip; returns the rows each write affected.
///
/// Errors: a write or the commit fails; the transaction is then rolled back.
async fn commit_together(
    b: &mut MysqlBackend,
    writes: &[String],
) -> Result<Vec<u64>, BackendError> {
    let sql = format!("START TRANSACTION;\n{};\nCOMMIT", writes.join(";\n"));
    let results: Result<Vec<u64>, sqlx::Error> = sqlx::raw_sql(AssertSqlSafe(sql))
        .execute_many(&mut b.conn)
        .map_ok(|r| r.rows_affected())
        .try_collect()
        .await;
    match results {
        // One result per statement, `START TRANSACTION` first.
        Ok(rows) => Ok(rows.into_iter().skip(1).take(writes.len()).collect()),
        Err(e) => {
            let _ = b.raw("ROLLBACK").await;
            Err(map_err(e))
        }
    }
}

/// Writes `rev` and `log` in one transaction and one round trip (see [`migra_core::Backend::record`]).
///
/// Errors: a write or the commit fails; the transaction is then rolled back.
pub(super) async fn record(
    b: &mut MysqlBackend,
    rev: &Revision,
    log: &LogEntry,
) -> Result<(), BackendError> {
    let writes = [
        inline(&b.tables.upsert, &revision_values(rev)),
        inline(&b.tables.insert_log, &log_values(log)),
    ];
    commit_together(b, &writes).await.map(drop)
}

/// [`record`] and, in the same commit, `next` unless its version is applied (see
/// [`migra_core::Backend::record_and_start`]). Returns whether `next` was written.
///
/// Errors: a write or the commit fails; the transaction is then rolled back.
pub(super) async fn record_and_start(
    b: &mut MysqlBackend,
    rev: &Revision,
    log: &LogEntry,
    next: &Revision,
) -> Result<bool, BackendError> {
    let mut next_values = Vec::from(revision_values(next));
    next_values.push(Value::Text(Some(&next.sort_key)));
    let writes = [
        inline(&b.tables.upsert, &revision_values(rev)),
        inline(&b.tables.insert_log, &log_values(log)),
        inline(&b.tables.upsert_unless_applied, &next_values),
    ];
    let rows = commit_together(b, &writes).await?;
    Ok(rows.get(2).is_some_and(|&n| n > 0))
}

/// True for a statement sent together with the progress after it: one whose first word says it
/// returns no rows (DDL, which commits implicitly anyway), so the results of the two are one each.
/// A statement still ending in `;` (an empty one would follow) goes alone.
fn goes_with_progress(sql: &str) -> bool {
    let ddl = ["CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE"];
    migra_core::words::first_word_in(sql, &ddl) && !sql.trim_end().ends_with(';')
}

/// Statement `sql`, then the progress write `rev` on its own commit, as one multi-statement
/// query when [`goes_with_progress`]: one round trip instead of two, per statement of every
/// migration (see [`migra_core::Backend::execute_then_progress`]). The server stops at the first
/// error, so a failed statement writes nothing.
///
/// Errors: [`ProgressFailure::Statement`] when the statement failed; [`ProgressFailure::Progress`]
/// when it ran and the write failed.
pub(super) async fn execute_then_progress(
    b: &mut MysqlBackend,
    sql: &str,
    rev: &Revision,
) -> Result<u64, ProgressFailure> {
    if !goes_with_progress(sql) {
        return migra_core::execute_then_progress_stepwise(b, sql, rev).await;
    }
    // The newline ends a `--` comment the statement may end with.
    let both = format!(
        "{sql}\n;\n{}",
        inline(&b.tables.upsert, &revision_values(rev))
    );
    let mut results = sqlx::raw_sql(AssertSqlSafe(both)).execute_many(&mut b.conn);
    let mut rows = Vec::with_capacity(2);
    let mut failed = None;
    // Read to the end, so the connection is ready for the next query whatever happened.
    while let Some(item) = results.next().await {
        match item {
            Ok(r) => rows.push(r.rows_affected()),
            Err(e) => failed = failed.or(Some(map_err(e))),
        }
    }
    match (rows.first().copied(), failed) {
        (None, Some(e)) => Err(ProgressFailure::Statement(e)),
        (Some(_), Some(e)) => Err(ProgressFailure::Progress(e)),
        (Some(n), None) if rows.len() == 2 => Ok(n),
        _ => Err(ProgressFailure::Progress(BackendError::History {
            table: b.tables.name.clone(),
            message: format!(
                "the server answered {} result(s) to a statement and its progress write",
                rows.len()
            ),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_statements_without_rows_go_with_their_progress() {
        assert!(goes_with_progress("CREATE TABLE t (x INT)"));
        assert!(goes_with_progress(
            "-- why\nalter table t add y int -- trailing"
        ));
        assert!(!goes_with_progress("SELECT 1"));
        assert!(!goes_with_progress("CALL refresh()"));
        assert!(!goes_with_progress("INSERT INTO t VALUES (1)"));
        assert!(!goes_with_progress("DROP TABLE t;"));
    }

    #[test]
    fn values_are_hex_and_never_sql() {
        let v = [
            Value::Text(Some("it's; DROP TABLE x; -- \\")),
            Value::Text(None),
            Value::Int(-3),
            Value::Text(Some("")),
        ];
        let sql = inline("INSERT INTO t VALUES (?, ?, ?, ?)", &v);
        assert_eq!(
            sql,
            "INSERT INTO t VALUES (_utf8mb4 X'697427733b2044524f50205441424c4520783b202d2d205c', NULL, -3, '')"
        );
    }
}
