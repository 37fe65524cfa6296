//! MY401 copy-algorithm.
use super::prelude::*;
use migra_core::schema::TypeKind;

pub(crate) struct R;

static INFO: Info = Info {
    code: "MY401",
    name: "copy-algorithm",
    severity: Severity::Error,
    dialects: MY,
    detects: "An ALTER TABLE that MySQL/MariaDB can only run with ALGORITHM=COPY (a column type change other than widening a VARCHAR within its length-byte class, dropping the primary key without adding one, CONVERT TO CHARACTER SET), or that asks for COPY explicitly.",
    why: "COPY rebuilds the table row by row and blocks writes (LOCK=SHARED) for the whole copy; on a big table that is an outage, and on Galera it stalls the cluster.",
    instead: "Use an online schema change tool (gh-ost, pt-online-schema-change), or restructure the change so INPLACE/INSTANT applies (add a new column, backfill, swap). Write ALGORITHM=INPLACE, LOCK=NONE so MySQL refuses instead of copying.",
    probe: None,
    examples: &[Example::new(
        MY,
        "CREATE TABLE t (id int, amount int, note varchar(50));",
        "ALTER TABLE t MODIFY amount bigint;",
        "ALTER TABLE t MODIFY note varchar(60), ALGORITHM=INPLACE, LOCK=NONE;",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        let w = &cx.analysis.words;
        if !w.starts_with(&["ALTER", "TABLE"]) {
            return;
        }
        let mut reasons = Vec::new();
        if w.has_seq(&["ALGORITHM", "COPY"]) {
            reasons.push("ALGORITHM=COPY is requested".to_string());
        }
        if w.has_seq(&["CONVERT", "TO"]) {
            reasons.push("converting the character set copies the table".to_string());
        }
        let mut table_obj = None;
        for (ns, table, tc) in cx.table_changes() {
            if !cx.schema.is_existing(ns, table) {
                continue;
            }
            table_obj = Some(cx.object(ns, table, None));
            match tc {
                TableChange::ModifyColumn { from, to, what }
                    if what.contains(&migra_core::ColumnAspect::Type)
                        && !inplace_type_change(&from.r#type.kind, &to.r#type.kind) =>
                {
                    reasons.push(format!(
                        "changing {} from {} to {} copies the table",
                        to.name, from.r#type.raw, to.r#type.raw
                    ));
                }
                TableChange::SetPrimaryKey {
                    from: Some(_),
                    to: None,
                } if !w.has_seq(&["ADD", "PRIMARY"]) => {
                    reasons.push(
                        "dropping the primary key without adding one copies the table".into(),
                    );
                }
                _ => {}
            }
        }
        if reasons.is_empty() {
            return;
        }
        let mut f = cx.finding(
            &INFO,
            format!(
                "this ALTER runs with ALGORITHM=COPY: {}",
                reasons.join("; ")
            ),
        );
        if let Some(o) = table_obj {
            f = f.on(o);
        }
        out.push(f);
    }
}

/// Type changes InnoDB makes in place: VARCHAR widening that keeps the length-byte count (both
/// below 256 bytes or both above, counting 4 bytes a character for utf8mb4).
pub(crate) fn inplace_type_change(from: &TypeKind, to: &TypeKind) -> bool {
    match (from, to) {
        (
            TypeKind::String {
                length: Some(a),
                fixed: false,
            },
            TypeKind::String {
                length: Some(b),
                fixed: false,
            },
        ) => b >= a && ((a * 4 < 256) == (b * 4 < 256)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::testing::check_examples(&super::R);
    }
}
