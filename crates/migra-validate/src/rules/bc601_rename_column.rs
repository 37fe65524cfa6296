//! BC601 rename-column.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "BC601",
    name: "rename-column",
    severity: Severity::Warning,
    dialects: SQL,
    detects: "A column of an existing table renamed.",
    why: "Application instances still running the previous release read and write the old name and fail from the moment the rename commits; rolling the application back fails the same way.",
    instead: "Expand and contract: add the new column, write both, backfill, switch reads, and drop the old column in a later release (or expose the old name through a view).",
    probe: None,
    examples: &[Example::new(
        SQL,
        "CREATE TABLE users (id int, mail text);",
        "ALTER TABLE users RENAME COLUMN mail TO email;",
        "ALTER TABLE users ADD COLUMN email text;",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        for (ns, table, tc) in cx.table_changes() {
            if let TableChange::RenameColumn { from, to } = tc
                && cx.schema.is_existing(ns, table)
            {
                let obj = cx.object(ns, table, Some(from));
                out.push(
                    cx.finding(
                        &INFO,
                        format!("renaming {obj} to {to} breaks code that still uses the old name"),
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
