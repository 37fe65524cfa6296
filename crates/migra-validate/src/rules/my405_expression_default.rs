//! MY405 expression-default.
use super::prelude::*;
use migra_core::schema::ColumnDefault;

pub(crate) struct R;

static INFO: Info = Info {
    code: "MY405",
    name: "expression-default",
    severity: Severity::Warning,
    dialects: MY,
    detects: "ADD COLUMN with an expression default (DEFAULT (expr), other than CURRENT_TIMESTAMP) on an existing table.",
    why: "An expression default cannot be added instantly: the table is rebuilt to compute a value for every row.",
    instead: "Add the column with a literal default or none, then backfill in batches.",
    probe: None,
    examples: &[Example::new(
        MY,
        "CREATE TABLE t (id int);",
        "ALTER TABLE t ADD COLUMN token varchar(36) DEFAULT (uuid());",
        "ALTER TABLE t ADD COLUMN token varchar(36) DEFAULT NULL;",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        for (ns, table, tc) in cx.table_changes() {
            let TableChange::AddColumn { column } = tc else {
                continue;
            };
            let Some(ColumnDefault::Expression(e)) = &column.default else {
                continue;
            };
            let upper = e.to_uppercase();
            if upper.starts_with("CURRENT_TIMESTAMP")
                || upper.starts_with("NOW()")
                || upper == "NULL"
                || !cx.schema.is_existing(ns, table)
            {
                continue;
            }
            let obj = cx.object(ns, table, Some(&column.name));
            out.push(
                cx.finding(
                    &INFO,
                    format!("adding {obj} with DEFAULT {e} rebuilds the table"),
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
