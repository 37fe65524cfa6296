//! The SQLite planner. SQLite's `ALTER TABLE` adds, drops and renames columns and renames
//! tables; every other table change is done by the rebuild procedure from SQLite's manual
//! ("Making Other Kinds Of Table Schema Changes"): foreign keys off outside the transaction, a
//! new table, copy, drop, rename, indexes recreated, `foreign_key_check`, foreign keys back on.

use super::coalesce::coalesce;
use super::emit_table::{column_sql, create_index, create_table, direct_add, droppable};
use crate::sql::Sql;
use crate::steps::{Out, hazard};
use migra_core::schema::{Database, Table, View};
use migra_core::{Change, HazardKind, Plan, PlanError, Planner, TableChange, apply};

pub(super) const SQL: Sql = Sql {
    quote: '"',
    backslash_escapes: false,
};

pub(super) fn unsupported(what: impl Into<String>, why: impl Into<String>) -> PlanError {
    crate::steps::unsupported("SQLite", what, why)
}

/// SQLite's planner.
#[derive(Debug, Clone, Copy, Default)]
pub struct SqlitePlanner;

impl Planner for SqlitePlanner {
    fn plan(&self, from: &Database, changes: &[Change]) -> Result<Plan, PlanError> {
        let mut state = from.clone();
        let mut out = Out::default();
        for c in &coalesce(changes) {
            change(&mut out, &state, c)?;
            apply(&mut state, c).map_err(|e| PlanError::Inconsistent(e.to_string()))?;
        }
        Ok(out.finish(true))
    }
}

fn table_in<'a>(db: &'a Database, ns: &str, name: &str) -> Result<&'a Table, PlanError> {
    db.namespace(ns)
        .and_then(|n| n.table(name))
        .ok_or_else(|| PlanError::Inconsistent(format!("table {name} is not in the schema")))
}

fn change(out: &mut Out, state: &Database, c: &Change) -> Result<(), PlanError> {
    match c {
        Change::AddTable { namespace, table } => create_table(out, namespace, table, &table.name)?,
        Change::DropTable { namespace, table } => {
            let mut undo = Out::default();
            create_table(&mut undo, namespace, table, &table.name)?;
            crate::steps::drop_table(
                out,
                SQL.qualified(namespace, &table.name),
                &table.name,
                undo.steps.first().map(|s| s.command.clone()),
            );
        }
        Change::RenameTable {
            namespace,
            from,
            to,
        } => out.push(
            format!(
                "ALTER TABLE {} RENAME TO {}",
                SQL.qualified(namespace, from),
                SQL.ident(to)
            ),
            Some(format!(
                "ALTER TABLE {} RENAME TO {}",
                SQL.qualified(namespace, to),
                SQL.ident(from)
            )),
            vec![],
        ),
        Change::ModifyTable {
            namespace,
            table,
            changes,
        } => modify_table(out, state, namespace, table, changes)?,
        Change::AddView { namespace, view } => out.push(
            create_view(namespace, view)?,
            Some(drop_view(namespace, view)),
            vec![],
        ),
        Change::DropView { namespace, view } => out.push(
            drop_view(namespace, view),
            Some(create_view(namespace, view)?),
            vec![],
        ),
        Change::AddNamespace { name } | Change::DropNamespace { name } => {
            return Err(unsupported(
                format!("create or drop schema {name}"),
                "SQLite schemas are attached database files; attach them outside the migration",
            ));
        }
        Change::SetNamespaceComment { .. } => {
            return Err(unsupported("comment on a schema", "SQLite has no comments"));
        }
        Change::AddEnum { r#enum, .. }
        | Change::DropEnum { r#enum, .. }
        | Change::ModifyEnum { to: r#enum, .. } => {
            return Err(unsupported(
                format!("create or change enum type {}", r#enum.name),
                "SQLite has no enum types; use a CHECK (col IN (...))",
            ));
        }
        Change::AddSequence { sequence, .. }
        | Change::DropSequence { sequence, .. }
        | Change::ModifySequence { to: sequence, .. } => {
            return Err(unsupported(
                format!("create or change sequence {}", sequence.name),
                "SQLite has no sequences; use INTEGER PRIMARY KEY AUTOINCREMENT",
            ));
        }
        other => {
            return Err(unsupported(
                migra_core::describe::describe(other),
                "this change is newer than the SQLite planner",
            ));
        }
    }
    Ok(())
}

/// Renames first (SQLite renames in place), then either the few changes `ALTER TABLE` can make,
/// or one rebuild for all the rest.
fn modify_table(
    out: &mut Out,
    state: &Database,
    ns: &str,
    table: &str,
    changes: &[TableChange],
) -> Result<(), PlanError> {
    let t = SQL.qualified(ns, table);
    for c in changes {
        let comment = match c {
            TableChange::SetComment { to: Some(_), .. } => true,
            TableChange::ModifyColumn { to, what, .. } => {
                what.contains(&migra_core::ColumnAspect::Comment) && to.comment.is_some()
            }
            _ => false,
        };
        if comment {
            return Err(unsupported(
                format!("comment on {table}"),
                "SQLite has no comments; write them in the migration file instead",
            ));
        }
    }
    let (renames, rest): (Vec<&TableChange>, Vec<&TableChange>) = changes
        .iter()
        .partition(|c| matches!(c, TableChange::RenameColumn { .. }));
    for r in &renames {
        if let TableChange::RenameColumn { from, to } = r {
            crate::steps::rename_column(out, &SQL, &t, from, to);
        }
    }
    // The table as it is after the renames, and as it will be after everything.
    let mut work = state.clone();
    let step = |changes: Vec<TableChange>| Change::ModifyTable {
        namespace: ns.into(),
        table: table.into(),
        changes,
    };
    let renames_only: Vec<TableChange> = renames.iter().map(|c| (*c).clone()).collect();
    apply(&mut work, &step(renames_only)).map_err(|e| PlanError::Inconsistent(e.to_string()))?;
    let renamed = table_in(&work, ns, table)?.clone();
    apply(
        &mut work,
        &step(rest.iter().map(|c| (*c).clone()).collect()),
    )
    .map_err(|e| PlanError::Inconsistent(e.to_string()))?;
    let after = table_in(&work, ns, table)?.clone();

    let direct = rest.iter().all(|c| match c {
        TableChange::AddColumn { column } => direct_add(column),
        TableChange::DropColumn { column } => droppable(&renamed, &column.name),
        TableChange::AddIndex { index } | TableChange::DropIndex { index } => !index.constraint,
        _ => false,
    });
    if direct {
        for c in rest {
            match c {
                TableChange::AddColumn { column } => crate::steps::add_column(
                    out,
                    &SQL,
                    &t,
                    &column.name,
                    &column_sql(column, false)?,
                    vec![],
                ),
                TableChange::DropColumn { column } => crate::steps::drop_column(
                    out,
                    &SQL,
                    &t,
                    table,
                    &column.name,
                    &column_sql(column, false)?,
                ),
                TableChange::AddIndex { index } => {
                    let (up, down) = create_index(ns, table, index)?;
                    out.push(up, Some(down), vec![]);
                }
                TableChange::DropIndex { index } => {
                    let (up, down) = create_index(ns, table, index)?;
                    out.push(down, Some(up), vec![]);
                }
                _ => {}
            }
        }
        return Ok(());
    }
    rebuild(
        out,
        ns,
        &renamed,
        &after,
        rest.iter()
            .any(|c| matches!(c, TableChange::DropColumn { .. })),
    )
}

/// The twelve-step rebuild, in statements.
fn rebuild(
    out: &mut Out,
    ns: &str,
    before: &Table,
    after: &Table,
    drops: bool,
) -> Result<(), PlanError> {
    let name = &after.name;
    let temp = format!("_migra_new_{name}");
    let off = vec![hazard(
        HazardKind::NonTransactional,
        "PRAGMA foreign_keys only takes effect outside a transaction",
    )];
    out.push(
        "PRAGMA foreign_keys = 0".into(),
        Some("PRAGMA foreign_keys = 1".into()),
        off.clone(),
    );
    create_table(out, ns, after, &temp)?;
    let common: Vec<String> = after
        .columns
        .iter()
        .filter(|c| {
            c.generated.is_none()
                && before
                    .column(&c.name)
                    .is_some_and(|b| b.generated.is_none())
        })
        .map(|c| SQL.ident(&c.name))
        .collect();
    let mut hazards = vec![hazard(
        HazardKind::TableRewrite,
        format!("{name} is copied into a new table (time and space proportional to its rows)"),
    )];
    hazards.push(hazard(
        HazardKind::MayFail,
        "fails if existing rows break a new NOT NULL, CHECK or UNIQUE rule",
    ));
    if drops {
        hazards.push(hazard(
            HazardKind::DataLoss,
            format!("dropped columns of {name} are not copied"),
        ));
    }
    let mut drop_hazards = vec![hazard(
        HazardKind::DataLoss,
        format!("triggers on {name} are dropped with it; migra does not model them, recreate them"),
    )];
    if common.is_empty() {
        // No column survives: there is nothing to copy, and the rows are gone.
        drop_hazards.push(hazard(
            HazardKind::DataLoss,
            format!("no column of {name} survives the change: its rows are not kept"),
        ));
    } else {
        out.push(
            format!(
                "INSERT INTO {} ({}) SELECT {} FROM {}",
                SQL.qualified(ns, &temp),
                common.join(", "),
                common.join(", "),
                SQL.qualified(ns, name)
            ),
            None,
            hazards,
        );
    }
    out.push(
        format!("DROP TABLE {}", SQL.qualified(ns, name)),
        None,
        drop_hazards,
    );
    // The legacy rename does not re-check views and triggers that name the dropped table.
    out.push("PRAGMA legacy_alter_table = 1".into(), None, vec![]);
    out.push(
        format!(
            "ALTER TABLE {} RENAME TO {}",
            SQL.qualified(ns, &temp),
            SQL.ident(name)
        ),
        None,
        vec![],
    );
    out.push("PRAGMA legacy_alter_table = 0".into(), None, vec![]);
    for i in after.indexes.iter().filter(|i| !i.constraint) {
        let (up, down) = create_index(ns, name, i)?;
        out.push(up, Some(down), vec![]);
    }
    out.push(
        format!("PRAGMA foreign_key_check({})", SQL.ident(name)),
        None,
        vec![hazard(
            HazardKind::MayFail,
            "lists rows whose foreign keys no longer match",
        )],
    );
    out.push(
        "PRAGMA foreign_keys = 1".into(),
        Some("PRAGMA foreign_keys = 0".into()),
        off,
    );
    Ok(())
}

fn create_view(ns: &str, v: &View) -> Result<String, PlanError> {
    if v.materialized {
        return Err(unsupported(
            format!("create materialized view {}", v.name),
            "SQLite has no materialized views",
        ));
    }
    let def = v.definition.trim().trim_end_matches(';');
    // SQLite keeps the whole CREATE VIEW statement as the definition.
    if def.to_ascii_uppercase().starts_with("CREATE ") {
        return Ok(def.to_string());
    }
    Ok(format!(
        "CREATE VIEW {} AS {def}",
        SQL.qualified(ns, &v.name)
    ))
}

fn drop_view(ns: &str, v: &View) -> String {
    format!("DROP VIEW {}", SQL.qualified(ns, &v.name))
}
