//! Live data probes: the validator's findings describe the data questions that would sharpen them
//! ([`migra_validate::probe::Probe`]); this runs them read-only on a database and re-grades each
//! finding with the answer ("dropping users.legacy_token deletes its values: 45000 non-NULL values").

use migra_core::{Backend, BackendError, DialectId};
use migra_validate::probe::{Answer, Scan};
use migra_validate::{Config, Finding};
use std::collections::BTreeMap;

/// Rows a probe reads from a table of at least `config.large_table_rows` rows (a sample, said so).
pub const SAMPLE_ROWS: u64 = 100_000;

/// Runs the probe of every finding that has one against `backend` (read-only, each query bounded
/// by `config.probe_timeout()`), re-grades the finding and records the evidence. A table the database does not
/// have yet is created by the migrations being checked, so it holds no rows. Big tables are
/// sampled and the counts scaled, marked as estimates. A probe that fails leaves its finding as
/// it was, with the failure as evidence. Returns how many queries ran (one per distinct question).
///
/// Errors: only reading the table statistics; individual probe failures are recorded instead.
pub async fn probe_findings(
    backend: &mut dyn Backend,
    findings: &mut [Finding],
    config: &Config,
) -> Result<usize, BackendError> {
    let timeout = config.probe_timeout();
    let dialect = backend.dialect();
    let quote = |s: &str| migra_dialects::dialect(dialect).quote_ident(s);
    let Some(inspector) = backend.inspector() else {
        return Ok(0);
    };
    // Estimated rows per table; PostgreSQL keys by schema, the others by table name alone (their
    // one namespace is named after the database).
    let mut rows: BTreeMap<(String, String), u64> = BTreeMap::new();
    for (ns, table, n) in inspector.table_rows().await? {
        let ns = if dialect == DialectId::Postgres {
            ns
        } else {
            String::new()
        };
        rows.insert((ns, table), n);
    }
    let mut ran = 0;
    let mut asked: BTreeMap<String, Result<Answer, String>> = BTreeMap::new();
    for f in findings.iter_mut() {
        let Some(probe) = f.probe.clone() else {
            continue;
        };
        let (ns, table) = probe.table();
        let key = if dialect == DialectId::Postgres {
            (ns.to_string(), table.to_string())
        } else {
            (String::new(), table.to_string())
        };
        let Some(&estimate) = rows.get(&key) else {
            migra_validate::grade(
                f,
                &Answer {
                    count: 0,
                    estimated: false,
                },
                config,
            );
            f.evidence =
                Some("the table does not exist yet: the migrations being checked create it".into());
            continue;
        };
        let big = estimate >= config.large_table_rows;
        let scan = if big && !matches!(probe, migra_validate::probe::Probe::Rows { .. }) {
            Scan::Sample {
                total: estimate,
                rows: SAMPLE_ROWS,
            }
        } else {
            Scan::Full
        };
        let answer = if big && matches!(probe, migra_validate::probe::Probe::Rows { .. }) {
            Ok(Answer {
                count: estimate,
                estimated: true,
            })
        } else {
            // Several rules ask the same question of one table (its rows, typically): ask once.
            let sql = probe.sql(dialect, &quote, scan);
            match asked.get(&sql) {
                Some(a) => a.clone(),
                None => {
                    let a = inspector
                        .count(&sql, timeout)
                        .await
                        .map(|n| Answer {
                            count: scan.scale(n),
                            estimated: scan != Scan::Full,
                        })
                        .map_err(|e| e.to_string());
                    ran += 1;
                    asked.insert(sql, a.clone());
                    a
                }
            }
        };
        match answer {
            Ok(a) => migra_validate::grade(f, &a, config),
            Err(e) => f.evidence = Some(format!("probe failed ({e}); severity kept")),
        }
    }
    Ok(ran)
}
