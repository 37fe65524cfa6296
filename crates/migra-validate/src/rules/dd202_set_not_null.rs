//! DD202 set-not-null.
use super::prelude::*;
use migra_core::ColumnAspect;

pub(crate) struct R;

static INFO: Info = Info {
    code: "DD202",
    name: "set-not-null",
    severity: Severity::Error,
    dialects: &[DialectId::Postgres, DialectId::Mysql],
    detects: "A nullable column made NOT NULL on a table that existed before this migration.",
    why: "Rows holding NULL make the statement fail (PostgreSQL, strict MySQL), or are changed to 0/'' silently (non-strict MySQL).",
    instead: "Backfill the NULLs first (in batches), then set NOT NULL; on PostgreSQL 12+ add a CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL without a scan.",
    probe: Some("Counts the rows where the column is NULL."),
    examples: &[
        Example::new(
            PG,
            "CREATE TABLE users (id int, email text);",
            "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
            "ALTER TABLE users ALTER COLUMN email SET DEFAULT '';",
        ),
        Example::new(
            MY,
            "CREATE TABLE users (id int, email varchar(100));",
            "ALTER TABLE users MODIFY email varchar(100) NOT NULL;",
            "ALTER TABLE users MODIFY email varchar(100) NULL DEFAULT '';",
        ),
    ],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        for (ns, table, tc) in cx.table_changes() {
            let TableChange::ModifyColumn { from, to, what } = tc else {
                continue;
            };
            if !what.contains(&ColumnAspect::Nullability)
                || to.nullable
                || !cx.schema.is_existing(ns, table)
            {
                continue;
            }
            let obj = cx.object(ns, table, Some(&to.name));
            let t = cx.object(ns, table, None);
            let _ = from;
            out.push(
                cx.finding(
                    &INFO,
                    format!("{obj} becomes NOT NULL: rows holding NULL make this fail"),
                )
                .on(obj)
                .probe(Probe::Nulls {
                    namespace: ns.into(),
                    table: table.into(),
                    column: to.name.clone(),
                })
                .step(format!(
                    "UPDATE {t} SET {} = <value> WHERE {} IS NULL;  -- in batches on a big table",
                    to.name, to.name
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
