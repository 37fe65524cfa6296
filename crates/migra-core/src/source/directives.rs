//! `-- migra:` directives, valid in every layout.

use crate::batch::{BATCH_PLACEHOLDER, BatchSpec};
use crate::checks::Assertion;
use crate::error::{SourceError, SourceErrorKind};
use crate::migration::{Script, ScriptMode};

/// Directives migra understands today.
pub(crate) const KNOWN: &[&str] = &[
    "no-transaction",
    "no-split",
    "allow",
    "batch",
    "assert",
    "assert-before",
    "assert-after",
    "rows-change",
    "no-baseline",
];

/// Directives found in a migration's files.
#[derive(Default)]
pub(crate) struct Directives {
    pub no_transaction: bool,
    pub no_split: bool,
    /// Some statement runs in batches, each committing on its own.
    pub batched: bool,
    /// `-- migra:assert*` directives.
    pub assertions: Vec<Assertion>,
    /// Tables named by `-- migra:rows-change` (lower case).
    pub rows_change: Vec<String>,
    /// `-- migra:no-baseline`.
    pub no_baseline: bool,
}

impl Directives {
    /// Scans every `-- migra:NAME` comment line of `text`; an unknown name is an error at its line.
    pub fn scan(&mut self, path: &str, text: &str) -> Result<(), SourceError> {
        for (i, line) in text.lines().enumerate() {
            let Some(rest) = line.trim().strip_prefix("--") else {
                continue;
            };
            let Some(directive) = rest.trim_start().strip_prefix("migra:") else {
                continue;
            };
            let name = directive.split_whitespace().next().unwrap_or("");
            let rest = directive[name.len()..].trim();
            if let Some(whens) = crate::checks::assertion(name, rest) {
                for when in whens {
                    self.assertions.push(Assertion {
                        when,
                        query: rest.trim_end_matches(';').to_string(),
                        location: format!("{path}:{}", i + 1),
                    });
                }
                continue;
            }
            match name {
                "assert" | "assert-before" | "assert-after" => {
                    return Err(SourceError::new(
                        path,
                        Some(i as u32 + 1),
                        SourceErrorKind::BadDirective {
                            directive: name.into(),
                            reason: "it needs a query: `-- migra:assert-after SELECT count(*) = 0 FROM t WHERE c IS NULL`"
                                .into(),
                        },
                    ));
                }
                "rows-change" => self.rows_change.extend(
                    rest.split([',', ' '])
                        .filter(|t| !t.is_empty())
                        .map(str::to_lowercase),
                ),
                "no-baseline" => self.no_baseline = true,
                "no-transaction" => self.no_transaction = true,
                "no-split" => self.no_split = true,
                // Read by the validator, statement by statement.
                "allow" => {}
                // Read per script by `batches`; makes the migration run outside a transaction.
                "batch" => self.batched = true,
                _ => {
                    return Err(SourceError::new(
                        path,
                        Some(i as u32 + 1),
                        SourceErrorKind::UnknownMarker {
                            marker: format!("-- migra:{name}"),
                            hint: Some(format!("known directives: {}", KNOWN.join(", "))),
                        },
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Reads the `-- migra:batch` directives of a script and ties each to its statement: the
/// statement whose lines hold it, else the first one after it.
///
/// Errors: bad arguments, no statement after the directive, a statement without `{batch}`, two
/// directives on one statement, a batch in a script sent whole (`-- migra:no-split`).
pub(crate) fn batches(script: &Script) -> Result<Vec<BatchSpec>, SourceError> {
    let mut out: Vec<BatchSpec> = Vec::new();
    for (i, line) in script.text.lines().enumerate() {
        let Some(rest) = line.trim().strip_prefix("--") else {
            continue;
        };
        let Some(args) = rest.trim_start().strip_prefix("migra:batch") else {
            continue;
        };
        let at = script.first_line + i as u32;
        let bad = |reason: String| {
            SourceError::new(
                script.path.clone(),
                Some(at),
                SourceErrorKind::BadDirective {
                    directive: "batch".into(),
                    reason,
                },
            )
        };
        if script.mode == ScriptMode::Whole {
            return Err(bad(
                "a script sent whole (`-- migra:no-split`) cannot run a statement in batches"
                    .into(),
            ));
        }
        let (table, key, size) = crate::batch::parse_args(args).map_err(bad)?;
        let statement = script
            .statements
            .iter()
            .position(|s| s.line <= at && at <= s.end_line())
            .or_else(|| script.statements.iter().position(|s| s.line > at))
            .ok_or_else(|| bad("no statement follows it".into()))?;
        if !script.statements[statement].sql.contains(BATCH_PLACEHOLDER) {
            return Err(bad(format!(
                "its statement has no `{BATCH_PLACEHOLDER}` in its WHERE clause for the key range"
            )));
        }
        if out.iter().any(|b| b.statement == statement) {
            return Err(bad("its statement already has a batch directive".into()));
        }
        out.push(BatchSpec {
            statement,
            table,
            key,
            size,
            line: at,
        });
    }
    Ok(out)
}

/// The checks of a migration: its assertions and the tables whose row counts must not change.
pub(crate) fn checks(d: &Directives, up: &Script) -> crate::checks::Checks {
    let mut baseline = std::collections::BTreeSet::new();
    let mut exempt: std::collections::BTreeSet<String> = d.rows_change.iter().cloned().collect();
    for s in &up.statements {
        let (same, created, changed) = crate::checks::touched(&s.sql);
        exempt.extend(created);
        exempt.extend(changed);
        baseline.extend(same);
    }
    let short = |t: &String| t.rsplit('.').next().unwrap_or(t).to_string();
    let exempt_short: std::collections::BTreeSet<String> = exempt.iter().map(short).collect();
    crate::checks::Checks {
        assertions: d.assertions.clone(),
        baseline: if d.no_baseline {
            Vec::new()
        } else {
            baseline
                .into_iter()
                .filter(|t| !exempt.contains(t) && !exempt_short.contains(&short(t)))
                .collect()
        },
    }
}
