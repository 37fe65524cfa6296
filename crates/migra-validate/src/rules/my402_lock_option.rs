//! MY402 lock-option.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "MY402",
    name: "lock-option",
    severity: Severity::Warning,
    dialects: MY,
    detects: "ALTER TABLE ... LOCK=SHARED or LOCK=EXCLUSIVE.",
    why: "The table is locked against writes (SHARED) or all access (EXCLUSIVE) for the whole operation, even where MySQL could run it online.",
    instead: "Use LOCK=NONE (with ALGORITHM=INPLACE or INSTANT): MySQL then refuses an operation it cannot run online instead of locking silently.",
    probe: None,
    examples: &[Example::new(
        MY,
        "CREATE TABLE t (id int);",
        "ALTER TABLE t ADD COLUMN x int, LOCK=EXCLUSIVE;",
        "ALTER TABLE t ADD COLUMN x int, ALGORITHM=INSTANT;",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        let w = &cx.analysis.words;
        for lock in ["SHARED", "EXCLUSIVE"] {
            if w.starts_with(&["ALTER", "TABLE"]) && w.has_seq(&["LOCK", lock]) {
                let f = cx.finding(
                    &INFO,
                    format!(
                        "LOCK={lock} blocks {} for the whole ALTER",
                        if lock == "SHARED" {
                            "writes"
                        } else {
                            "reads and writes"
                        }
                    ),
                );
                out.push(cx.at_word(f, "LOCK"));
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
