//! TX707 syntax-error.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "TX707",
    name: "syntax-error",
    severity: Severity::Error,
    dialects: ANY,
    detects: "A statement that is not valid SQL for the target dialect, such as two statements run together by a missing `;`, or a command of a database client written into the migration (psql's `\\set` or `COPY ... FROM STDIN`, the sqlite3 shell's `.import`, the mysql client's `source`), which never reaches the server (for MongoDB: not a JSON command document).",
    why: "The migration fails at this statement; in a non-transactional migration (or on MySQL) everything before it stays applied.",
    instead: "Fix the statement; for a missing `;`, end the previous statement; for a client command, write what it does in SQL (INSERT rows instead of COPY FROM STDIN).",
    probe: None,
    examples: &[
        Example::new(
            SQL,
            "CREATE TABLE t (id int PRIMARY KEY, d date);",
            "ALTER TABLE t DROP COLUMN d\nALTER TABLE t ADD COLUMN e int;",
            "ALTER TABLE t DROP COLUMN d;\nALTER TABLE t ADD COLUMN e int;",
        ),
        Example::new(
            MONGO,
            r#"{"create": "t"}"#,
            "db.t.createIndex({a: 1})",
            r#"{"createIndexes": "t", "indexes": [{"key": {"a": 1}, "name": "a_1"}]}"#,
        ),
    ],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        if let Some(why) = &cx.analysis.syntax_error {
            out.push(cx.finding(&INFO, format!("syntax error: {why}")));
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
