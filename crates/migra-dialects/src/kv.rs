//! The annotation table (`<history>_kv`: checkpoints, verification results, backups) and reading
//! one value from a query, for every sqlx database.

use crate::rows::DbQuery;
use migra_core::{Annotation, AnnotationKind, DialectId, SqlValue};
use sqlx::{
    AssertSqlSafe, Column, ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row,
    Type, TypeInfo,
};

/// SQL for the annotation table of history table `history`.
pub(crate) struct KvSql {
    /// Creates the table if missing.
    pub create: String,
    /// Inserts or replaces one row: kind, sort key, item, body, updated at.
    pub upsert: String,
    /// Rows of one kind, in order.
    pub select: String,
    /// Deletes one version's rows of one kind.
    pub delete_all: String,
    /// Deletes one row.
    pub delete_one: String,
}

impl KvSql {
    /// Builds the SQL for `dialect`; `history` was validated as a plain identifier, and names
    /// the table in `schema` when given.
    pub fn new(dialect: DialectId, schema: Option<&str>, history: &str) -> Self {
        let t = crate::rows::qualified(dialect, schema, &format!("{history}_kv"));
        let p = |n: usize| match dialect {
            DialectId::Postgres => format!("${n}"),
            _ => "?".to_string(),
        };
        let (text, key, tail) = match dialect {
            DialectId::Mysql => ("TEXT", "VARCHAR(191)", " DEFAULT CHARSET = utf8mb4"),
            _ => ("TEXT", "TEXT", ""),
        };
        let upsert = match dialect {
            DialectId::Mysql => {
                "ON DUPLICATE KEY UPDATE body = VALUES(body), updated_at = VALUES(updated_at)"
                    .to_string()
            }
            _ => "ON CONFLICT (kind, sort_key, item) DO UPDATE SET body = excluded.body, \
                  updated_at = excluded.updated_at"
                .to_string(),
        };
        Self {
            create: format!(
                "CREATE TABLE IF NOT EXISTS {t} (kind VARCHAR(32) NOT NULL, sort_key {key} NOT NULL, \
                 item {key} NOT NULL, body {text} NOT NULL, updated_at VARCHAR(40) NOT NULL, \
                 PRIMARY KEY (kind, sort_key, item)){tail}"
            ),
            upsert: format!(
                "INSERT INTO {t} (kind, sort_key, item, body, updated_at) VALUES ({}, {}, {}, {}, {}) {upsert}",
                p(1),
                p(2),
                p(3),
                p(4),
                p(5)
            ),
            select: format!(
                "SELECT kind, sort_key, item, body, updated_at FROM {t} WHERE kind = {} ORDER BY sort_key, item",
                p(1)
            ),
            delete_all: format!(
                "DELETE FROM {t} WHERE kind = {} AND sort_key = {}",
                p(1),
                p(2)
            ),
            delete_one: format!(
                "DELETE FROM {t} WHERE kind = {} AND sort_key = {} AND item = {}",
                p(1),
                p(2),
                p(3)
            ),
        }
    }
}

/// Parses a stored annotation kind.
fn kind(s: &str) -> Result<AnnotationKind, sqlx::Error> {
    [
        AnnotationKind::Checkpoint,
        AnnotationKind::Verified,
        AnnotationKind::Backup,
        AnnotationKind::Data,
    ]
    .into_iter()
    .find(|k| k.as_str() == s)
    .ok_or_else(|| sqlx::Error::Decode(format!("unknown annotation kind `{s}`").into()))
}

/// Decodes a row selected by [`KvSql::select`].
pub(crate) fn annotation<R: Row>(r: &R) -> Result<Annotation, sqlx::Error>
where
    usize: ColumnIndex<R>,
    for<'x> String: Decode<'x, R::Database> + Type<R::Database>,
{
    let k: String = r.try_get(0)?;
    Ok(Annotation {
        kind: kind(&k)?,
        sort_key: r.try_get(1)?,
        key: r.try_get(2)?,
        value: r.try_get(3)?,
        updated_at: r.try_get(4)?,
    })
}

/// Binds an annotation in [`KvSql::upsert`] order.
pub(crate) fn bind<'q, DB: Database>(q: DbQuery<'q, DB>, a: &Annotation) -> DbQuery<'q, DB>
where
    for<'x> &'x str: Encode<'x, DB> + Type<DB>,
    for<'x> String: Encode<'x, DB> + Type<DB>,
{
    q.bind(a.kind.as_str())
        .bind(a.sort_key.clone())
        .bind(a.key.clone())
        .bind(a.value.clone())
        .bind(a.updated_at.clone())
}

/// Inserts or replaces `a` ([`KvSql::upsert`]) on `conn`.
///
/// Errors: the database's.
pub(crate) async fn put<'c, DB, E>(conn: E, sql: &KvSql, a: &Annotation) -> Result<(), sqlx::Error>
where
    DB: Database,
    E: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    for<'x> &'x str: Encode<'x, DB> + Type<DB>,
    for<'x> String: Encode<'x, DB> + Type<DB>,
{
    bind(sqlx::query(AssertSqlSafe(sql.upsert.clone())), a)
        .execute(conn)
        .await
        .map(drop)
}

/// Reads the annotations of `kind` ([`KvSql::select`]) on `conn`.
///
/// Errors: the database's, or a row that does not decode.
pub(crate) async fn read<'c, DB, E>(
    conn: E,
    sql: &KvSql,
    kind: AnnotationKind,
) -> Result<Vec<Annotation>, sqlx::Error>
where
    DB: Database,
    E: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    usize: ColumnIndex<DB::Row>,
    for<'x> &'x str: Encode<'x, DB> + Type<DB>,
    for<'x> String: Decode<'x, DB> + Type<DB>,
{
    let rows = sqlx::query(AssertSqlSafe(sql.select.clone()))
        .bind(kind.as_str())
        .fetch_all(conn)
        .await?;
    rows.iter().map(annotation).collect()
}

/// Deletes the annotations of `kind` for `sort_key` (all keys, or only `key`) on `conn`.
///
/// Errors: the database's.
pub(crate) async fn delete<'c, DB, E>(
    conn: E,
    sql: &KvSql,
    (kind, sort_key, key): (AnnotationKind, &str, Option<&str>),
) -> Result<DB::QueryResult, sqlx::Error>
where
    DB: Database,
    E: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    for<'x> &'x str: Encode<'x, DB> + Type<DB>,
    for<'x> String: Encode<'x, DB> + Type<DB>,
{
    let q = match key {
        None => sqlx::query(AssertSqlSafe(sql.delete_all.clone()))
            .bind(kind.as_str())
            .bind(sort_key.to_string()),
        Some(k) => sqlx::query(AssertSqlSafe(sql.delete_one.clone()))
            .bind(kind.as_str())
            .bind(sort_key.to_string())
            .bind(k.to_string()),
    };
    q.execute(conn).await
}

/// Runs `sql` on `conn` and returns the first value of its first row (`None` without a row).
///
/// Errors: the database's, or a value [`value_at`] cannot decode.
pub(crate) async fn query_value<'c, DB, E>(
    conn: E,
    sql: &str,
) -> Result<Option<SqlValue>, sqlx::Error>
where
    DB: Database,
    E: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    usize: ColumnIndex<DB::Row>,
    for<'x> Option<i64>: Decode<'x, DB> + Type<DB>,
    for<'x> Option<i32>: Decode<'x, DB> + Type<DB>,
    for<'x> Option<i16>: Decode<'x, DB> + Type<DB>,
    for<'x> Option<bool>: Decode<'x, DB> + Type<DB>,
    for<'x> Option<f64>: Decode<'x, DB> + Type<DB>,
    for<'x> Option<String>: Decode<'x, DB> + Type<DB>,
{
    let row = sqlx::query(AssertSqlSafe(sql.to_string()))
        .fetch_optional(conn)
        .await?;
    row.map(|r| value_at(&r, 0)).transpose()
}

/// Runs `sql` on `conn` and returns every row's values.
///
/// Errors: the database's, or a value [`value_at`] cannot decode.
pub(crate) async fn query_rows<'c, DB, E>(
    conn: E,
    sql: &str,
) -> Result<Vec<Vec<SqlValue>>, sqlx::Error>
where
    DB: Database,
    E: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    usize: ColumnIndex<DB::Row>,
    for<'x> Option<i64>: Decode<'x, DB> + Type<DB>,
    for<'x> Option<i32>: Decode<'x, DB> + Type<DB>,
    for<'x> Option<i16>: Decode<'x, DB> + Type<DB>,
    for<'x> Option<bool>: Decode<'x, DB> + Type<DB>,
    for<'x> Option<f64>: Decode<'x, DB> + Type<DB>,
    for<'x> Option<String>: Decode<'x, DB> + Type<DB>,
{
    let rows = sqlx::query(AssertSqlSafe(sql.to_string()))
        .fetch_all(conn)
        .await?;
    rows.iter().map(values).collect()
}

/// Every column of `r`, in order.
///
/// Errors: as [`value_at`].
pub(crate) fn values<R: Row>(r: &R) -> Result<Vec<SqlValue>, sqlx::Error>
where
    usize: ColumnIndex<R>,
    for<'x> Option<i64>: Decode<'x, R::Database> + Type<R::Database>,
    for<'x> Option<i32>: Decode<'x, R::Database> + Type<R::Database>,
    for<'x> Option<i16>: Decode<'x, R::Database> + Type<R::Database>,
    for<'x> Option<bool>: Decode<'x, R::Database> + Type<R::Database>,
    for<'x> Option<f64>: Decode<'x, R::Database> + Type<R::Database>,
    for<'x> Option<String>: Decode<'x, R::Database> + Type<R::Database>,
{
    (0..r.columns().len()).map(|i| value_at(r, i)).collect()
}

/// Column `i` of `r` as a [`SqlValue`], trying the integer, boolean, float and text decodings the
/// driver accepts for its type.
///
/// Errors: a type none of those decode (NUMERIC, dates, ...): cast it in the query.
pub(crate) fn value_at<R: Row>(r: &R, i: usize) -> Result<SqlValue, sqlx::Error>
where
    usize: ColumnIndex<R>,
    for<'x> Option<i64>: Decode<'x, R::Database> + Type<R::Database>,
    for<'x> Option<i32>: Decode<'x, R::Database> + Type<R::Database>,
    for<'x> Option<i16>: Decode<'x, R::Database> + Type<R::Database>,
    for<'x> Option<bool>: Decode<'x, R::Database> + Type<R::Database>,
    for<'x> Option<f64>: Decode<'x, R::Database> + Type<R::Database>,
    for<'x> Option<String>: Decode<'x, R::Database> + Type<R::Database>,
{
    let Some(col) = r.columns().get(i) else {
        return Err(sqlx::Error::Decode(
            format!("the query returned no column {}", i + 1).into(),
        ));
    };
    let type_name = col.type_info().name().to_string();
    let wrap = |v: Option<SqlValue>| v.unwrap_or(SqlValue::Null);
    if let Ok(v) = r.try_get::<Option<i64>, _>(i) {
        return Ok(wrap(v.map(SqlValue::Int)));
    }
    if let Ok(v) = r.try_get::<Option<i32>, _>(i) {
        return Ok(wrap(v.map(|n| SqlValue::Int(n.into()))));
    }
    if let Ok(v) = r.try_get::<Option<i16>, _>(i) {
        return Ok(wrap(v.map(|n| SqlValue::Int(n.into()))));
    }
    if let Ok(v) = r.try_get::<Option<bool>, _>(i) {
        return Ok(wrap(v.map(SqlValue::Bool)));
    }
    if let Ok(v) = r.try_get::<Option<f64>, _>(i) {
        return Ok(wrap(v.map(SqlValue::Float)));
    }
    if let Ok(v) = r.try_get::<Option<String>, _>(i) {
        return Ok(wrap(v.map(SqlValue::Text)));
    }
    Err(sqlx::Error::Decode(
        format!("cannot read a value of type {type_name}: cast it to an integer, boolean or text")
            .into(),
    ))
}
