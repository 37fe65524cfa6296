//! PG319 varchar-length-change.
use super::prelude::*;
use migra_core::schema::TypeKind;

pub(crate) struct R;

static INFO: Info = Info {
    code: "PG319",
    name: "varchar-length-change",
    severity: Severity::Info,
    dialects: PG,
    detects: "A varchar(n) length changed (or text narrowed to varchar(n)) on an existing table.",
    why: "Every length change is a migration: narrowing rewrites and can fail, widening is free but will be needed again. A CHECK on length() can be changed with NOT VALID + VALIDATE, without a rewrite.",
    instead: "Use text with a CHECK (length(col) <= n).",
    probe: None,
    examples: &[Example::new(
        PG,
        "CREATE TABLE t (id int, code varchar(10));",
        "ALTER TABLE t ALTER COLUMN code TYPE varchar(20);",
        "ALTER TABLE t ALTER COLUMN code TYPE text;",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        for (ns, table, from, to) in cx.type_changes() {
            let (
                TypeKind::String { fixed: false, .. } | TypeKind::Text,
                TypeKind::String {
                    length: Some(b),
                    fixed: false,
                },
            ) = (&from.r#type.kind, &to.r#type.kind)
            else {
                continue;
            };
            let obj = cx.object(ns, table, Some(&to.name));
            out.push(
                cx.finding(
                    &INFO,
                    format!(
                        "{obj} gets a new length limit ({b}): consider text with a CHECK on length"
                    ),
                )
                .on(obj),
            );
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
