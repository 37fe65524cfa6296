//! HI001 applied-file-changed.
use super::prelude::*;
use crate::history::{applied_only, at_migration};
use migra_core::{Migration, Revision};

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

/// Adds a finding for every applied migration whose checksum changed.
pub(crate) fn check(migrations: &[Migration], applied: &[Revision], out: &mut Vec<Finding>) {
    for r in applied_only(applied) {
        let Some(m) = migrations.iter().find(|m| m.version.matches(&r.version)) else {
            continue;
        };
        if r.checksum_algorithm == m.checksum.algorithm && r.checksum != m.checksum.hex {
            out.push(at_migration(
                &INFO,
                m,
                format!(
                    "migration {} was applied with checksum {}, but the file now has {}",
                    r.version,
                    short(&r.checksum),
                    short(&m.checksum.hex)
                ),
            ));
        }
    }
}

fn short(hex: &str) -> &str {
    &hex[..hex.len().min(12)]
}

#[cfg(test)]
mod tests {
    use crate::history::tests_support::{applied, migrations, render};

    #[test]
    fn examples() {
        let old = migrations(&[("1_init.sql", "CREATE TABLE t (id int);")]).unwrap_or_default();
        let new = migrations(&[("1_init.sql", "CREATE TABLE t (id bigint);")]).unwrap_or_default();
        let history = vec![applied(&old[0], None)];
        let mut bad = Vec::new();
        super::check(&new, &history, &mut bad);
        let mut good = Vec::new();
        super::check(&old, &history, &mut good);
        assert_eq!(bad.len(), 1);
        assert!(good.is_empty());
        insta::assert_snapshot!(format!(
            "-- changed file\n{}-- unchanged\n{}",
            render(&bad),
            render(&good)
        ));
    }
}
