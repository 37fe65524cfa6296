//! PG310 set-not-null-scan.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "PG310",
    name: "set-not-null-scan",
    severity: Severity::Warning,
    dialects: PG,
    detects: "ALTER COLUMN ... SET NOT NULL on a table that existed before this migration, with no validated CHECK (col IS NOT NULL) to rely on.",
    why: "PostgreSQL scans the whole table to prove there is no NULL while holding an ACCESS EXCLUSIVE lock.",
    instead: "On PostgreSQL 12+: ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT; then SET NOT NULL (no scan); then drop the check.",
    probe: None,
    examples: &[Example::new(
        PG,
        "CREATE TABLE users (id int, email text);",
        "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
        "CREATE TABLE users2 (id int, email text NOT NULL);",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        for (ns, table, tc) in cx.table_changes() {
            let TableChange::ModifyColumn { from, to, .. } = tc else {
                continue;
            };
            if !from.nullable || to.nullable || !cx.schema.is_existing(ns, table) {
                continue;
            }
            let has_check = cx.schema.table(ns, table).is_some_and(|t| {
                t.checks.iter().any(|c| {
                    let e = c.expression.to_lowercase().replace(['(', ')'], "");
                    e.trim() == format!("{} is not null", to.name)
                })
            });
            if has_check {
                continue;
            }
            let obj = cx.object(ns, table, None);
            let col = &to.name;
            let mut f = cx
                .finding(
                    &INFO,
                    format!("SET NOT NULL on {obj}.{col} scans the table under an exclusive lock"),
                )
                .on(cx.object(ns, table, Some(col)))
                .probe(Probe::Rows {
                    namespace: ns.into(),
                    table: table.into(),
                });
            if !cx.target.known_below(12, 0) {
                f = f
                    .step(format!("ALTER TABLE {obj} ADD CONSTRAINT {table}_{col}_not_null CHECK ({col} IS NOT NULL) NOT VALID;"))
                    .step(format!("ALTER TABLE {obj} VALIDATE CONSTRAINT {table}_{col}_not_null;"))
                    .step(format!("ALTER TABLE {obj} ALTER COLUMN {col} SET NOT NULL;"))
                    .step(format!("ALTER TABLE {obj} DROP CONSTRAINT {table}_{col}_not_null;"));
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
