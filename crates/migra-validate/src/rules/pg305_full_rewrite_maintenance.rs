//! PG305 full-rewrite-maintenance.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "PG305",
    name: "full-rewrite-maintenance",
    severity: Severity::Error,
    dialects: PG,
    detects: "VACUUM FULL and CLUSTER.",
    why: "Both rewrite the whole table under an ACCESS EXCLUSIVE lock: nothing can read or write it until they finish, and they need disk for a second copy.",
    instead: "Use plain VACUUM, or pg_repack / pg_squeeze to rewrite online; run maintenance outside migrations.",
    probe: None,
    examples: &[Example::new(
        PG,
        "CREATE TABLE t (id int);",
        "VACUUM FULL t;",
        "VACUUM t;",
    )
    .outside_transaction()],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        let w = &cx.analysis.words;
        let what = if w.starts_with(&["VACUUM"]) && w.has("FULL") {
            "VACUUM FULL"
        } else if w.starts_with(&["CLUSTER"]) {
            "CLUSTER"
        } else {
            return;
        };
        out.push(cx.finding(
            &INFO,
            format!("{what} rewrites the table under an exclusive lock"),
        ));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::testing::check_examples(&super::R);
    }
}
