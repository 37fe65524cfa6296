//! PG315 exclusion-constraint.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "PG315",
    name: "exclusion-constraint",
    severity: Severity::Error,
    dialects: PG,
    detects: "ADD CONSTRAINT ... EXCLUDE on a table that existed before this migration.",
    why: "The exclusion index is built and every row checked under an ACCESS EXCLUSIVE lock; rows that conflict make it fail. There is no NOT VALID form.",
    instead: "Check for conflicting rows first, and add the constraint in a maintenance window (or on a new table).",
    probe: None,
    examples: &[Example::new(
        PG,
        "CREATE TABLE bookings (room int, during tsrange);",
        "ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);",
        "CREATE TABLE bookings2 (room int, during tsrange, EXCLUDE USING gist (room WITH =, during WITH &&));",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        let w = &cx.analysis.words;
        if !w.starts_with(&["ALTER", "TABLE"]) || !w.has("EXCLUDE") {
            return;
        }
        let table = w.name_from(2).unwrap_or("").to_lowercase();
        if !cx.schema.is_existing(&cx.target.default_namespace, &table) {
            return;
        }
        let f = cx.finding(&INFO, format!("the exclusion constraint on {table} is built and checked under an exclusive lock")).on(table);
        out.push(cx.at_word(f, "EXCLUDE"));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::testing::check_examples(&super::R);
    }
}
