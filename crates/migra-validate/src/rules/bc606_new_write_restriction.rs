//! BC606 new-write-restriction.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "BC606",
    name: "new-write-restriction",
    severity: Severity::Warning,
    dialects: SQL,
    detects: "A new restriction on writes to an existing table: a unique key, CHECK, foreign key or NOT NULL that the running release's writers know nothing about.",
    why: "Even if today's data passes, the running (or a rolled-back) application can still write rows the new constraint rejects, and those writes start failing.",
    instead: "Ship application code that respects the constraint first, then add the constraint.",
    probe: None,
    examples: &[Example::new(
        SQL,
        "CREATE TABLE users (id int, email text);",
        "CREATE UNIQUE INDEX users_email ON users (email);",
        "CREATE INDEX users_email ON users (email);",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        for (ns, table, tc) in cx.table_changes() {
            if !cx.schema.is_existing(ns, table) {
                continue;
            }
            let what = match tc {
                TableChange::AddIndex { index } if index.unique => {
                    format!("unique key {}", index.name)
                }
                // Writers of the running release do not know a new column, so leave it NULL.
                TableChange::AddCheck { check }
                    if cx.check_vacuous_on_existing_rows(ns, table, &check.expression) =>
                {
                    continue;
                }
                TableChange::AddCheck { check } => format!("CHECK ({})", check.expression),
                TableChange::AddForeignKey { key } => format!("foreign key {}", key.name),
                TableChange::ModifyColumn { from, to, .. } if from.nullable && !to.nullable => {
                    format!("NOT NULL on {}", to.name)
                }
                _ => continue,
            };
            let obj = cx.object(ns, table, None);
            out.push(
                cx.finding(
                    &INFO,
                    format!("{what} on {obj}: writers of the running release may violate it"),
                )
                .on(obj),
            );
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
