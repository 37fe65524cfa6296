//! PG316 trigger-on-hot-table.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "PG316",
    name: "trigger-on-hot-table",
    severity: Severity::Warning,
    dialects: PG,
    detects: "CREATE TRIGGER on a table that existed before this migration.",
    why: "Creating the trigger takes a SHARE ROW EXCLUSIVE lock (writes wait), and from then on every write runs the trigger's code: a slow or failing function slows or breaks all writes.",
    instead: "Make sure the function is cheap and tested; create the trigger at a quiet time with a lock_timeout.",
    probe: None,
    examples: &[Example::new(
        PG,
        "CREATE TABLE orders (id int, total int);",
        "CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION audit();",
        "CREATE TABLE audit_log (id int);",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        let w = &cx.analysis.words;
        if !(w.starts_with_create(&["TRIGGER"]) || w.starts_with_create(&["CONSTRAINT", "TRIGGER"]))
        {
            return;
        }
        let Some(table) = w.after("ON") else { return };
        let table = table.to_lowercase();
        if cx.schema.is_existing(&cx.target.default_namespace, &table) {
            out.push(cx.finding(&INFO, format!("a trigger on {table} runs on every write from now on, and creating it blocks writes")).on(table));
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
