//! A rough duration for a set of changes from table sizes: what rewrites, indexes or scans a
//! table costs grows with its rows. The rates are orders of magnitude measured on a small
//! server (2 cores), meant to tell seconds from hours, not to schedule to the minute.

use crate::change::{Change, ColumnAspect, TableChange};
use crate::dialect::DialectId;
use serde::Serialize;
use std::collections::BTreeMap;

/// Seconds per statement, whatever the table size (catalog work, commit).
const PER_STATEMENT: f64 = 0.005;
/// Seconds per row to copy a table (type change, rebuild).
const REWRITE_PER_ROW: f64 = 1.5e-6;
/// Seconds per row to build an index.
const INDEX_PER_ROW: f64 = 1.0e-6;
/// Seconds per row to check a new constraint against existing rows.
const SCAN_PER_ROW: f64 = 0.3e-6;

/// The estimate and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    /// Total, in seconds.
    pub seconds: f64,
    /// The table work behind it, largest first (`users: 45000 rows rewritten`).
    pub work: Vec<String>,
}

/// What one table change costs per row, and what it does to the rows.
fn per_row(dialect: DialectId, c: &TableChange) -> Option<(f64, &'static str)> {
    let rewrite = Some((REWRITE_PER_ROW, "rewritten"));
    match c {
        TableChange::ModifyColumn { what, .. } => {
            if what.contains(&ColumnAspect::Type)
                || what.contains(&ColumnAspect::Collation)
                || what.contains(&ColumnAspect::Generated)
                || dialect == DialectId::Sqlite
                || (dialect == DialectId::Mysql && what.iter().any(|a| *a != ColumnAspect::Default))
            {
                rewrite
            } else if what.contains(&ColumnAspect::Nullability) {
                Some((SCAN_PER_ROW, "scanned"))
            } else {
                None
            }
        }
        TableChange::AddColumn { column }
            if column.generated.as_ref().is_some_and(|g| g.stored) =>
        {
            rewrite
        }
        TableChange::AddIndex { .. } | TableChange::SetPrimaryKey { to: Some(_), .. } => {
            Some((INDEX_PER_ROW, "indexed"))
        }
        TableChange::AddForeignKey { .. } | TableChange::AddCheck { .. }
            if dialect == DialectId::Sqlite =>
        {
            rewrite
        }
        TableChange::AddForeignKey { .. } | TableChange::AddCheck { .. } => {
            Some((SCAN_PER_ROW, "scanned"))
        }
        TableChange::DropForeignKey { .. } | TableChange::DropCheck { .. }
            if dialect == DialectId::Sqlite =>
        {
            rewrite
        }
        _ => None,
    }
}

/// Estimates `changes` on a database whose tables have `rows` (`(namespace, table)` → rows;
/// a table missing from it counts as empty).
pub fn estimate(
    dialect: DialectId,
    changes: &[Change],
    rows: &BTreeMap<(String, String), u64>,
) -> Estimate {
    let mut seconds = 0.0;
    let mut work: BTreeMap<(String, &'static str), u64> = BTreeMap::new();
    for c in changes {
        seconds += PER_STATEMENT;
        let Change::ModifyTable {
            namespace,
            table,
            changes,
        } = c
        else {
            continue;
        };
        let n = rows
            .get(&(namespace.clone(), table.clone()))
            .copied()
            .unwrap_or(0);
        // A SQLite rebuild copies the table once, however many changes it carries.
        let mut rebuilt = false;
        for tc in changes {
            seconds += PER_STATEMENT;
            if let Some((rate, what)) = per_row(dialect, tc) {
                if dialect == DialectId::Sqlite && rate == REWRITE_PER_ROW {
                    if rebuilt {
                        continue;
                    }
                    rebuilt = true;
                }
                seconds += rate * n as f64;
                if n > 0 {
                    *work.entry((table.clone(), what)).or_default() += n;
                }
            }
        }
    }
    let mut list: Vec<((String, &str), u64)> = work.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Estimate {
        seconds,
        work: list
            .into_iter()
            .map(|((t, what), n)| format!("{t}: {n} rows {what}"))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Column, ColumnType, TypeKind};
    use std::collections::BTreeSet;

    #[test]
    fn big_tables_cost_more_and_say_why() {
        let col = Column {
            name: "n".into(),
            r#type: ColumnType {
                kind: TypeKind::Text,
                raw: "text".into(),
            },
            nullable: true,
            default: None,
            identity: None,
            generated: None,
            collation: None,
            comment: None,
            on_update: None,
        };
        let change = Change::ModifyTable {
            namespace: "public".into(),
            table: "users".into(),
            changes: vec![TableChange::ModifyColumn {
                from: Box::new(col.clone()),
                to: Box::new(col),
                what: BTreeSet::from([ColumnAspect::Type]),
            }],
        };
        let small = estimate(
            DialectId::Postgres,
            std::slice::from_ref(&change),
            &BTreeMap::new(),
        );
        let rows = BTreeMap::from([(("public".to_string(), "users".to_string()), 10_000_000)]);
        let big = estimate(DialectId::Postgres, &[change], &rows);
        assert!(
            small.seconds < 0.1 && big.seconds > 10.0,
            "{small:?} {big:?}"
        );
        assert_eq!(big.work, ["users: 10000000 rows rewritten"]);
    }
}
