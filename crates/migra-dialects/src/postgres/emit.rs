//! The PostgreSQL planner: typed changes to statements, each with its reverse and hazards.
//! Tables and their parts are in `emit_table.rs`; this file has the rest and the dispatch.

use super::emit_table::{alter_table, create_table};
use crate::sql::Sql;
use migra_core::schema::{Database, EnumType, Sequence, View};
use migra_core::{Change, HazardKind, Plan, PlanError, Planner, Step};

pub(super) const SQL: Sql = Sql {
    quote: '"',
    backslash_escapes: false,
};

/// PostgreSQL's planner.
#[derive(Debug, Clone, Copy, Default)]
pub struct PostgresPlanner;

pub(super) use crate::steps::{Out, hazard};

pub(super) fn unsupported(what: impl Into<String>, why: impl Into<String>) -> PlanError {
    crate::steps::unsupported("PostgreSQL", what, why)
}

impl Planner for PostgresPlanner {
    fn plan(&self, _from: &Database, changes: &[Change]) -> Result<Plan, PlanError> {
        let mut out = Out::default();
        for c in changes {
            change(&mut out, c)?;
        }
        Ok(out.finish(true))
    }
}

fn comment_sql(text: Option<&str>) -> String {
    text.map_or("NULL".to_string(), |t| SQL.literal(t))
}

fn change(out: &mut Out, c: &Change) -> Result<(), PlanError> {
    match c {
        Change::AddNamespace { name } => out.push(
            format!("CREATE SCHEMA {}", SQL.ident(name)),
            Some(format!("DROP SCHEMA {}", SQL.ident(name))),
            vec![],
        ),
        Change::DropNamespace { name } => out.push(
            format!("DROP SCHEMA {}", SQL.ident(name)),
            Some(format!("CREATE SCHEMA {}", SQL.ident(name))),
            vec![],
        ),
        Change::SetNamespaceComment { name, from, to } => {
            let on = format!("COMMENT ON SCHEMA {} IS ", SQL.ident(name));
            out.push(
                format!("{on}{}", comment_sql(to.as_deref())),
                Some(format!("{on}{}", comment_sql(from.as_deref()))),
                vec![],
            );
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
        } => {
            for tc in changes {
                alter_table(out, namespace, table, tc)?;
            }
        }
        Change::AddEnum { namespace, r#enum } => out.push(
            create_enum(namespace, r#enum),
            Some(drop_enum(namespace, r#enum)),
            vec![],
        ),
        Change::DropEnum { namespace, r#enum } => out.push(
            drop_enum(namespace, r#enum),
            Some(create_enum(namespace, r#enum)),
            vec![hazard(
                HazardKind::MayFail,
                format!("fails while a column still uses type {}", r#enum.name),
            )],
        ),
        Change::ModifyEnum {
            namespace,
            from,
            to,
        } => modify_enum(out, namespace, from, to)?,
        Change::AddView { namespace, view } => create_view(out, namespace, view),
        Change::DropView { namespace, view } => {
            let mut undo = Out::default();
            create_view(&mut undo, namespace, view);
            out.push(
                drop_view(namespace, view),
                undo.steps.first().map(|s| s.command.clone()),
                vec![],
            );
        }
        Change::AddSequence {
            namespace,
            sequence,
        } => {
            out.push(
                create_sequence(namespace, sequence),
                Some(format!(
                    "DROP SEQUENCE {}",
                    SQL.qualified(namespace, &sequence.name)
                )),
                vec![],
            );
            if let Some(owner) = &sequence.owned_by {
                out.last.push(Step {
                    command: owned_by(namespace, &sequence.name, Some(owner)),
                    reverse: Some(owned_by(namespace, &sequence.name, None)),
                    hazards: vec![],
                });
            }
        }
        Change::DropSequence {
            namespace,
            sequence,
        } => out.push(
            format!("DROP SEQUENCE {}", SQL.qualified(namespace, &sequence.name)),
            Some(create_sequence(namespace, sequence)),
            vec![hazard(
                HazardKind::MayFail,
                format!(
                    "fails while a default still uses sequence {}",
                    sequence.name
                ),
            )],
        ),
        Change::ModifySequence {
            namespace,
            from,
            to,
        } => {
            out.push(
                alter_sequence(namespace, to),
                Some(alter_sequence(namespace, from)),
                vec![],
            );
            if from.owned_by != to.owned_by {
                out.last.push(Step {
                    command: owned_by(namespace, &to.name, to.owned_by.as_deref()),
                    reverse: Some(owned_by(namespace, &to.name, from.owned_by.as_deref())),
                    hazards: vec![],
                });
            }
        }
        other => {
            return Err(unsupported(
                migra_core::describe::describe(other),
                "this change is newer than the PostgreSQL planner",
            ));
        }
    }
    Ok(())
}

fn create_enum(ns: &str, e: &EnumType) -> String {
    let values: Vec<String> = e.values.iter().map(|v| SQL.literal(v)).collect();
    format!(
        "CREATE TYPE {} AS ENUM ({})",
        SQL.qualified(ns, &e.name),
        values.join(", ")
    )
}

fn drop_enum(ns: &str, e: &EnumType) -> String {
    format!("DROP TYPE {}", SQL.qualified(ns, &e.name))
}

/// Values can only be added (`ADD VALUE`, placed with `BEFORE`/`AFTER`); removing or reordering
/// them needs a new type, which is refused here rather than guessed.
fn modify_enum(out: &mut Out, ns: &str, from: &EnumType, to: &EnumType) -> Result<(), PlanError> {
    let kept: Vec<&String> = to
        .values
        .iter()
        .filter(|v| from.values.contains(v))
        .collect();
    if kept.len() != from.values.len() || kept.iter().zip(&from.values).any(|(a, b)| *a != b) {
        return Err(unsupported(
            format!("remove or reorder values of enum {ns}.{}", from.name),
            "PostgreSQL can only add enum values; create a new type, move the columns to it, then drop the old one",
        ));
    }
    for (i, v) in to.values.iter().enumerate() {
        if from.values.contains(v) {
            continue;
        }
        let place = match to.values.get(i + 1).filter(|n| from.values.contains(n)) {
            Some(next) => format!(" BEFORE {}", SQL.literal(next)),
            None => match i.checked_sub(1).and_then(|p| to.values.get(p)) {
                Some(prev) => format!(" AFTER {}", SQL.literal(prev)),
                None => String::new(),
            },
        };
        out.push(
            format!(
                "ALTER TYPE {} ADD VALUE {}{place}",
                SQL.qualified(ns, &to.name),
                SQL.literal(v)
            ),
            None,
            vec![hazard(
                HazardKind::MayFail,
                "a value added in a transaction cannot be used before it commits",
            )],
        );
    }
    Ok(())
}

fn create_view(out: &mut Out, ns: &str, v: &View) {
    let kind = if v.materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    };
    let definition = v.definition.trim().trim_end_matches(';');
    out.push(
        format!(
            "CREATE {kind} {} AS {definition}",
            SQL.qualified(ns, &v.name)
        ),
        Some(drop_view(ns, v)),
        vec![],
    );
    if v.comment.is_some() {
        out.push(
            format!(
                "COMMENT ON {kind} {} IS {}",
                SQL.qualified(ns, &v.name),
                comment_sql(v.comment.as_deref())
            ),
            None,
            vec![],
        );
    }
}

fn drop_view(ns: &str, v: &View) -> String {
    let kind = if v.materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    };
    format!("DROP {kind} {}", SQL.qualified(ns, &v.name))
}

fn sequence_options(s: &Sequence) -> String {
    let mut o = format!(" INCREMENT BY {}", s.increment);
    o.push_str(&match s.min {
        Some(m) => format!(" MINVALUE {m}"),
        None => " NO MINVALUE".into(),
    });
    o.push_str(&match s.max {
        Some(m) => format!(" MAXVALUE {m}"),
        None => " NO MAXVALUE".into(),
    });
    o.push_str(&format!(" START WITH {}", s.start));
    o.push_str(if s.cycle { " CYCLE" } else { " NO CYCLE" });
    o
}

fn create_sequence(ns: &str, s: &Sequence) -> String {
    format!(
        "CREATE SEQUENCE {}{}",
        SQL.qualified(ns, &s.name),
        sequence_options(s)
    )
}

fn alter_sequence(ns: &str, s: &Sequence) -> String {
    format!(
        "ALTER SEQUENCE {}{}",
        SQL.qualified(ns, &s.name),
        sequence_options(s)
    )
}

/// `owner` is `table.column` as PostgreSQL's `quote_ident` printed it, so it is SQL already.
fn owned_by(ns: &str, sequence: &str, owner: Option<&str>) -> String {
    let target = match owner {
        Some(o) => format!("{}.{o}", SQL.ident(ns)),
        None => "NONE".into(),
    };
    format!(
        "ALTER SEQUENCE {} OWNED BY {target}",
        SQL.qualified(ns, sequence)
    )
}
