//! A fingerprint of a table's data (row count and a digest of its rows), computed by the server,
//! so `migra verify` can tell that a round trip kept every row as it was.

use migra_core::{Backend, BackendError, Checksum, DialectId, SqlValue, TableFingerprint};

/// The query returning `"<rows>:<digest>"` for `table` over `columns` (SQLite: the rows
/// themselves after the colon, hashed by [`parse`]).
pub(crate) fn query(
    dialect: DialectId,
    namespace: &str,
    table: &str,
    columns: &[String],
) -> String {
    let q = |s: &str| dialect.quote_ident(s);
    let t = if namespace.is_empty() {
        q(table)
    } else {
        format!("{}.{}", q(namespace), q(table))
    };
    let cols: Vec<String> = columns.iter().map(|c| q(c)).collect();
    if cols.is_empty() {
        return format!("SELECT CONCAT(count(*), ':') FROM {t}");
    }
    match dialect {
        DialectId::Postgres => format!(
            "SELECT count(*) || ':' || coalesce(md5(string_agg(r, chr(10) ORDER BY r)), '') \
             FROM (SELECT ROW({})::text AS r FROM {t}) s",
            cols.join(", ")
        ),
        // Order-independent: a sum of 60-bit slices of each row's MD5 (SUM of integers is
        // DECIMAL, so it cannot overflow). NULL and the text 'n' stay apart via the 'v' prefix.
        DialectId::Mysql => {
            let parts: Vec<String> = cols
                .iter()
                .map(|c| format!("COALESCE(CONCAT('v', {c}), 'n')"))
                .collect();
            format!(
                "SELECT CONCAT(COUNT(*), ':', COALESCE(SUM(CAST(CONV(SUBSTRING(MD5(CONCAT_WS(',', {})), 1, 15), 16, 10) \
                 AS UNSIGNED)), 0)) FROM {t}",
                parts.join(", ")
            )
        }
        _ => {
            let parts: Vec<String> = cols.iter().map(|c| format!("quote({c})")).collect();
            format!(
                "SELECT count(*) || ':' || coalesce(group_concat(r, char(10) ORDER BY r), '') \
                 FROM (SELECT {} AS r FROM {t})",
                parts.join(" || ',' || ")
            )
        }
    }
}

/// Reads the value [`query`] returned.
///
/// Errors: the value is not `"<rows>:<digest>"` text.
pub(crate) fn parse(
    dialect: DialectId,
    v: Option<SqlValue>,
) -> Result<TableFingerprint, BackendError> {
    let bad = |what: String| BackendError::Unsupported {
        dialect: dialect.name().to_string(),
        what: format!("reading a table fingerprint: {what}"),
    };
    let Some(SqlValue::Text(text)) = v else {
        return Err(bad(format!("unexpected value {v:?}")));
    };
    let (rows, rest) = text
        .split_once(':')
        .ok_or_else(|| bad(format!("`{text}` has no `:`")))?;
    let rows = rows
        .parse::<u64>()
        .map_err(|_| bad(format!("row count `{rows}`")))?;
    let digest = if dialect == DialectId::Sqlite {
        Checksum::of_parts(&[rest]).hex
    } else {
        rest.to_string()
    };
    Ok(TableFingerprint { rows, digest })
}

/// Fingerprints `table` over `columns` on `b` (the body of every `Inspector::table_fingerprint`).
///
/// Errors: the query fails, or returns something [`parse`] cannot read.
pub(crate) async fn read(
    b: &mut dyn Backend,
    namespace: &str,
    table: &str,
    columns: &[String],
) -> Result<TableFingerprint, BackendError> {
    let dialect = b.dialect();
    let v = b
        .query_value(&query(dialect, namespace, table, columns))
        .await?;
    parse(dialect, v)
}
