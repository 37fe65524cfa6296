//! HI005 irreversible.
use super::prelude::*;
use crate::rule::Direction;

pub(crate) struct R;

static INFO: Info = Info {
    code: "HI005",
    name: "irreversible",
    severity: Severity::Warning,
    dialects: SQL,
    detects: "A migration without a down part, and a down part that re-creates a dropped table or column (which comes back empty: the data is not restored).",
    why: "Rolling back is either impossible or silently loses the data the up part dropped; the time to find out is before deploying, not during an incident.",
    instead: "Write a down part; for destructive ups, keep the data (`--backup`, or copy it aside in the up part) so the down part can restore it.",
    probe: None,
    examples: &[Example::new(
        SQL,
        "CREATE TABLE users (id int);\nCREATE TABLE users_legacy_backup (id int, legacy text);",
        "-- down part of: ALTER TABLE users DROP COLUMN legacy;\nALTER TABLE users ADD COLUMN legacy text;",
        "-- down part of: ALTER TABLE users DROP COLUMN legacy;\nALTER TABLE users ADD COLUMN legacy text;\nUPDATE users SET legacy = b.legacy FROM users_legacy_backup b WHERE b.id = users.id;",
    )
    .as_down()],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_script(&self, cx: &ScriptCx<'_>, out: &mut Vec<Finding>) {
        match cx.script.direction {
            Direction::Up if !cx.script.has_down => {
                out.push(cx.finding(
                    &INFO,
                    None,
                    "this migration has no down part: it cannot be rolled back",
                ));
            }
            Direction::Down => {
                // A down part that copies data back (INSERT/UPDATE) restores what it re-creates.
                if cx
                    .statements
                    .iter()
                    .any(|(_, a)| a.kind == crate::analyze::Kind::Dml)
                {
                    return;
                }
                for (i, (_, a)) in cx.statements.iter().enumerate() {
                    for c in a.changes() {
                        let what = match c {
                            Change::AddTable { namespace, table } => {
                                crate::analyze::names::display(
                                    cx.target,
                                    namespace,
                                    &table.name,
                                    None,
                                )
                            }
                            Change::ModifyTable {
                                namespace,
                                table,
                                changes,
                            } => {
                                let cols: Vec<&str> = changes
                                    .iter()
                                    .filter_map(|tc| match tc {
                                        TableChange::AddColumn { column } => {
                                            Some(column.name.as_str())
                                        }
                                        _ => None,
                                    })
                                    .collect();
                                if cols.is_empty() {
                                    continue;
                                }
                                crate::analyze::names::display(
                                    cx.target,
                                    namespace,
                                    table,
                                    Some(&cols.join(", ")),
                                )
                            }
                            _ => continue,
                        };
                        out.push(cx.finding(&INFO, Some(i), format!("the down part re-creates {what} empty: the data the up part dropped is not restored")).on(what));
                    }
                }
            }
            Direction::Up => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::target::Target;
    use migra_core::DialectId;

    #[test]
    fn examples() {
        crate::testing::check_examples(&super::R);
    }

    #[test]
    fn an_up_part_without_down_is_irreversible() {
        let sql = "ALTER TABLE users ADD COLUMN x int;";
        let without = crate::testing::run_script(
            Target::new(DialectId::Postgres),
            "HI005",
            "CREATE TABLE users (id int);",
            sql,
            false,
        );
        let with = crate::testing::run_script(
            Target::new(DialectId::Postgres),
            "HI005",
            "CREATE TABLE users (id int);",
            sql,
            true,
        );
        assert_eq!(without.findings.len(), 1);
        assert!(with.findings.is_empty());
        insta::assert_snapshot!(format!(
            "-- up without a down part\n{}-- with one\n{}",
            crate::testing::render(&without),
            crate::testing::render(&with)
        ));
    }
}
