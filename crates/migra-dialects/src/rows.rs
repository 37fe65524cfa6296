//! History rows to and from any sqlx database: one decoding and one binding for all dialects.

use migra_core::{LogAction, LogEntry, Revision};
use sqlx::{ColumnIndex, Database, Decode, Encode, Row, Type};

/// A query with its arguments, on database `DB`.
pub(crate) type DbQuery<'q, DB> = sqlx::query::Query<'q, DB, <DB as Database>::Arguments>;

/// State-row columns, in the order the functions below read and bind them.
pub(crate) const COLUMNS: &str = "sort_key, version, name, checksum, checksum_algorithm, status, applied_statements, \
     total_statements, started_at, finished_at, duration_ms, error, failing_statement, applied_by, progress_checksum";

/// Checks a history table name: letters (lower-case only when `lower_only`), digits and `_`, at
/// most `max` long, not starting with a digit. The name is quoted anyway; this keeps the derived
/// `_log`/`_lock` names within every database's identifier limit and portable.
///
/// Errors: a message saying which rule the name breaks.
pub(crate) fn check_table_name(name: &str, lower_only: bool, max: usize) -> Result<(), String> {
    let letter = |c: char| {
        if lower_only {
            c.is_ascii_lowercase()
        } else {
            c.is_ascii_alphabetic()
        }
    };
    let ok = !name.is_empty()
        && name.len() <= max
        && name
            .chars()
            .all(|c| letter(c) || c.is_ascii_digit() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if ok {
        return Ok(());
    }
    let case = if lower_only { "lower-case " } else { "" };
    Err(format!(
        "history table name `{name}` must be {case}letters, digits and _ (at most {max}, not starting with a digit)"
    ))
}

/// `name` quoted for `dialect`, in `schema` when given: the history tables are named with their
/// schema wherever a migration may change the session's default one (`SET search_path`, `USE`).
pub(crate) fn qualified(
    dialect: migra_core::DialectId,
    schema: Option<&str>,
    name: &str,
) -> String {
    match schema {
        Some(s) => format!("{}.{}", dialect.quote_ident(s), dialect.quote_ident(name)),
        None => dialect.quote_ident(name),
    }
}

/// `col = <new value of col>` for every state column but the key, for an upsert.
pub(crate) fn update_all(new_value: impl Fn(&str) -> String) -> String {
    COLUMNS
        .split(", ")
        .filter(|c| *c != "sort_key")
        .map(|c| format!("{c} = {}", new_value(c)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Decodes a state row selected as [`COLUMNS`] (SQLite decodes its rows by hand).
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub(crate) fn revision<R: Row>(r: &R) -> Result<Revision, sqlx::Error>
where
    usize: ColumnIndex<R>,
    for<'x> String: Decode<'x, R::Database> + Type<R::Database>,
    for<'x> i64: Decode<'x, R::Database> + Type<R::Database>,
{
    let status: String = r.try_get(5)?;
    Ok(Revision {
        sort_key: r.try_get(0)?,
        version: r.try_get(1)?,
        name: r.try_get(2)?,
        checksum: r.try_get(3)?,
        checksum_algorithm: r.try_get(4)?,
        status: migra_core::RevisionStatus::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown status `{status}`").into()))?,
        applied_statements: r.try_get::<i64, _>(6)? as u32,
        total_statements: r.try_get::<i64, _>(7)? as u32,
        started_at: r.try_get(8)?,
        finished_at: r.try_get(9)?,
        duration_ms: r.try_get::<i64, _>(10)? as u64,
        error: r.try_get(11)?,
        failing_statement: r.try_get(12)?,
        applied_by: r.try_get(13)?,
        progress_checksum: r.try_get(14)?,
    })
}

/// Parses a stored log action.
pub(crate) fn log_action(s: &str) -> Result<LogAction, sqlx::Error> {
    match s {
        "apply" => Ok(LogAction::Apply),
        "rollback" => Ok(LogAction::Rollback),
        "failure" => Ok(LogAction::Failure),
        "repair" => Ok(LogAction::Repair),
        other => Err(sqlx::Error::Decode(
            format!("unknown action `{other}`").into(),
        )),
    }
}

/// Decodes a log row selected as `version, name, action, checksum, at, duration_ms, by, error,
/// failing_statement`.
pub(crate) fn log_entry<R: Row>(r: &R) -> Result<LogEntry, sqlx::Error>
where
    usize: ColumnIndex<R>,
    for<'x> String: Decode<'x, R::Database> + Type<R::Database>,
    for<'x> i64: Decode<'x, R::Database> + Type<R::Database>,
{
    let action: String = r.try_get(2)?;
    Ok(LogEntry {
        version: r.try_get(0)?,
        name: r.try_get(1)?,
        action: log_action(&action)?,
        checksum: r.try_get(3)?,
        at: r.try_get(4)?,
        duration_ms: r.try_get::<i64, _>(5)? as u64,
        by: r.try_get(6)?,
        error: r.try_get(7)?,
        failing_statement: r.try_get(8)?,
    })
}

/// One bound value of a history row, so that each row's order of values is written once, for
/// sqlx and for the in-thread SQLite step alike.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Arg<'a> {
    Text(&'a str),
    OptText(Option<&'a str>),
    Int(i64),
}

/// A state row's values in [`COLUMNS`] order.
pub(crate) fn revision_args(rev: &Revision) -> [Arg<'_>; 15] {
    use Arg::{Int, OptText, Text};
    [
        Text(&rev.sort_key),
        Text(&rev.version),
        Text(&rev.name),
        Text(&rev.checksum),
        Text(&rev.checksum_algorithm),
        Text(rev.status.as_str()),
        Int(i64::from(rev.applied_statements)),
        Int(i64::from(rev.total_statements)),
        Text(&rev.started_at),
        OptText(rev.finished_at.as_deref()),
        Int(rev.duration_ms as i64),
        OptText(rev.error.as_deref()),
        OptText(rev.failing_statement.as_deref()),
        Text(&rev.applied_by),
        OptText(rev.progress_checksum.as_deref()),
    ]
}

/// A log row's values after its `version`.
pub(crate) fn log_rest_args(e: &LogEntry) -> [Arg<'_>; 8] {
    use Arg::{Int, OptText, Text};
    [
        Text(&e.name),
        Text(e.action.as_str()),
        Text(&e.checksum),
        Text(&e.at),
        Int(e.duration_ms as i64),
        Text(&e.by),
        OptText(e.error.as_deref()),
        OptText(e.failing_statement.as_deref()),
    ]
}

/// A state row's values and then its log row's, `version` first: the order of a statement
/// writing both at once.
#[cfg(feature = "postgres")]
pub(crate) fn record_args<'a>(rev: &'a Revision, log: &'a LogEntry) -> Vec<Arg<'a>> {
    let mut args = revision_args(rev).to_vec();
    args.push(Arg::Text(&log.version));
    args.extend(log_rest_args(log));
    args
}

/// Binds `args` in order.
pub(crate) fn bind_args<'q, DB: Database>(
    mut q: DbQuery<'q, DB>,
    args: impl IntoIterator<Item = Arg<'q>>,
) -> DbQuery<'q, DB>
where
    for<'x> &'x str: Encode<'x, DB> + Type<DB>,
    for<'x> Option<&'x str>: Encode<'x, DB> + Type<DB>,
    for<'x> i64: Encode<'x, DB> + Type<DB>,
{
    for a in args {
        q = match a {
            Arg::Text(v) => q.bind(v),
            Arg::OptText(v) => q.bind(v),
            Arg::Int(v) => q.bind(v),
        };
    }
    q
}

/// Binds a state row's values in [`COLUMNS`] order.
pub(crate) fn bind_revision<'q, DB: Database>(
    q: DbQuery<'q, DB>,
    rev: &'q Revision,
) -> DbQuery<'q, DB>
where
    for<'x> &'x str: Encode<'x, DB> + Type<DB>,
    for<'x> Option<&'x str>: Encode<'x, DB> + Type<DB>,
    for<'x> i64: Encode<'x, DB> + Type<DB>,
{
    bind_args(q, revision_args(rev))
}

/// Binds a log row's values after its `version`.
pub(crate) fn bind_log_rest<'q, DB: Database>(
    q: DbQuery<'q, DB>,
    e: &'q LogEntry,
) -> DbQuery<'q, DB>
where
    for<'x> &'x str: Encode<'x, DB> + Type<DB>,
    for<'x> Option<&'x str>: Encode<'x, DB> + Type<DB>,
    for<'x> i64: Encode<'x, DB> + Type<DB>,
{
    bind_args(q, log_rest_args(e))
}

/// Binds a log row's values, `version` first.
pub(crate) fn bind_log<'q, DB: Database>(q: DbQuery<'q, DB>, e: &'q LogEntry) -> DbQuery<'q, DB>
where
    for<'x> &'x str: Encode<'x, DB> + Type<DB>,
    for<'x> Option<&'x str>: Encode<'x, DB> + Type<DB>,
    for<'x> i64: Encode<'x, DB> + Type<DB>,
{
    bind_log_rest(q.bind(e.version.as_str()), e)
}

/// True for a backup table of history table `history` (`<history>_bk_...`, made by
/// `migra apply --backup`): inspection leaves them out like the history tables.
pub(crate) fn is_backup_table(history: &str, name: &str) -> bool {
    name.strip_prefix(history)
        .is_some_and(|rest| rest.starts_with("_bk_"))
}
