//! HI001 applied-file-changed.
use super::prelude::*;
use migra_core::drift::Drift;

pub(crate) struct R;

static INFO: Info = Info {
    code: "HI001",
    name: "applied-file-changed",
    severity: Severity::Error,
    dialects: SQL,
    detects: "A migration that the database records as applied, whose file's checksum is no longer the recorded one.",
    why: "The edit never ran on this database (nor on any other where the migration was applied), so databases built from the directory and databases upgraded over time now differ.",
    instead: "Restore the applied file and put the change in a new migration; if the edit is only cosmetic, record the new checksum with `migra repair`.",
    probe: None,
    examples: &[Example::new(
        SQL,
        "applied: 1_init.sql = CREATE TABLE t (id int);",
        "1_init.sql now: CREATE TABLE t (id bigint);",
        "2_widen.sql: ALTER TABLE t ALTER COLUMN id TYPE bigint;",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }
}

/// The finding for a changed applied file.
pub(crate) fn finding(d: &Drift) -> Option<Finding> {
    let Drift::ChecksumMismatch {
        version,
        file,
        recorded,
        current,
        ..
    } = d
    else {
        return None;
    };
    Some(INFO.finding_at(
        file,
        1,
        1,
        format!(
            "migration {version} was applied with checksum {}, but the file now has {}",
            short(recorded),
            short(current)
        ),
    ))
}

fn short(hex: &str) -> &str {
    &hex[..hex.len().min(12)]
}

#[cfg(test)]
mod tests {
    use crate::history::tests_support::{applied, migrations, render};

    #[test]
    fn examples() {
        crate::testing::snapshot_per_dialect(&super::R, |d| {
            let old =
                migrations(d, &[("1_init.sql", "CREATE TABLE t (id int);")]).unwrap_or_default();
            let new =
                migrations(d, &[("1_init.sql", "CREATE TABLE t (id bigint);")]).unwrap_or_default();
            let history = vec![applied(&old[0], None)];
            let bad = crate::history::check_history(&new, &history);
            let good = crate::history::check_history(&old, &history);
            assert_eq!(bad.len(), 1);
            assert!(good.is_empty());
            format!(
                "-- changed file\n{}-- unchanged\n{}",
                render(&bad),
                render(&good)
            )
        });
    }
}
