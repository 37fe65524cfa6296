//! PG302 drop-index-not-concurrent.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "PG302",
    name: "drop-index-not-concurrent",
    severity: Severity::Warning,
    dialects: PG,
    detects: "DROP INDEX without CONCURRENTLY on an index of a table that existed before this migration.",
    why: "DROP INDEX takes an ACCESS EXCLUSIVE lock on the table: it waits behind every running query and blocks every new one meanwhile, reads included.",
    instead: "DROP INDEX CONCURRENTLY in a migration that does not run in a transaction.",
    probe: None,
    examples: &[Example::new(
        PG,
        "CREATE TABLE orders (id int, user_id int);\nCREATE INDEX orders_user ON orders (user_id);",
        "DROP INDEX orders_user;",
        "-- migra:no-transaction\nDROP INDEX CONCURRENTLY orders_user;",
    )
    .outside_transaction()],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        let w = &cx.analysis.words;
        if !w.starts_with(&["DROP", "INDEX"]) || w.has("CONCURRENTLY") {
            return;
        }
        for (ns, table, tc) in cx.table_changes() {
            if let TableChange::DropIndex { index } = tc
                && cx.schema.is_existing(ns, table)
            {
                let obj = cx.object(ns, table, None);
                out.push(
                    cx.finding(
                        &INFO,
                        format!(
                            "dropping index {} locks {obj} against reads and writes",
                            index.name
                        ),
                    )
                    .on(obj)
                    .step(format!("DROP INDEX CONCURRENTLY {};", index.name)),
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
