//! PG314 rewrite-table-option.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "PG314",
    name: "rewrite-table-option",
    severity: Severity::Error,
    dialects: PG,
    detects: "ALTER TABLE ... SET LOGGED / SET UNLOGGED / SET ACCESS METHOD / SET TABLESPACE.",
    why: "Each rewrites the whole table (and writes it to WAL for SET LOGGED) under an ACCESS EXCLUSIVE lock.",
    instead: "Do it in a maintenance window, or create a new table with the option and copy the data over in batches.",
    probe: None,
    examples: &[Example::new(
        PG,
        "CREATE TABLE cache (k text, v text);",
        "ALTER TABLE cache SET LOGGED;",
        "ALTER TABLE cache ADD COLUMN ttl int;",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        let w = &cx.analysis.words;
        if !w.starts_with(&["ALTER", "TABLE"]) {
            return;
        }
        for opt in [
            &["SET", "LOGGED"][..],
            &["SET", "UNLOGGED"],
            &["SET", "ACCESS", "METHOD"],
            &["SET", "TABLESPACE"],
        ] {
            if w.has_seq(opt) {
                let f = cx.finding(
                    &INFO,
                    format!(
                        "{} rewrites the table under an exclusive lock",
                        opt.join(" ")
                    ),
                );
                out.push(cx.at_word(f, opt[1]));
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
