//! PG306 add-primary-key-inline.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "PG306",
    name: "add-primary-key-inline",
    severity: Severity::Error,
    dialects: PG,
    detects: "ALTER TABLE ... ADD PRIMARY KEY on a table that existed before this migration, building the index inline.",
    why: "The index is built under an ACCESS EXCLUSIVE lock (no reads or writes), and every key column gets a NOT NULL scan.",
    instead: "CREATE UNIQUE INDEX CONCURRENTLY on the columns first, then ALTER TABLE ... ADD CONSTRAINT ... PRIMARY KEY USING INDEX.",
    probe: None,
    examples: &[Example::new(
        PG,
        "CREATE TABLE t (id int NOT NULL, v text);\nCREATE UNIQUE INDEX t_id_uniq ON t (id);",
        "ALTER TABLE t ADD PRIMARY KEY (id);",
        "ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_id_uniq;",
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
            if let TableChange::SetPrimaryKey { to: Some(pk), .. } = tc
                && cx.schema.is_existing(ns, table)
            {
                let obj = cx.object(ns, table, None);
                let cols = pk.columns.join(", ");
                let f = cx
                    .finding(&INFO, format!("adding the primary key builds its index with {obj} locked against reads and writes"))
                    .on(obj.clone())
                    .probe(Probe::Rows { namespace: ns.into(), table: table.into() })
                    .step(format!("CREATE UNIQUE INDEX CONCURRENTLY {table}_pkey_idx ON {obj} ({cols});"))
                    .step(format!("ALTER TABLE {obj} ADD CONSTRAINT {table}_pkey PRIMARY KEY USING INDEX {table}_pkey_idx;"));
                out.push(cx.at_word(f, "PRIMARY"));
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
