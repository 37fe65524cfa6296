//! BC608 json-not-jsonb.
use super::prelude::*;
use migra_core::schema::TypeKind;

pub(crate) struct R;

static INFO: Info = Info {
    code: "BC608",
    name: "json-not-jsonb",
    severity: Severity::Warning,
    dialects: PG,
    detects: "A column of type json (not jsonb) created or added.",
    why: "json has no equality operator: DISTINCT, GROUP BY, UNION and unique indexes on it fail, and every access re-parses the text.",
    instead: "Use jsonb: it has equality and GIN indexes, and is parsed once on write instead of on every read.",
    probe: None,
    examples: &[Example::new(
        PG,
        "",
        "CREATE TABLE events (id int, payload json);",
        "CREATE TABLE events (id int, payload jsonb);",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        let mut cols = Vec::new();
        for c in cx.changes() {
            match c {
                Change::AddTable { namespace, table } => {
                    cols.extend(
                        table
                            .columns
                            .iter()
                            .map(|col| (namespace.as_str(), table.name.as_str(), col)),
                    );
                }
                Change::ModifyTable {
                    namespace,
                    table,
                    changes,
                } => {
                    for tc in changes {
                        match tc {
                            TableChange::AddColumn { column } => {
                                cols.push((namespace, table, column))
                            }
                            TableChange::ModifyColumn { to, .. } => {
                                cols.push((namespace, table, to))
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        for (ns, table, col) in cols {
            if col.r#type.kind == (TypeKind::Json { binary: false }) {
                let obj = cx.object(ns, table, Some(&col.name));
                out.push(cx.finding(&INFO, format!("{obj} is json: no equality, so DISTINCT, GROUP BY and unique indexes on it fail")).on(obj));
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
