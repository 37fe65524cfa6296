//! Assertions and the row-count baseline around an up part (see [`migra_core::Checks`]).

use migra_core::{Backend, BackendError, Checks, SqlValue, When};
use serde::Serialize;

/// One check that ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// `assert_before`, `assert_after` or `row_count`.
    pub kind: &'static str,
    /// The query, or the table counted.
    pub target: String,
    /// True when it held.
    pub ok: bool,
    /// What was seen.
    pub detail: String,
}

/// A check that did not hold (or could not run), with the SQL to blame.
pub(crate) struct Broken {
    pub sql: String,
    pub error: BackendError,
}

/// Tables the database estimates above this many rows are not counted: a full count inside the
/// migration's transaction would hold its locks (taken by an `ALTER TABLE`) for the whole scan.
const COUNT_LIMIT: u64 = 100_000;

/// Row counts taken before the statements.
pub(crate) type Baseline = Vec<(String, u64)>;

fn failed(sql: &str, message: String) -> Broken {
    Broken {
        sql: sql.to_string(),
        error: BackendError::Statement {
            message,
            code: Some("migra:check".into()),
        },
    }
}

async fn assert_all(
    b: &mut dyn Backend,
    checks: &Checks,
    when: When,
    out: &mut Vec<CheckResult>,
) -> Result<(), Broken> {
    let kind = if when == When::Before {
        "assert_before"
    } else {
        "assert_after"
    };
    for a in checks.assertions.iter().filter(|a| a.when == when) {
        let v = b.query_value(&a.query).await.map_err(|error| Broken {
            sql: a.query.clone(),
            error,
        })?;
        let (ok, detail) = match &v {
            None => (true, "no rows".to_string()),
            Some(v) => (v.is_true(), format!("returned {v}")),
        };
        out.push(CheckResult {
            kind,
            target: a.query.clone(),
            ok,
            detail: detail.clone(),
        });
        if !ok {
            let label = kind.replace('_', "-");
            return Err(failed(
                &a.query,
                format!("{label} failed ({}): `{}` {detail}", a.location, a.query),
            ));
        }
    }
    Ok(())
}

/// The rows of `table`, or `None` when it cannot be counted (it does not exist at this point:
/// the statements are read by their words, and a table made or renamed in code is not seen). In
/// a transaction the count runs under a savepoint, so a failed count does not abort it.
async fn count(b: &mut dyn Backend, table: &str, in_tx: bool) -> Result<Option<u64>, Broken> {
    let d = b.dialect();
    let name: Vec<String> = table.split('.').map(|p| d.quote_ident(p)).collect();
    let sql = format!("SELECT count(*) FROM {}", name.join("."));
    let guard = |e| Broken {
        sql: sql.clone(),
        error: e,
    };
    savepoint(b, in_tx, None).await.map_err(guard)?;
    let r = b.query_value(&sql).await;
    savepoint(b, in_tx, Some(r.is_ok())).await.map_err(guard)?;
    match r {
        Ok(Some(SqlValue::Int(n))) => Ok(Some(n.max(0) as u64)),
        _ => Ok(None),
    }
}

/// The database's estimate of `table`'s rows, under a savepoint in a transaction (a failed
/// catalog query must not abort the migration).
async fn estimated(b: &mut dyn Backend, table: &str, in_tx: bool) -> Result<Option<u64>, Broken> {
    let guard = |error| Broken {
        sql: format!("-- estimate of {table}"),
        error,
    };
    savepoint(b, in_tx, None).await.map_err(guard)?;
    let r = b.estimated_rows(table).await;
    savepoint(b, in_tx, Some(r.is_ok())).await.map_err(guard)?;
    Ok(r.unwrap_or(None))
}

/// In a transaction, sets the savepoint a check query runs under (`end: None`), or releases it
/// after a success and rolls back to it after a failure, which would otherwise abort the
/// migration's transaction. Outside one, does nothing.
async fn savepoint(
    b: &mut dyn Backend,
    in_tx: bool,
    end: Option<bool>,
) -> Result<(), BackendError> {
    if !in_tx {
        return Ok(());
    }
    let sql = match end {
        None => "SAVEPOINT migra_check",
        Some(true) => "RELEASE SAVEPOINT migra_check",
        Some(false) => "ROLLBACK TO SAVEPOINT migra_check",
    };
    b.execute(sql).await.map(drop)
}

/// Assertions before, and the baseline counts.
pub(crate) async fn before(
    b: &mut dyn Backend,
    checks: &Checks,
    in_tx: bool,
    out: &mut Vec<CheckResult>,
) -> Result<Baseline, Broken> {
    assert_all(b, checks, When::Before, out).await?;
    let mut base = Vec::new();
    for t in &checks.baseline {
        // The estimate reads the catalog only; a table it cannot find is counted (or skipped).
        let estimate = estimated(b, t, in_tx).await?;
        if let Some(rows) = estimate.filter(|n| *n > COUNT_LIMIT) {
            out.push(CheckResult {
                kind: "row_count",
                target: t.clone(),
                ok: true,
                detail: format!(
                    "not counted: about {rows} rows, and counting inside the migration would hold \
                     its locks for the whole scan"
                ),
            });
            continue;
        }
        if let Some(n) = count(b, t, in_tx).await? {
            base.push((t.clone(), n));
        }
    }
    Ok(base)
}

/// The baseline compared, then the assertions after.
pub(crate) async fn after(
    b: &mut dyn Backend,
    checks: &Checks,
    base: &Baseline,
    in_tx: bool,
    out: &mut Vec<CheckResult>,
) -> Result<(), Broken> {
    for (t, was) in base {
        let Some(now) = count(b, t, in_tx).await? else {
            continue;
        };
        let ok = now == *was;
        out.push(CheckResult {
            kind: "row_count",
            target: t.clone(),
            ok,
            detail: format!("{was} rows before, {now} after"),
        });
        if !ok {
            return Err(failed(
                &format!("SELECT count(*) FROM {t}"),
                format!(
                    "row count of {t} changed: {was} rows before, {now} after (if the migration \
                     means to, say so with `-- migra:rows-change {t}`)"
                ),
            ));
        }
    }
    assert_all(b, checks, When::After, out).await
}
