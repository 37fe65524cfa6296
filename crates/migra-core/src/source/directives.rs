//! `-- migra:` directives, valid in every layout.

use crate::batch::{BATCH_PLACEHOLDER, BatchSpec};
use crate::error::{SourceError, SourceErrorKind};
use crate::migration::{Script, ScriptMode};

/// Directives migra understands today.
pub(crate) const KNOWN: &[&str] = &["no-transaction", "no-split", "allow", "batch"];

/// Directives found in a migration's files.
#[derive(Default)]
pub(crate) struct Directives {
    pub no_transaction: bool,
    pub no_split: bool,
    /// Some statement runs in batches, each committing on its own.
    pub batched: bool,
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
            match name {
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
