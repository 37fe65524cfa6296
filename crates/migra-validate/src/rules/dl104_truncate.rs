//! DL104 truncate.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "DL104",
    name: "truncate",
    severity: Severity::Error,
    dialects: SQL,
    detects: "TRUNCATE (worst with CASCADE, which empties every referencing table too), and DELETE without WHERE.",
    why: "Every row of the table goes, and with CASCADE the rows of tables that reference it; on MySQL TRUNCATE also commits implicitly and cannot be rolled back.",
    instead: "Delete only the rows meant to go (with a WHERE, in batches on big tables), after copying them aside.",
    probe: Some("Counts the table's rows."),
    examples: &[
        Example::new(
            &[DialectId::Postgres, DialectId::Mysql],
            "CREATE TABLE events (id int, kind text);",
            "TRUNCATE TABLE events;",
            "DELETE FROM events WHERE kind = 'debug';",
        ),
        Example::new(
            SL,
            "CREATE TABLE events (id int, kind text);",
            "DELETE FROM events;",
            "DELETE FROM events WHERE kind = 'debug';",
        ),
    ],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        let w = &cx.analysis.words;
        let (table, what) = if w.starts_with(&["TRUNCATE"]) {
            let cascade = if w.has("CASCADE") {
                ", and with CASCADE every table that references it"
            } else {
                ""
            };
            (w.name_from(1), format!("empties the table{cascade}"))
        } else if w.starts_with(&["DELETE", "FROM"]) && !w.has("WHERE") {
            (w.get(2), "has no WHERE: it deletes every row".to_string())
        } else {
            return;
        };
        let Some(table) = table else { return };
        let name = if cx.is_pg() && table.chars().all(|c| !c.is_lowercase()) {
            table.to_lowercase()
        } else {
            table.to_string()
        };
        let ns = cx.target.default_namespace.clone();
        if cx.schema.is_new(&ns, &name) {
            return;
        }
        out.push(
            cx.finding(&INFO, format!("this statement on {name} {what}"))
                .on(name.clone())
                .probe(Probe::Rows {
                    namespace: ns,
                    table: name.clone(),
                })
                .step(format!(
                    "CREATE TABLE {name}_backup AS SELECT * FROM {name};"
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::testing::check_examples(&super::R);
    }
}
