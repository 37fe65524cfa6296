//! BC605 drop-not-null.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "BC605",
    name: "drop-not-null",
    severity: Severity::Info,
    dialects: SQL,
    detects: "NOT NULL dropped from a column of an existing table.",
    why: "Readers of the running (or a rolled-back) release may assume the column is never NULL and crash on the first NULL a new writer stores.",
    instead: "Make sure every reader handles NULL before writers start storing it.",
    probe: None,
    examples: &[
        Example::new(
            PG,
            "CREATE TABLE users (id int, email text NOT NULL);",
            "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;",
            "ALTER TABLE users ALTER COLUMN email SET DEFAULT '';",
        ),
        Example::new(
            MY,
            "CREATE TABLE users (id int, email varchar(50) NOT NULL);",
            "ALTER TABLE users MODIFY email varchar(50) NULL;",
            "ALTER TABLE users MODIFY email varchar(50) NOT NULL DEFAULT '';",
        ),
        Example::new(
            SL,
            "CREATE TABLE users (id int, email text NOT NULL);",
            "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;",
            "ALTER TABLE users ADD COLUMN phone text;",
        ),
    ],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        for (ns, table, tc) in cx.table_changes() {
            if let TableChange::ModifyColumn { from, to, .. } = tc
                && !from.nullable
                && to.nullable
                && cx.schema.is_existing(ns, table)
            {
                let obj = cx.object(ns, table, Some(&to.name));
                out.push(
                    cx.finding(
                        &INFO,
                        format!(
                            "{obj} may now hold NULL: readers that assume it never does may fail"
                        ),
                    )
                    .on(obj),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::testing::check_examples(&super::R);
    }
}
