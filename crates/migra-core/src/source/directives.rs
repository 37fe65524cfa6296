//! `-- migra:` directives, valid in every layout.

use crate::error::{SourceError, SourceErrorKind};

/// Directives migra understands today.
pub(crate) const KNOWN: &[&str] = &["no-transaction", "no-split", "allow"];

/// Directives found in a migration's files.
#[derive(Default)]
pub(crate) struct Directives {
    pub no_transaction: bool,
    pub no_split: bool,
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
