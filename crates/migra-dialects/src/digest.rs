//! The history digest ([`migra_core::digest`]) computed by the server, so the no-op check reads
//! one short row instead of every revision (on a 1,000-migration history, about 250 KB less).

use migra_core::{DialectId, HistoryDigest};

/// The query returning `"<rows> <applied> <sum>"` for the state table `table` (already quoted);
/// on PostgreSQL the three are separate columns ([`pg_text`]) summing the stored terms, and
/// [`pg_hashing_sql`] is the query for a table without them.
/// (SQLite has no SHA-256, and reads its fingerprints locally anyway: it has no digest.)
pub(crate) fn sql(dialect: DialectId, table: &str) -> String {
    match dialect {
        // Three plain columns: on a freshly started server process every function and operator
        // a query names is a catalog lookup, and the text concatenation and the hashing
        // fallback the query once carried cost about 1.3 of its 4.5 ms (pgbench -C).
        DialectId::Postgres => pg_sum(table, PG_TERM_COLUMN),
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

/// The PostgreSQL digest query for a state table without the stored terms (made by an older
/// migra, or by a user who may not alter it): each row's term hashed as the query runs. Same
/// columns as [`sql`].
#[cfg(feature = "postgres")]
pub(crate) fn pg_hashing_sql(table: &str) -> String {
    pg_sum(
        table,
        &pg_term(|text| format!("convert_to({text}, 'UTF8')")),
    )
}

/// Row count, applied count and the sum of `term` (as text: it outgrows `bigint`) over `table`.
fn pg_sum(table: &str, term: &str) -> String {
    format!(
        "SELECT count(*), count(*) FILTER (WHERE status = 'applied'), \
         coalesce(sum({term}), 0)::text FROM {table}"
    )
}

/// PostgreSQL's term of one row, `bytes` turning the row's text expression into its bytes.
#[cfg(feature = "postgres")]
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
#[cfg(feature = "postgres")]
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
#[cfg(feature = "mysql")]
pub(crate) fn text<R: sqlx::Row>(r: &R) -> Result<String, sqlx::Error>
where
    usize: sqlx::ColumnIndex<R>,
    for<'x> String: sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
{
    r.try_get(0)
}

/// The digest text from the PostgreSQL columns [`sql`] and [`pg_hashing_sql`] return.
///
/// Errors: the columns are not two integers and a text.
#[cfg(feature = "postgres")]
pub(crate) fn pg_text(r: &sqlx::postgres::PgRow) -> Result<String, sqlx::Error> {
    use sqlx::Row;
    let (rows, applied, sum): (i64, i64, String) = (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
    Ok(format!("{rows} {applied} {sum}"))
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
