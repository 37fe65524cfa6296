//! TX708 missing-object.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "TX708",
    name: "missing-object",
    severity: Severity::Error,
    dialects: SQL,
    detects: "A statement that names a table, column, index or constraint the schema does not have at that point, or creates one that is already there (the schema is replayed from the earlier migrations).",
    why: "The statement fails when it runs. A common case is a down part that drops a constraint while its up part created an index (or the reverse).",
    instead: "Name the object as it exists: DROP INDEX for an index made by CREATE INDEX, DROP CONSTRAINT for a constraint; use IF [NOT] EXISTS only when the object may legitimately be absent.",
    probe: None,
    examples: &[
        Example::new(
            PG,
            "CREATE TABLE versions (crate_id int, num text);\nCREATE UNIQUE INDEX versions_uindex ON versions (crate_id, num);",
            "ALTER TABLE versions DROP CONSTRAINT versions_uindex;",
            "DROP INDEX versions_uindex;",
        ),
        Example::new(
            MY,
            "CREATE TABLE t (id int);",
            "ALTER TABLE t DROP COLUMN name;",
            "ALTER TABLE t DROP COLUMN id;",
        ),
        Example::new(
            SL,
            "CREATE TABLE t (id int);",
            "CREATE TABLE t (id int);",
            "CREATE TABLE IF NOT EXISTS t (id int);",
        ),
    ],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        for p in &cx.analysis.lowered.problems {
            let mut f = cx.finding(&INFO, format!("this statement will fail: {}", p.describe()));
            let certain = matches!(p, Problem::Missing { hint: Some(_), .. });
            if !certain
                && cx
                    .schema
                    .is_uncertain(&cx.target.default_namespace, p.table())
            {
                f.severity = Severity::Warning;
                f.message.push_str(
                    " (as far as the replayed schema shows: an earlier statement was not analysed)",
                );
            }
            out.push(f);
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
