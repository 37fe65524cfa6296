//! TX703 uncommitted-transaction.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "TX703",
    name: "uncommitted-transaction",
    severity: Severity::Error,
    dialects: SQL,
    detects: "A BEGIN (or START TRANSACTION) with no COMMIT or ROLLBACK after it in the same script.",
    why: "The transaction stays open when the script ends: its changes are rolled back when the connection closes, or held with their locks until it does.",
    instead: "End every transaction you open in the script.",
    probe: None,
    examples: &[Example::new(
        SQL,
        "CREATE TABLE t (id int);",
        "BEGIN;\nALTER TABLE t ADD COLUMN x int;",
        "BEGIN;\nALTER TABLE t ADD COLUMN x int;\nCOMMIT;",
    )
    .outside_transaction()],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_script(&self, cx: &ScriptCx<'_>, out: &mut Vec<Finding>) {
        use crate::analyze::Kind;
        let mut open = None;
        for (i, (_, a)) in cx.statements.iter().enumerate() {
            match a.kind {
                Kind::Begin => open = Some(i),
                Kind::Commit | Kind::Rollback => open = None,
                _ => {}
            }
        }
        if let Some(i) = open {
            out.push(cx.finding(
                &INFO,
                Some(i),
                "this transaction is never committed or rolled back",
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
