//! The history digest ([`migra_core::digest`]) computed by the server, so the no-op check reads
//! one short row instead of every revision (on a 1,000-migration history, about 250 KB less).

use migra_core::{DialectId, HistoryDigest};

/// The query returning `"<rows> <applied> <sum>"` for the state table `table` (already quoted).
/// (SQLite has no SHA-256, and reads its fingerprints locally anyway: it has no digest.)
pub(crate) fn sql(dialect: DialectId, table: &str) -> String {
    match dialect {
        // The term: the first 15 hex digits of the SHA-256, read as a 60-bit integer. Each row's
        // stored term where the table has them ([`pg_term_column`]), else the hash: the natural
        // join brings a NULL `digest_term` exactly when the table has none, so one query serves
        // both kinds of table and never fails on the missing column.
        DialectId::Postgres => format!(
            "SELECT count(*) || ' ' || count(*) FILTER (WHERE status = 'applied') || ' ' || \
             coalesce(sum(coalesce({PG_TERM_COLUMN}, {})), 0) \
             FROM {table} NATURAL LEFT JOIN (SELECT NULL::bigint AS {PG_TERM_COLUMN}) AS stored",
            pg_term(|text| format!("convert_to({text}, 'UTF8')"))
        ),
        // SUM over integers is DECIMAL: no overflow however long the history. (No stored
        // terms here: on MariaDB hashing a row costs less than the join that would pick them.)
        _ => format!(
            "SELECT CAST(CONCAT(COUNT(*), ' ', COALESCE(SUM(status = 'applied'), 0), ' ', \
             COALESCE(SUM(CAST(CONV(LEFT(SHA2(CONCAT(\
             sort_key, ' ', version, ' ', checksum_algorithm, ' ', checksum), 256), 15), 16, 10) \
             AS UNSIGNED)), 0)) AS CHAR) FROM {table}"
        ),
    }
}

/// PostgreSQL's term of one row, `bytes` turning the row's text expression into its bytes.
fn pg_term(bytes: impl Fn(&str) -> String) -> String {
    let text = bytes("sort_key || ' ' || version || ' ' || checksum_algorithm || ' ' || checksum");
    format!("('x' || left(encode(sha256({text}), 'hex'), 15))::bit(60)::bigint")
}

/// The PostgreSQL column (name and definition, for `ADD COLUMN`) that stores each row's term
/// as it is written, so the no-op check sums stored integers instead of hashing a thousand rows
/// on a freshly started server process (about 2.5 ms of its 4). Where the text is not its UTF-8
/// bytes (a database in another encoding, non-ASCII text) the stored term differs from the hash
/// and the digests differ: that costs the full comparison, never a wrong "up to date".
///
/// A generated column may only call immutable functions, and `convert_to` is not: the text goes
/// through `bytea` input instead, with every backslash doubled so none reads as an escape: the
/// text's bytes in the database's encoding.
pub(crate) fn pg_term_column() -> String {
    format!(
        "{PG_TERM_COLUMN} BIGINT GENERATED ALWAYS AS ({}) STORED",
        pg_term(|text| format!("replace({text}, E'\\\\', E'\\\\\\\\')::bytea"))
    )
}

/// The name of [`pg_term_column`].
pub(crate) const PG_TERM_COLUMN: &str = "digest_term";

/// The digest text in the row [`sql`] returned.
///
/// Errors: the value is not text.
pub(crate) fn text<R: sqlx::Row>(r: &R) -> Result<String, sqlx::Error>
where
    usize: sqlx::ColumnIndex<R>,
    for<'x> String: sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
{
    r.try_get(0)
}

/// The digest from what [`sql`] returned: no row (no history table) digests as empty; `table`
/// names the history in errors.
///
/// Errors: [`migra_core::BackendError::History`] when the text is not a digest.
pub(crate) fn from_rows(
    table: &str,
    rows: &[String],
) -> Result<HistoryDigest, migra_core::BackendError> {
    let Some(text) = rows.first() else {
        return Ok(HistoryDigest::default());
    };
    HistoryDigest::parse(text).map_err(|message| migra_core::BackendError::History {
        table: table.to_string(),
        message,
    })
}
