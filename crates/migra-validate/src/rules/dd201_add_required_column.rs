//! DD201 add-required-column.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "DD201",
    name: "add-required-column",
    severity: Severity::Error,
    dialects: &[DialectId::Postgres, DialectId::Sqlite],
    detects: "ADD COLUMN ... NOT NULL without a default on a table that existed before this migration.",
    why: "Existing rows have no value for it: PostgreSQL rejects the statement as soon as the table has a row; SQLite rejects it always.",
    instead: "Add the column with a default (or nullable), backfill it, then set NOT NULL.",
    probe: Some("Counts the table's rows: on an empty PostgreSQL table it is only info."),
    examples: &[Example::new(
        &[DialectId::Postgres, DialectId::Sqlite],
        "CREATE TABLE users (id int);",
        "ALTER TABLE users ADD COLUMN plan text NOT NULL;",
        "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';",
    )],
};

/// A new column every existing row needs a value for, and gets none.
pub(crate) fn required_without_value(c: &migra_core::schema::Column) -> bool {
    !c.nullable && c.default.is_none() && c.identity.is_none() && c.generated.is_none()
}

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        for (ns, table, tc) in cx.table_changes() {
            let TableChange::AddColumn { column } = tc else {
                continue;
            };
            if !required_without_value(column) || !cx.schema.is_existing(ns, table) {
                continue;
            }
            let obj = cx.object(ns, table, Some(&column.name));
            let mut f = cx
                .finding(
                    &INFO,
                    format!(
                        "{obj} is NOT NULL without a default: existing rows have no value for it"
                    ),
                )
                .on(obj);
            if cx.is_pg() {
                f = f.probe(Probe::Rows {
                    namespace: ns.into(),
                    table: table.into(),
                });
            } else {
                f.message
                    .push_str(" (SQLite refuses this even on an empty table)");
            }
            out.push(f);
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
