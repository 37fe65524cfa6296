//! DD206 add-check.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "DD206",
    name: "add-check",
    severity: Severity::Error,
    dialects: &[DialectId::Postgres, DialectId::Mysql],
    detects: "A CHECK constraint added to a table that existed before this migration.",
    why: "Rows that violate it make the statement fail after a full scan under lock.",
    instead: "Fix the violating rows first (the probe counts them); on PostgreSQL add it NOT VALID and VALIDATE it separately.",
    probe: Some("Counts rows for which the expression is false."),
    examples: &[
        Example::new(
            &[DialectId::Postgres, DialectId::Mysql],
            "CREATE TABLE items (id int, price int);",
            "ALTER TABLE items ADD CONSTRAINT price_positive CHECK (price > 0);",
            "CREATE TABLE items2 (id int, price int CHECK (price > 0));",
        ),
        Example::new(
            &[DialectId::Postgres, DialectId::Mysql],
            "CREATE TABLE items (id int, price int);",
            "ALTER TABLE items ADD COLUMN sku text CHECK (sku IS NOT NULL);",
            "ALTER TABLE items ADD COLUMN sku text CHECK (length(sku) = 12);",
        ),
    ],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        for (ns, table, tc) in cx.table_changes() {
            let TableChange::AddCheck { check } = tc else {
                continue;
            };
            if !cx.schema.is_existing(ns, table)
                || cx.check_vacuous_on_existing_rows(ns, table, &check.expression)
            {
                continue;
            }
            let obj = cx.object(ns, table, None);
            out.push(
                cx.finding(
                    &INFO,
                    format!(
                        "CHECK ({}) on {obj}: existing rows that violate it make this fail",
                        check.expression
                    ),
                )
                .on(obj.clone())
                .probe(Probe::Violations {
                    namespace: ns.into(),
                    table: table.into(),
                    expression: check.expression.clone(),
                })
                .step(format!(
                    "SELECT count(*) FROM {obj} WHERE NOT ({});",
                    check.expression
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
