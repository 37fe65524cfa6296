//! PG307 add-unique-constraint-inline.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "PG307",
    name: "add-unique-constraint-inline",
    severity: Severity::Error,
    dialects: PG,
    detects: "ALTER TABLE ... ADD UNIQUE (or ADD CONSTRAINT ... UNIQUE) on a table that existed before this migration, building the index inline.",
    why: "The unique index is built under an ACCESS EXCLUSIVE lock: no reads or writes until it is done.",
    instead: "CREATE UNIQUE INDEX CONCURRENTLY, then ALTER TABLE ... ADD CONSTRAINT ... UNIQUE USING INDEX.",
    probe: None,
    examples: &[Example::new(
        PG,
        "CREATE TABLE users (id int, email text);\nCREATE UNIQUE INDEX users_email_idx ON users (email);",
        "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);",
        "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        if cx.analysis.words.has_seq(&["USING", "INDEX"])
            || !cx.analysis.words.starts_with(&["ALTER", "TABLE"])
        {
            return;
        }
        for (ns, table, tc) in cx.table_changes() {
            if let TableChange::AddIndex { index } = tc
                && index.unique
                && cx.schema.is_existing(ns, table)
            {
                let obj = cx.object(ns, table, None);
                let cols = crate::analyze::table::part_columns(&index.parts).join(", ");
                let f = cx
                    .finding(
                        &INFO,
                        format!(
                            "adding unique constraint {} builds its index with {obj} locked",
                            index.name
                        ),
                    )
                    .on(obj.clone())
                    .step(format!(
                        "CREATE UNIQUE INDEX CONCURRENTLY {} ON {obj} ({cols});",
                        index.name
                    ))
                    .step(format!(
                        "ALTER TABLE {obj} ADD CONSTRAINT {} UNIQUE USING INDEX {};",
                        index.name, index.name
                    ));
                out.push(cx.at_word(f, "UNIQUE"));
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
