//! BC602 rename-table.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "BC602",
    name: "rename-table",
    severity: Severity::Warning,
    dialects: SQL,
    detects: "An existing table renamed.",
    why: "Running application instances (and a rolled-back release) query the old name and fail as soon as the rename commits.",
    instead: "Create the new table (or a view with the new name), migrate readers and writers, and drop the old name later; or rename and leave a view with the old name behind.",
    probe: None,
    examples: &[Example::new(
        SQL,
        "CREATE TABLE customer (id int);",
        "ALTER TABLE customer RENAME TO customers;",
        "CREATE VIEW customers AS SELECT * FROM customer;",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        for c in cx.changes() {
            if let Change::RenameTable {
                namespace,
                from,
                to,
            } = c
                && cx.schema.is_existing(namespace, from)
            {
                let obj = cx.object(namespace, from, None);
                out.push(
                    cx.finding(
                        &INFO,
                        format!(
                            "renaming table {obj} to {to} breaks code that still uses the old name"
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
