//! PG318 concurrent-index-bug.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "PG318",
    name: "concurrent-index-bug",
    severity: Severity::Error,
    dialects: PG,
    detects: "CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY on PostgreSQL 14.0 to 14.3.",
    why: "A bug in those releases can build the index with missing entries (silent corruption: queries using it return wrong results).",
    instead: "Upgrade to 14.4 or later first; or build the index without CONCURRENTLY in a maintenance window.",
    probe: None,
    examples: &[Example::new(
        PG,
        "CREATE TABLE t (id int);",
        "-- migra:no-transaction\nCREATE INDEX CONCURRENTLY t_id ON t (id);",
        "CREATE INDEX t_id ON t (id);",
    )
    .outside_transaction()
    .at_version(14, 2)],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        let w = &cx.analysis.words;
        let Some(v) = cx.target.version else { return };
        if v.major != 14 || v.minor > 3 || !w.has("CONCURRENTLY") {
            return;
        }
        if w.starts_with_create(&[]) || w.starts_with(&["REINDEX"]) {
            let f = cx.finding(
                &INFO,
                format!(
                    "concurrent index builds on PostgreSQL {}.{} can miss entries (fixed in 14.4)",
                    v.major, v.minor
                ),
            );
            out.push(cx.at_word(f, "CONCURRENTLY"));
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
