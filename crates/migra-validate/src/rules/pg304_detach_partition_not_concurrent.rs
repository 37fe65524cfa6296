//! PG304 detach-partition-not-concurrent.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "PG304",
    name: "detach-partition-not-concurrent",
    severity: Severity::Warning,
    dialects: PG,
    detects: "ALTER TABLE ... DETACH PARTITION without CONCURRENTLY.",
    why: "A plain detach takes an ACCESS EXCLUSIVE lock on the partitioned table: all queries on every partition wait.",
    instead: "DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+) outside a transaction.",
    probe: None,
    examples: &[Example::new(
        PG,
        "CREATE TABLE m (id int, at date);",
        "ALTER TABLE m DETACH PARTITION m_2020;",
        "-- migra:no-transaction\nALTER TABLE m DETACH PARTITION m_2020 CONCURRENTLY;",
    )
    .outside_transaction()],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        let w = &cx.analysis.words;
        if w.starts_with(&["ALTER", "TABLE"])
            && w.has_seq(&["DETACH", "PARTITION"])
            && !w.has("CONCURRENTLY")
        {
            let part = w.after("PARTITION").unwrap_or("").to_lowercase();
            out.push(
                cx.at_word(
                    cx.finding(
                        &INFO,
                        format!("detaching partition {part} locks the whole partitioned table"),
                    )
                    .on(part),
                    "DETACH",
                ),
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
