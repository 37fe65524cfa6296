//! PG301 index-not-concurrent.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "PG301",
    name: "index-not-concurrent",
    severity: Severity::Error,
    dialects: PG,
    detects: "CREATE INDEX without CONCURRENTLY on a table that existed before this migration.",
    why: "A plain CREATE INDEX takes a SHARE lock: every INSERT, UPDATE and DELETE on the table waits until the whole index is built, minutes on a big table.",
    instead: "CREATE INDEX CONCURRENTLY in a migration that does not run in a transaction (`-- migra:no-transaction`); check for an INVALID index if it fails.",
    probe: None,
    examples: &[Example::new(
        PG,
        "CREATE TABLE orders (id int, user_id int);",
        "CREATE INDEX orders_user ON orders (user_id);",
        "-- migra:no-transaction\nCREATE INDEX CONCURRENTLY orders_user ON orders (user_id);",
    )
    .outside_transaction()],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        if cx.analysis.words.has("CONCURRENTLY") || !cx.analysis.words.starts_with_create(&[]) {
            return;
        }
        for (ns, table, tc) in cx.table_changes() {
            let TableChange::AddIndex { index } = tc else {
                continue;
            };
            if !cx.schema.is_existing(ns, table)
                || !matches!(cx.analysis.words.get(1), Some("INDEX" | "UNIQUE"))
            {
                continue;
            }
            let obj = cx.object(ns, table, None);
            let unique = if index.unique { "UNIQUE " } else { "" };
            let f = cx
                .finding(
                    &INFO,
                    format!(
                        "building index {} blocks writes to {obj} until it is done",
                        index.name
                    ),
                )
                .on(obj.clone())
                .probe(Probe::Rows {
                    namespace: ns.into(),
                    table: table.into(),
                })
                .step("-- migra:no-transaction (CONCURRENTLY cannot run in a transaction)")
                .step(format!(
                    "CREATE {unique}INDEX CONCURRENTLY {} ON {obj} (...);",
                    index.name
                ));
            out.push(cx.at_word(f, "INDEX"));
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
