//! DL105 recreate-column.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "DL105",
    name: "recreate-column",
    severity: Severity::Error,
    dialects: SQL,
    detects: "A column dropped and added again under the same name in one migration (how a change the database cannot make in place is often written).",
    why: "The new column starts empty (or at its default): every value the old one held is lost, though the schema looks unchanged.",
    instead: "Change the column in place (ALTER COLUMN ... TYPE ... USING), or add the new column under another name, copy the values over, then drop the old one.",
    probe: Some("Counts the old column's non-NULL values."),
    examples: &[Example::new(
        SQL,
        "CREATE TABLE t (id int, amount int);",
        "ALTER TABLE t DROP COLUMN amount;\nALTER TABLE t ADD COLUMN amount bigint;",
        "ALTER TABLE t ADD COLUMN amount_big bigint;",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_script(&self, cx: &ScriptCx<'_>, out: &mut Vec<Finding>) {
        let mut dropped: Vec<(&str, &str, &str)> = Vec::new();
        for (i, ns, table, tc) in cx.table_changes() {
            match tc {
                TableChange::DropColumn { column } => dropped.push((ns, table, &column.name)),
                TableChange::AddColumn { column }
                    if dropped.contains(&(ns, table, column.name.as_str())) =>
                {
                    let obj =
                        crate::analyze::names::display(cx.target, ns, table, Some(&column.name));
                    out.push(
                        cx.finding(
                            &INFO,
                            Some(i),
                            format!("{obj} is dropped and added again: its values are lost"),
                        )
                        .on(obj)
                        .probe(Probe::NonNull {
                            namespace: ns.into(),
                            table: table.into(),
                            column: column.name.clone(),
                        }),
                    );
                }
                _ => {}
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
