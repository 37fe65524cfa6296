//! DD203 add-unique.
use super::prelude::*;
use crate::analyze::table::part_columns;

pub(crate) struct R;

static INFO: Info = Info {
    code: "DD203",
    name: "add-unique",
    severity: Severity::Error,
    dialects: SQL,
    detects: "A unique index or UNIQUE constraint over existing columns of a table that existed before this migration.",
    why: "Duplicate values already in the table make the statement fail (after a full scan), leaving an invalid index behind on PostgreSQL with CONCURRENTLY.",
    instead: "Find and resolve duplicates first (the probe counts the groups), then add the key.",
    probe: Some("Counts groups of rows sharing the new key's values."),
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
            let TableChange::AddIndex { index } = tc else {
                continue;
            };
            if !index.unique || !cx.schema.is_existing(ns, table) {
                continue;
            }
            let cols = part_columns(&index.parts);
            // Columns added by this very statement hold no values yet.
            let Some(t) = cx.schema.table(ns, table) else {
                continue;
            };
            if cols.iter().any(|c| t.column(c).is_none()) {
                continue;
            }
            let obj = cx.object(ns, table, None);
            out.push(
                cx.finding(
                    &INFO,
                    format!(
                        "unique key {} on {obj} ({}): existing duplicates make it fail",
                        index.name,
                        cols.join(", ")
                    ),
                )
                .on(obj.clone())
                .probe(Probe::Duplicates {
                    namespace: ns.into(),
                    table: table.into(),
                    columns: cols.clone(),
                })
                .step(format!(
                    "SELECT {c}, count(*) FROM {obj} GROUP BY {c} HAVING count(*) > 1;",
                    c = cols.join(", ")
                )),
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
