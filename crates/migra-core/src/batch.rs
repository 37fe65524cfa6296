//! Batched data steps: `-- migra:batch table=T key=K size=N` before a statement whose `WHERE`
//! holds `{batch}`. The executor replaces `{batch}` with one key range at a time and commits each
//! range with a checkpoint, so a long backfill holds row locks only for one batch and a killed run
//! resumes at the next batch.

use serde::{Deserialize, Serialize};

/// The text a batched statement must contain; replaced by each batch's key-range condition.
pub const BATCH_PLACEHOLDER: &str = "{batch}";

/// A batched statement of a script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchSpec {
    /// Index of the statement in its script's statements.
    pub statement: usize,
    /// The table whose key ranges the batches walk (`name` or `schema.name`, unquoted).
    pub table: Vec<String>,
    /// The integer key column that orders the batches (usually the primary key).
    pub key: String,
    /// Rows per batch (at most).
    pub size: u64,
    /// Line of the directive in its file.
    pub line: u32,
}

/// Parses the arguments of `-- migra:batch` (`table=T key=K size=N`, any order).
///
/// Errors: a missing or repeated argument, an unknown one, a size that is not a positive integer.
pub(crate) fn parse_args(args: &str) -> Result<(Vec<String>, String, u64), String> {
    let (mut table, mut key, mut size) = (None, None, None);
    for word in args.split_whitespace() {
        let Some((name, value)) = word.split_once('=') else {
            return Err(format!("`{word}` is not name=value"));
        };
        let slot = match name {
            "table" => &mut table,
            "key" => &mut key,
            "size" => &mut size,
            _ => {
                return Err(format!(
                    "unknown argument `{name}` (known: table, key, size)"
                ));
            }
        };
        if slot.replace(value.to_string()).is_some() {
            return Err(format!("`{name}` is given twice"));
        }
    }
    let usage = "write `-- migra:batch table=customers key=id size=10000`";
    let table = table.ok_or_else(|| format!("`table=` is missing; {usage}"))?;
    let key = key.ok_or_else(|| format!("`key=` is missing; {usage}"))?;
    let size = match size {
        None => 10_000,
        Some(s) => s
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("size `{s}` is not a positive integer"))?,
    };
    let parts: Vec<String> = table.split('.').map(str::to_string).collect();
    if parts.iter().any(String::is_empty) || parts.len() > 2 || key.is_empty() {
        return Err(format!(
            "`table={table} key={key}` does not name a table and a column"
        ));
    }
    Ok((parts, key, size))
}

/// The statement to run for one batch: `sql` with `{batch}` replaced by `condition`.
pub fn fill(sql: &str, condition: &str) -> String {
    sql.replace(BATCH_PLACEHOLDER, &format!("({condition})"))
}

/// Where a batched statement stands, committed with each batch (history annotation kind
/// [`crate::AnnotationKind::Checkpoint`]), and what `migra status` shows of a running one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Index of the batched statement in the up (or down) script.
    pub statement: usize,
    /// `up` or `down`.
    pub direction: String,
    /// Checksum of the statement's text: a checkpoint only resumes the statement it belongs to.
    pub statement_checksum: String,
    /// The highest key done; `None` before the first batch.
    pub last_key: Option<i64>,
    /// Batches committed.
    pub batches_done: u64,
    /// Batches expected in all (those done plus the rows left divided by the batch size).
    pub batches_total: u64,
    /// Rows the batches reported as changed.
    pub rows_done: u64,
    /// Rows the key range held when the step (or its resumption) started, plus those done before.
    pub rows_total: u64,
    /// When the step first started (RFC 3339, UTC).
    pub started_at: String,
    /// When the last batch committed.
    pub updated_at: String,
    /// Who runs it.
    pub runner: String,
    /// True once the last batch committed.
    pub finished: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_arguments_in_any_order() {
        let (t, k, n) = parse_args("size=500 key=id table=app.customers").expect("valid");
        assert_eq!(
            (t, k.as_str(), n),
            (vec!["app".into(), "customers".into()], "id", 500)
        );
        assert_eq!(parse_args("table=t key=id").expect("valid").2, 10_000);
    }

    #[test]
    fn rejects_bad_arguments() {
        let err = |a: &str| parse_args(a).expect_err("invalid");
        assert!(err("key=id").contains("`table=` is missing"));
        assert!(err("table=t key=id size=0").contains("not a positive integer"));
        assert!(err("table=t key=id rows=4").contains("unknown argument `rows`"));
        assert!(err("table=t table=u key=id").contains("given twice"));
        assert!(err("table=a.b.c key=id").contains("does not name"));
    }

    #[test]
    fn fills_the_placeholder() {
        assert_eq!(
            fill("UPDATE t SET a = 1 WHERE {batch} AND b", "id > 3"),
            "UPDATE t SET a = 1 WHERE (id > 3) AND b"
        );
    }
}
