//! TX705 opaque-statement.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "TX705",
    name: "opaque-statement",
    severity: Severity::Warning,
    dialects: ANY,
    detects: "A statement whose effect on the schema the validator cannot determine (the SQL parser does not read it, or it runs code: DO blocks, CALL, EXECUTE, CREATE TABLE AS; a MongoDB command it does not know).",
    why: "Every other rule relies on knowing what each statement changes. A statement that cannot be analysed is said, so a clean report never means 'not looked at'.",
    instead: "Review the statement by hand, or split it into plain DDL the validator reads; silence with `-- migra:allow TX705 reason=\"...\"` once reviewed.",
    probe: None,
    examples: &[
        Example::new(
            PG,
            "CREATE TABLE t (id int);",
            "DO $$ BEGIN EXECUTE 'ALTER TABLE t ADD COLUMN x int'; END $$;",
            "ALTER TABLE t ADD COLUMN x int;",
        ),
        Example::new(
            MY,
            "CREATE TABLE t (id int);",
            "CALL add_columns();",
            "ALTER TABLE t ADD COLUMN x int;",
        ),
        Example::new(
            SL,
            "CREATE TABLE t (id int);",
            "CREATE TABLE t2 AS SELECT * FROM t;",
            "CREATE TABLE t2 (id int);",
        ),
        Example::new(
            MONGO,
            r#"{"create": "t"}"#,
            r#"{"shardCollection": "app.t", "key": {"_id": "hashed"}}"#,
            r#"{"createIndexes": "t", "indexes": [{"key": {"a": 1}, "name": "a_1"}]}"#,
        ),
    ],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        if let Some(why) = &cx.analysis.opaque {
            out.push(cx.finding(&INFO, format!("not analysed: {why}")));
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
