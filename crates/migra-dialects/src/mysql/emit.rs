//! The MySQL/MariaDB planner: typed changes to statements, each with its reverse and hazards.
//! DDL commits implicitly here, so a plan is never transactional. Enums are inline column types
//! (their changes arrive as column type changes); sequences and schema comments are refused.

use super::emit_table::{alter_table, create_table};
use crate::sql::Sql;
use crate::steps::Out;
use migra_core::schema::{Database, View};
use migra_core::{Change, Plan, PlanError, Planner};

pub(super) const SQL: Sql = Sql {
    quote: '`',
    backslash_escapes: true,
};

pub(super) fn unsupported(what: impl Into<String>, why: impl Into<String>) -> PlanError {
    crate::steps::unsupported("MySQL", what, why)
}

/// MySQL's and MariaDB's planner.
#[derive(Debug, Clone, Copy, Default)]
pub struct MysqlPlanner;

impl Planner for MysqlPlanner {
    fn plan(&self, _from: &Database, changes: &[Change]) -> Result<Plan, PlanError> {
        let mut out = Out::default();
        for c in changes {
            change(&mut out, c)?;
        }
        Ok(out.finish(false))
    }
}

fn change(out: &mut Out, c: &Change) -> Result<(), PlanError> {
    match c {
        Change::AddNamespace { name } => out.push(
            format!("CREATE DATABASE {}", SQL.ident(name)),
            Some(format!("DROP DATABASE {}", SQL.ident(name))),
            vec![],
        ),
        Change::DropNamespace { name } => out.push(
            format!("DROP DATABASE {}", SQL.ident(name)),
            Some(format!("CREATE DATABASE {}", SQL.ident(name))),
            vec![],
        ),
        Change::SetNamespaceComment { name, .. } => {
            return Err(unsupported(
                format!("comment on database {name}"),
                "MySQL databases have no comments",
            ));
        }
        Change::AddTable { namespace, table } => create_table(out, namespace, table)?,
        Change::DropTable { namespace, table } => {
            let mut undo = Out::default();
            create_table(&mut undo, namespace, table)?;
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
                "RENAME TABLE {} TO {}",
                SQL.qualified(namespace, from),
                SQL.qualified(namespace, to)
            ),
            Some(format!(
                "RENAME TABLE {} TO {}",
                SQL.qualified(namespace, to),
                SQL.qualified(namespace, from)
            )),
            vec![],
        ),
        Change::ModifyTable {
            namespace,
            table,
            changes,
        } => {
            for tc in changes {
                alter_table(out, namespace, table, tc)?;
            }
        }
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
        Change::AddEnum { r#enum, .. }
        | Change::DropEnum { r#enum, .. }
        | Change::ModifyEnum { to: r#enum, .. } => {
            return Err(unsupported(
                format!("create or change the named enum type {}", r#enum.name),
                "MySQL enums are column types (ENUM('a','b')), not named types",
            ));
        }
        Change::AddSequence { sequence, .. }
        | Change::DropSequence { sequence, .. }
        | Change::ModifySequence { to: sequence, .. } => {
            return Err(unsupported(
                format!("create or change sequence {}", sequence.name),
                "migra does not model MariaDB sequences; use AUTO_INCREMENT",
            ));
        }
        other => {
            return Err(unsupported(
                migra_core::describe::describe(other),
                "this change is newer than the MySQL planner",
            ));
        }
    }
    Ok(())
}

fn create_view(ns: &str, v: &View) -> Result<String, PlanError> {
    if v.materialized {
        return Err(unsupported(
            format!("create materialized view {}", v.name),
            "MySQL has no materialized views",
        ));
    }
    Ok(format!(
        "CREATE VIEW {} AS {}",
        SQL.qualified(ns, &v.name),
        v.definition.trim().trim_end_matches(';')
    ))
}

fn drop_view(ns: &str, v: &View) -> String {
    format!("DROP VIEW {}", SQL.qualified(ns, &v.name))
}
