//! PG309 check-validated-inline.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "PG309",
    name: "check-validated-inline",
    severity: Severity::Error,
    dialects: PG,
    detects: "ALTER TABLE ... ADD CHECK on a table that existed before this migration, without NOT VALID.",
    why: "The whole table is scanned under an ACCESS EXCLUSIVE lock to validate the check: no reads or writes meanwhile.",
    instead: "Add the check NOT VALID, then VALIDATE CONSTRAINT in a separate statement (SHARE UPDATE EXCLUSIVE lock only).",
    probe: None,
    examples: &[Example::new(
        PG,
        "CREATE TABLE items (id int, price int);",
        "ALTER TABLE items ADD CONSTRAINT price_positive CHECK (price > 0);",
        "ALTER TABLE items ADD CONSTRAINT price_positive CHECK (price > 0) NOT VALID;\nALTER TABLE items VALIDATE CONSTRAINT price_positive;",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        if cx.analysis.words.has_seq(&["NOT", "VALID"]) {
            return;
        }
        for (ns, table, tc) in cx.table_changes() {
            if let TableChange::AddCheck { check } = tc
                && cx.schema.is_existing(ns, table)
            {
                let obj = cx.object(ns, table, None);
                let name = check
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("{table}_check"));
                let f = cx
                    .finding(&INFO, format!("check {name} is validated inline with {obj} locked against reads and writes"))
                    .on(obj.clone())
                    .probe(Probe::Rows { namespace: ns.into(), table: table.into() })
                    .step(format!("ALTER TABLE {obj} ADD CONSTRAINT {name} CHECK ({}) NOT VALID;", check.expression))
                    .step(format!("ALTER TABLE {obj} VALIDATE CONSTRAINT {name};"));
                out.push(cx.at_word(f, "CHECK"));
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
