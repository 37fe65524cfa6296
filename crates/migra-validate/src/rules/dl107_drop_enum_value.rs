//! DL107 drop-enum-value.
use super::prelude::*;
use migra_core::schema::TypeKind;

pub(crate) struct R;

static INFO: Info = Info {
    code: "DL107",
    name: "drop-enum-value",
    severity: Severity::Error,
    dialects: &[DialectId::Postgres, DialectId::Mysql],
    detects: "An enum or SET value removed: a column moved to an enum type with fewer values, or a MySQL ENUM/SET redefined without one.",
    why: "Rows holding the value make the change fail (PostgreSQL, strict MySQL) or are turned into '' silently (non-strict MySQL).",
    instead: "Update the rows that use the value first (the probe counts them), and keep the value until no code writes it.",
    probe: Some("Counts rows using the removed values."),
    examples: &[
        Example::new(
            PG,
            "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');\nCREATE TYPE mood2 AS ENUM ('sad', 'happy');\nCREATE TYPE mood3 AS ENUM ('sad', 'ok', 'happy', 'ecstatic');\nCREATE TABLE p (id int, m mood);",
            "ALTER TABLE p ALTER COLUMN m TYPE mood2 USING m::text::mood2;",
            "ALTER TABLE p ALTER COLUMN m TYPE mood3 USING m::text::mood3;",
        ),
        Example::new(
            MY,
            "CREATE TABLE p (id int, m enum('sad','ok','happy'));",
            "ALTER TABLE p MODIFY m enum('sad','happy');",
            "ALTER TABLE p MODIFY m enum('sad','ok','happy','ecstatic');",
        ),
    ],
};

fn values(k: &TypeKind) -> Option<&Vec<String>> {
    match k {
        TypeKind::Enum { values, .. } | TypeKind::Set { values } => Some(values),
        _ => None,
    }
}

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        for (ns, table, from, to) in cx.type_changes() {
            let (Some(a), Some(b)) = (values(&from.r#type.kind), values(&to.r#type.kind)) else {
                continue;
            };
            let gone: Vec<String> = a.iter().filter(|v| !b.contains(v)).cloned().collect();
            if gone.is_empty() {
                continue;
            }
            let obj = cx.object(ns, table, Some(&to.name));
            out.push(
                cx.finding(
                    &INFO,
                    format!("{obj} loses the value(s) {}", gone.join(", ")),
                )
                .on(obj)
                .probe(Probe::ValueUse {
                    namespace: ns.into(),
                    table: table.into(),
                    column: to.name.clone(),
                    values: gone,
                }),
            );
        }
        for c in cx.changes() {
            if let Change::ModifyEnum {
                namespace,
                from,
                to,
            } = c
            {
                let gone: Vec<&String> = from
                    .values
                    .iter()
                    .filter(|v| !to.values.contains(v))
                    .collect();
                if !gone.is_empty() {
                    let names: Vec<&str> = gone.iter().map(|s| s.as_str()).collect();
                    out.push(
                        cx.finding(
                            &INFO,
                            format!("enum {} loses the value(s) {}", to.name, names.join(", ")),
                        )
                        .on(cx.object(namespace, &to.name, None)),
                    );
                }
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
