//! HI004 duplicate-version.
use super::prelude::*;
use migra_core::{SourceError, SourceErrorKind};

pub(crate) struct R;

static INFO: Info = Info {
    code: "HI004",
    name: "duplicate-version",
    severity: Severity::Error,
    dialects: SQL,
    detects: "Two migration files with the same version.",
    why: "Only one can be recorded in the history: which one runs depends on the tool, and the other is silently skipped or fails.",
    instead: "Give one of them a new, later version.",
    probe: None,
    examples: &[Example::new(
        SQL,
        "",
        "1_users.sql and 1_orders.sql",
        "1_users.sql and 2_orders.sql",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }
}

/// The finding for one duplicate-version load error.
pub(crate) fn finding(e: &SourceError) -> Finding {
    let msg = match &e.kind {
        SourceErrorKind::DuplicateVersion { version, other } => {
            format!("version {version} is also used by {other}")
        }
        other => other.to_string(),
    };
    INFO.finding_at(&e.file, e.line.unwrap_or(1), 1, msg)
}

#[cfg(test)]
mod tests {
    use crate::history::tests_support::{migrations, render};

    #[test]
    fn examples() {
        crate::testing::snapshot_per_dialect(&super::R, |d| {
            let bad = migrations(
                d,
                &[
                    ("1_users.sql", "CREATE TABLE u (id int);"),
                    ("1_orders.sql", "CREATE TABLE o (id int);"),
                ],
            );
            let good = migrations(
                d,
                &[
                    ("1_users.sql", "CREATE TABLE u (id int);"),
                    ("2_orders.sql", "CREATE TABLE o (id int);"),
                ],
            );
            let (found, rest) =
                crate::history::duplicate_versions(bad.err().map(|e| e.0).unwrap_or_default());
            assert_eq!(found.len(), 1);
            assert!(rest.is_empty());
            assert!(good.is_ok());
            format!(
                "-- 1_users.sql and 1_orders.sql\n{}-- 1_users.sql and 2_orders.sql\n(no findings)\n",
                render(&found)
            )
        });
    }
}
