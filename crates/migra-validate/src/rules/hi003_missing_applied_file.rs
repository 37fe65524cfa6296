//! HI003 missing-applied-file.
use super::prelude::*;
use migra_core::drift::Drift;

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

/// The finding for an applied version without a file.
pub(crate) fn finding(d: &Drift) -> Option<Finding> {
    let Drift::MissingFile { version, name } = d else {
        return None;
    };
    Some(INFO.finding_at(
        &format!("{version} ({name})"),
        1,
        1,
        format!("migration {version} ({name}) is applied but its file is missing"),
    ))
}

#[cfg(test)]
mod tests {
    use crate::history::tests_support::{applied, migrations, render};

    #[test]
    fn examples() {
        crate::testing::snapshot_per_dialect(&super::R, |d| {
            let ms = migrations(
                d,
                &[
                    ("1_init.sql", "CREATE TABLE a (id int);"),
                    ("2_users.sql", "CREATE TABLE u (id int);"),
                ],
            )
            .unwrap_or_default();
            let history = vec![applied(&ms[0], None), applied(&ms[1], None)];
            let bad = crate::history::check_history(&ms[..1], &history);
            let good = crate::history::check_history(&ms, &history);
            assert_eq!(bad.len(), 1);
            assert!(good.is_empty());
            format!(
                "-- 2_users.sql deleted\n{}-- all files present\n{}",
                render(&bad),
                render(&good)
            )
        });
    }
}
