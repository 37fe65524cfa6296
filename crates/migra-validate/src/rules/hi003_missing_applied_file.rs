//! HI003 missing-applied-file.
use super::prelude::*;
use crate::history::{applied_only, at_file};
use migra_core::{Migration, Revision};

pub(crate) struct R;

static INFO: Info = Info {
    code: "HI003",
    name: "missing-applied-file",
    severity: Severity::Error,
    dialects: SQL,
    detects: "A version the history table records as applied that no file in the directory has.",
    why: "The directory no longer describes this database: a fresh database built from it differs, and rolling that migration back is impossible.",
    instead: "Restore the file (from version control), or, if the migration was squashed into another, mark it so with `migra repair`.",
    probe: None,
    examples: &[Example::new(
        SQL,
        "applied: 1_init.sql, 2_users.sql",
        "directory: 1_init.sql",
        "directory: 1_init.sql, 2_users.sql",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }
}

/// Adds a finding for every applied version without a file.
pub(crate) fn check(migrations: &[Migration], applied: &[Revision], out: &mut Vec<Finding>) {
    for r in applied_only(applied) {
        if !migrations.iter().any(|m| m.version.matches(&r.version)) {
            out.push(at_file(
                &INFO,
                &format!("{} ({})", r.version, r.name),
                1,
                format!(
                    "migration {} ({}) is applied but its file is missing",
                    r.version, r.name
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::history::tests_support::{applied, migrations, render};

    #[test]
    fn examples() {
        let ms = migrations(&[
            ("1_init.sql", "CREATE TABLE a (id int);"),
            ("2_users.sql", "CREATE TABLE u (id int);"),
        ])
        .unwrap_or_default();
        let history = vec![applied(&ms[0], None), applied(&ms[1], None)];
        let mut bad = Vec::new();
        super::check(&ms[..1], &history, &mut bad);
        let mut good = Vec::new();
        super::check(&ms, &history, &mut good);
        assert_eq!(bad.len(), 1);
        assert!(good.is_empty());
        insta::assert_snapshot!(format!(
            "-- 2_users.sql deleted\n{}-- all files present\n{}",
            render(&bad),
            render(&good)
        ));
    }
}
