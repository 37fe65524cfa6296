//! MY404 set-rebuild.
use super::prelude::*;
use migra_core::schema::TypeKind;

pub(crate) struct R;

static INFO: Info = Info {
    code: "MY404",
    name: "set-rebuild",
    severity: Severity::Error,
    dialects: MY,
    detects: "A SET column change that needs a table copy: a member removed or reordered, inserted before the end, or the member count crossing a storage size (8, 16, 24, 32 members).",
    why: "SET values are stored as bit masks: anything but appending within the same byte size re-maps every row with ALGORITHM=COPY.",
    instead: "Append members at the end and stay within the storage size; leave unused members in place.",
    probe: None,
    examples: &[Example::new(
        MY,
        "CREATE TABLE p (id int, flags set('a','b'));",
        "ALTER TABLE p MODIFY flags set('b','a','c');",
        "ALTER TABLE p MODIFY flags set('a','b','c');",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        for (ns, table, from, to) in cx.type_changes() {
            let (TypeKind::Set { values: a }, TypeKind::Set { values: b }) =
                (&from.r#type.kind, &to.r#type.kind)
            else {
                continue;
            };
            let bytes = |n: usize| n.div_ceil(8);
            let appended =
                b.len() >= a.len() && b[..a.len()] == a[..] && bytes(a.len()) == bytes(b.len());
            if appended {
                continue;
            }
            let obj = cx.object(ns, table, Some(&to.name));
            out.push(cx.finding(&INFO, format!("{obj}: the SET's members change other than by appending within {} byte(s), so the table is copied", bytes(a.len()))).on(obj));
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
