//! TX702 nested-transaction.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "TX702",
    name: "nested-transaction",
    severity: Severity::Error,
    dialects: SQL,
    detects: "BEGIN, START TRANSACTION, COMMIT or ROLLBACK inside a migration the executor already runs in a transaction.",
    why: "A COMMIT ends the executor's transaction early: the statements after it and the history row are no longer atomic with the rest, and a failure leaves the migration half applied and unrecorded.",
    instead: "Remove the transaction control, or mark the migration `-- migra:no-transaction` and manage the transaction yourself.",
    probe: None,
    examples: &[Example::new(
        SQL,
        "CREATE TABLE t (id int);",
        "BEGIN;\nALTER TABLE t ADD COLUMN x int;\nCOMMIT;",
        "ALTER TABLE t ADD COLUMN x int;",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        if !cx.script.transactional {
            return;
        }
        use crate::analyze::Kind;
        if matches!(
            cx.analysis.kind,
            Kind::Begin | Kind::Commit | Kind::Rollback
        ) {
            let w = cx.analysis.words.get(0).unwrap_or("");
            out.push(cx.finding(
                &INFO,
                format!("{w} inside a migration that already runs in a transaction"),
            ));
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
