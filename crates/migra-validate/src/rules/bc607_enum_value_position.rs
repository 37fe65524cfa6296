//! BC607 enum-value-position.
use super::prelude::*;
use migra_core::schema::TypeKind;

pub(crate) struct R;

static INFO: Info = Info {
    code: "BC607",
    name: "enum-value-position",
    severity: Severity::Warning,
    dialects: &[DialectId::Postgres, DialectId::Mysql],
    detects: "An enum value added anywhere but at the end (ADD VALUE ... BEFORE/AFTER, or a MySQL ENUM list with a value inserted in the middle).",
    why: "Enums sort by position: ORDER BY and comparisons on the column change meaning; on MySQL the insert also rebuilds the table.",
    instead: "Append new values at the end.",
    probe: None,
    examples: &[
        Example::new(
            PG,
            "CREATE TYPE size AS ENUM ('s', 'l');",
            "ALTER TYPE size ADD VALUE 'm' BEFORE 'l';",
            "ALTER TYPE size ADD VALUE 'xl';",
        ),
        Example::new(
            MY,
            "CREATE TABLE shirts (id int, size enum('s','l'));",
            "ALTER TABLE shirts MODIFY size enum('s','m','l');",
            "ALTER TABLE shirts MODIFY size enum('s','l','xl');",
        ),
    ],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        let w = &cx.analysis.words;
        if w.starts_with(&["ALTER", "TYPE"])
            && w.has_seq(&["ADD", "VALUE"])
            && (w.has("BEFORE") || w.has("AFTER"))
        {
            let name = w.get(2).unwrap_or("").to_lowercase();
            out.push(
                cx.finding(
                    &INFO,
                    format!("a value added to enum {name} in the middle changes its sort order"),
                )
                .on(name),
            );
        }
        for (ns, table, tc) in cx.table_changes() {
            let TableChange::ModifyColumn { from, to, .. } = tc else {
                continue;
            };
            let (TypeKind::Enum { values: a, .. }, TypeKind::Enum { values: b, .. }) =
                (&from.r#type.kind, &to.r#type.kind)
            else {
                continue;
            };
            let kept: Vec<&String> = b.iter().filter(|v| a.contains(v)).collect();
            let inserted_inside = b
                .iter()
                .enumerate()
                .any(|(i, v)| !a.contains(v) && b[i + 1..].iter().any(|later| a.contains(later)));
            if inserted_inside && kept.len() == a.len() {
                let obj = cx.object(ns, table, Some(&to.name));
                out.push(cx.finding(&INFO, format!("{obj}: a value inserted in the middle of the enum changes its sort order")).on(obj));
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
