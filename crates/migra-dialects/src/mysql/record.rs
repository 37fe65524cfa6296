//! The state row and the log row in one round trip: `START TRANSACTION`, both writes and
//! `COMMIT` as one multi-statement query. A step that is not transactional (MySQL DDL commits
//! implicitly) ends this way, so four round trips per migration become one.
//!
//! Multi-statement queries cannot carry bound parameters, so values are inlined as hex literals
//! with their character set (`_utf8mb4 X'...'`): no byte of the value is ever read as SQL, under
//! every `sql_mode` (`NO_BACKSLASH_ESCAPES` included).

use super::backend::MysqlBackend;
use migra_core::{BackendError, LogEntry, Revision};

/// One value to inline.
enum Value<'a> {
    Text(Option<&'a str>),
    Int(i64),
}

/// The literal for `v`.
fn literal(v: &Value<'_>) -> String {
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

/// Writes `rev` and `log` in one transaction and one round trip (see [`migra_core::Backend::record`]).
///
/// Errors: a write or the commit fails; the transaction is then rolled back.
pub(super) async fn record(
    b: &mut MysqlBackend,
    rev: &Revision,
    log: &LogEntry,
) -> Result<(), BackendError> {
    let sql = format!(
        "START TRANSACTION;\n{};\n{};\nCOMMIT",
        inline(&b.tables.upsert, &revision_values(rev)),
        inline(&b.tables.insert_log, &log_values(log)),
    );
    match b.raw(&sql).await {
        Ok(_) => Ok(()),
        Err(e) => {
            let _ = b.raw("ROLLBACK").await;
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
