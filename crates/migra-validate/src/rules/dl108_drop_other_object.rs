//! DL108 drop-other-object.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "DL108",
    name: "drop-other-object",
    severity: Severity::Warning,
    dialects: SQL,
    detects: "DROP VIEW, MATERIALIZED VIEW, FUNCTION, PROCEDURE, TRIGGER, TYPE, DOMAIN, SEQUENCE, POLICY, EXTENSION, EVENT, and ALTER COLUMN ... DROP DEFAULT.",
    why: "Code and other objects that use it break (CASCADE drops them too); a dropped sequence loses its position, a dropped trigger or default stops filling values.",
    instead: "Find what depends on the object first; drop it in a release after nothing uses it, keeping its definition in the down part.",
    probe: None,
    examples: &[
        Example::new(
            PG,
            "CREATE TABLE t (id int, n int DEFAULT 0);\nCREATE VIEW v AS SELECT id FROM t;",
            "DROP VIEW v;",
            "CREATE OR REPLACE VIEW v AS SELECT id, n FROM t;",
        ),
        Example::new(
            MY,
            "CREATE TABLE t (id int, n int DEFAULT 0);",
            "ALTER TABLE t ALTER COLUMN n DROP DEFAULT;",
            "ALTER TABLE t ALTER COLUMN n SET DEFAULT 1;",
        ),
        Example::new(
            SL,
            "CREATE TABLE t (id int);\nCREATE VIEW v AS SELECT id FROM t;",
            "DROP VIEW v;",
            "CREATE VIEW v2 AS SELECT id FROM t;",
        ),
    ],
};

const KINDS: &[&str] = &[
    "VIEW",
    "MATERIALIZED",
    "FUNCTION",
    "PROCEDURE",
    "TRIGGER",
    "TYPE",
    "DOMAIN",
    "SEQUENCE",
    "POLICY",
    "EXTENSION",
    "EVENT",
    "RULE",
    "AGGREGATE",
];

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        let w = &cx.analysis.words;
        if w.get(0) == Some("DROP") && w.get(1).is_some_and(|k| KINDS.contains(&k)) {
            let kind = if w.get(1) == Some("MATERIALIZED") {
                "materialized view".to_string()
            } else {
                w.get(1).unwrap_or("").to_lowercase()
            };
            let name = w.name_from(2).unwrap_or("?").to_lowercase();
            out.push(
                cx.finding(
                    &INFO,
                    format!("dropping {kind} {name}: whatever uses it stops working"),
                )
                .on(name),
            );
        }
        for (ns, table, tc) in cx.table_changes() {
            if let TableChange::ModifyColumn { from, to, .. } = tc
                && from.default.is_some()
                && to.default.is_none()
                && cx.schema.is_existing(ns, table)
            {
                let obj = cx.object(ns, table, Some(&to.name));
                out.push(
                    cx.finding(
                        &INFO,
                        format!(
                            "dropping the default of {obj}: inserts that omit it get NULL or fail"
                        ),
                    )
                    .on(obj),
                );
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
