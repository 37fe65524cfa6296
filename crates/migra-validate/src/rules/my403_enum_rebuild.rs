//! MY403 enum-rebuild.
use super::prelude::*;
use migra_core::schema::TypeKind;

pub(crate) struct R;

static INFO: Info = Info {
    code: "MY403",
    name: "enum-rebuild",
    severity: Severity::Error,
    dialects: MY,
    detects: "An ENUM column change that needs a table copy: a value removed or reordered, a value inserted anywhere but the end, or the list growing past 255 values.",
    why: "Only appending values (within the same storage size) is an instant metadata change; anything else rebuilds the table with ALGORITHM=COPY and re-maps every row.",
    instead: "Append new values at the end of the list; leave unused values in place.",
    probe: None,
    examples: &[Example::new(
        MY,
        "CREATE TABLE p (id int, status enum('new','paid'));",
        "ALTER TABLE p MODIFY status enum('new','pending','paid');",
        "ALTER TABLE p MODIFY status enum('new','paid','refunded');",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        for (ns, table, from, to) in cx.type_changes() {
            let (TypeKind::Enum { values: a, .. }, TypeKind::Enum { values: b, .. }) =
                (&from.r#type.kind, &to.r#type.kind)
            else {
                continue;
            };
            let appended =
                b.len() >= a.len() && b[..a.len()] == a[..] && (a.len() > 255) == (b.len() > 255);
            if appended {
                continue;
            }
            let obj = cx.object(ns, table, Some(&to.name));
            out.push(cx.finding(&INFO, format!("{obj}: the enum's values change other than by appending, so the table is copied")).on(obj));
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
