//! PG303 reindex-not-concurrent.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "PG303",
    name: "reindex-not-concurrent",
    severity: Severity::Warning,
    dialects: PG,
    detects: "REINDEX without CONCURRENTLY.",
    why: "REINDEX locks out writes to the table (and reads that would use the index) for the whole rebuild.",
    instead: "REINDEX ... CONCURRENTLY (PostgreSQL 12+) in a migration that does not run in a transaction.",
    probe: None,
    examples: &[Example::new(
        PG,
        "CREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);",
        "REINDEX INDEX t_id;",
        "-- migra:no-transaction\nREINDEX INDEX CONCURRENTLY t_id;",
    )
    .outside_transaction()],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        let w = &cx.analysis.words;
        if w.starts_with(&["REINDEX"]) && !w.has("CONCURRENTLY") {
            let target = w.get(2).unwrap_or("").to_lowercase();
            out.push(
                cx.finding(
                    &INFO,
                    format!("REINDEX {} blocks writes while it rebuilds", target),
                )
                .on(target),
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
