//! MySQL/MariaDB statements for tables: `CREATE TABLE` with keys, indexes, checks, foreign keys
//! and comments inline, and `ALTER TABLE` per table change (a changed column is restated whole
//! with `MODIFY COLUMN`, as MySQL requires).

use super::emit::{SQL, unsupported};
use crate::steps::{Out, hazard};
use migra_core::schema::{
    Check, Column, ColumnDefault, ForeignKey, Index, IndexPart, PrimaryKey, Table,
};
use migra_core::{ColumnAspect, HazardKind, PlanError, TableChange};

fn default_sql(d: &ColumnDefault) -> String {
    match d {
        ColumnDefault::Literal(v) => v.clone(),
        // MariaDB reports expression defaults bare (`current_timestamp()`); parentheses make any
        // expression valid after DEFAULT, except the CURRENT_TIMESTAMP family, which must stay bare.
        ColumnDefault::Expression(v) => {
            let lower = v.to_ascii_lowercase();
            if lower.starts_with("current_timestamp")
                || lower.starts_with("now(")
                || lower.starts_with("localtimestamp")
                || lower.starts_with('(')
                || v.parse::<f64>().is_ok()
                || lower == "null"
            {
                v.clone()
            } else {
                format!("({v})")
            }
        }
    }
}

fn column_sql(c: &Column) -> Result<String, PlanError> {
    let raw = c.r#type.raw.trim();
    if raw.is_empty() {
        return Err(unsupported(
            format!("create column {}", c.name),
            "its type has no MySQL spelling",
        ));
    }
    let mut s = format!("{} {raw}", SQL.ident(&c.name));
    if let Some(coll) = &c.collation {
        s.push_str(&format!(" COLLATE {coll}"));
    }
    if let Some(g) = &c.generated {
        let kind = if g.stored { "STORED" } else { "VIRTUAL" };
        s.push_str(&format!(" GENERATED ALWAYS AS ({}) {kind}", g.expression));
    }
    // MariaDB accepts no NULL / NOT NULL on a generated column.
    if c.generated.is_none() {
        s.push_str(if c.nullable { " NULL" } else { " NOT NULL" });
    }
    if let Some(d) = c.default.as_ref().filter(|_| c.generated.is_none()) {
        s.push_str(&format!(" DEFAULT {}", default_sql(d)));
    }
    if c.identity.is_some() {
        s.push_str(" AUTO_INCREMENT");
    }
    if let Some(u) = &c.on_update {
        s.push_str(&format!(" ON UPDATE {u}"));
    }
    if let Some(text) = &c.comment {
        s.push_str(&format!(" COMMENT {}", SQL.literal(text)));
    }
    Ok(s)
}

fn fk_sql(ns: &str, k: &ForeignKey) -> Result<String, PlanError> {
    if k.deferrable {
        return Err(unsupported(
            format!("create deferrable foreign key {}", k.name),
            "MySQL checks foreign keys immediately; it has no DEFERRABLE",
        ));
    }
    let target = SQL.qualified(k.ref_namespace.as_deref().unwrap_or(ns), &k.ref_table);
    let name = SQL.constraint(&k.name);
    Ok(format!(
        "{name}FOREIGN KEY ({}) REFERENCES {target} ({}) ON DELETE {} ON UPDATE {}",
        SQL.idents(&k.columns),
        SQL.idents(&k.ref_columns),
        k.on_delete.keywords(),
        k.on_update.keywords()
    ))
}

fn pk_sql(pk: &PrimaryKey) -> String {
    format!("PRIMARY KEY ({})", SQL.idents(&pk.columns))
}

fn check_sql(c: &Check) -> String {
    let name = SQL.constraint(c.name.as_deref().unwrap_or(""));
    format!("{name}CHECK ({})", c.expression)
}

/// `[UNIQUE|FULLTEXT|SPATIAL] KEY name (parts)`, the form both `CREATE TABLE` and `ADD` take.
fn index_sql(i: &Index) -> Result<String, PlanError> {
    if i.predicate.is_some() {
        return Err(unsupported(
            format!("create partial index {}", i.name),
            "MySQL has no partial indexes",
        ));
    }
    let mut parts = Vec::new();
    for p in &i.parts {
        match p {
            IndexPart::Column {
                name, desc, prefix, ..
            } => {
                let mut s = SQL.ident(name);
                if let Some(n) = prefix {
                    s.push_str(&format!("({n})"));
                }
                if *desc {
                    s.push_str(" DESC");
                }
                parts.push(s);
            }
            IndexPart::Expression { .. } => {
                return Err(unsupported(
                    format!("create expression index {}", i.name),
                    "MariaDB has no functional indexes; index a generated column instead",
                ));
            }
        }
    }
    let kind = match i.method.as_deref().map(str::to_ascii_uppercase).as_deref() {
        Some("FULLTEXT") => "FULLTEXT KEY",
        Some("SPATIAL") => "SPATIAL KEY",
        _ if i.unique => "UNIQUE KEY",
        _ => "KEY",
    };
    Ok(format!(
        "{kind} {} ({})",
        SQL.ident(&i.name),
        parts.join(", ")
    ))
}

/// `CREATE TABLE` with everything inline.
pub(super) fn create_table(out: &mut Out, ns: &str, t: &Table) -> Result<(), PlanError> {
    let name = SQL.qualified(ns, &t.name);
    let mut lines = Vec::new();
    for c in &t.columns {
        lines.push(column_sql(c)?);
    }
    if let Some(pk) = &t.primary_key {
        lines.push(pk_sql(pk));
    }
    for i in &t.indexes {
        lines.push(index_sql(i)?);
    }
    lines.extend(t.checks.iter().map(check_sql));
    for k in &t.foreign_keys {
        lines.push(fk_sql(ns, k)?);
    }
    let comment = t
        .comment
        .as_deref()
        .map(|c| format!(" COMMENT={}", SQL.literal(c)))
        .unwrap_or_default();
    out.push(
        format!(
            "CREATE TABLE {name} (\n    {}\n){comment}",
            lines.join(",\n    ")
        ),
        Some(format!("DROP TABLE {name}")),
        vec![],
    );
    Ok(())
}

/// One statement per table change.
pub(super) fn alter_table(
    out: &mut Out,
    ns: &str,
    table: &str,
    c: &TableChange,
) -> Result<(), PlanError> {
    let t = SQL.qualified(ns, table);
    let alter = |rest: String| format!("ALTER TABLE {t} {rest}");
    match c {
        TableChange::AddColumn { column } => {
            crate::steps::add_column(out, &SQL, &t, &column.name, &column_sql(column)?, vec![])
        }
        TableChange::DropColumn { column } => {
            crate::steps::drop_column(out, &SQL, &t, table, &column.name, &column_sql(column)?)
        }
        TableChange::RenameColumn { from, to } => {
            crate::steps::rename_column(out, &SQL, &t, from, to)
        }
        TableChange::ModifyColumn { from, to, what } => {
            let only_default = what.iter().all(|a| *a == ColumnAspect::Default);
            if only_default {
                let sql = |c: &Column| match &c.default {
                    Some(d) => alter(format!(
                        "ALTER COLUMN {} SET DEFAULT {}",
                        SQL.ident(&c.name),
                        default_sql(d)
                    )),
                    None => alter(format!("ALTER COLUMN {} DROP DEFAULT", SQL.ident(&c.name))),
                };
                out.push(sql(to), Some(sql(from)), vec![]);
            } else {
                let mut hazards = Vec::new();
                if what.contains(&ColumnAspect::Type) || what.contains(&ColumnAspect::Collation) {
                    hazards.push(hazard(
                        HazardKind::TableRewrite,
                        format!("changing {table}.{}'s type copies the table unless MySQL can do it in place", to.name),
                    ));
                    hazards.push(hazard(
                        HazardKind::MayFail,
                        "fails (or truncates, without strict mode) when a value does not fit",
                    ));
                }
                if what.contains(&ColumnAspect::Nullability) && !to.nullable {
                    hazards.push(hazard(
                        HazardKind::MayFail,
                        format!("fails if {table}.{} has NULLs", to.name),
                    ));
                }
                out.push(
                    alter(format!("MODIFY COLUMN {}", column_sql(to)?)),
                    Some(alter(format!("MODIFY COLUMN {}", column_sql(from)?))),
                    hazards,
                );
            }
        }
        TableChange::AddIndex { index } => out.push(
            alter(format!("ADD {}", index_sql(index)?)),
            Some(alter(format!("DROP INDEX {}", SQL.ident(&index.name)))),
            vec![],
        ),
        TableChange::DropIndex { index } => out.push(
            alter(format!("DROP INDEX {}", SQL.ident(&index.name))),
            Some(alter(format!("ADD {}", index_sql(index)?))),
            vec![],
        ),
        TableChange::SetPrimaryKey { from, to } => {
            let set = |pk: &Option<PrimaryKey>, old: &Option<PrimaryKey>| {
                let mut parts = Vec::new();
                if old.is_some() {
                    parts.push("DROP PRIMARY KEY".to_string());
                }
                if let Some(pk) = pk {
                    parts.push(format!("ADD {}", pk_sql(pk)));
                }
                alter(parts.join(", "))
            };
            out.push(
                set(to, from),
                Some(set(from, to)),
                vec![hazard(
                    HazardKind::MayFail,
                    format!("fails if {table} has duplicate or NULL keys"),
                )],
            );
        }
        TableChange::AddForeignKey { key } => out.push(
            alter(format!("ADD {}", fk_sql(ns, key)?)),
            Some(alter(format!("DROP FOREIGN KEY {}", SQL.ident(&key.name)))),
            vec![hazard(
                HazardKind::MayFail,
                format!(
                    "fails if rows of {table} reference missing rows of {}",
                    key.ref_table
                ),
            )],
        ),
        TableChange::DropForeignKey { key } => out.push(
            alter(format!("DROP FOREIGN KEY {}", SQL.ident(&key.name))),
            Some(alter(format!("ADD {}", fk_sql(ns, key)?))),
            vec![],
        ),
        TableChange::AddCheck { check } => out.push(
            alter(format!("ADD {}", check_sql(check))),
            check
                .name
                .as_ref()
                .map(|n| alter(format!("DROP CONSTRAINT {}", SQL.ident(n)))),
            vec![hazard(
                HazardKind::MayFail,
                format!("fails if rows of {table} violate the check"),
            )],
        ),
        TableChange::DropCheck { check } => {
            let name = check.name.as_ref().ok_or_else(|| {
                unsupported(
                    format!("drop an unnamed check on {table}"),
                    "the constraint's name is not known",
                )
            })?;
            out.push(
                alter(format!("DROP CONSTRAINT {}", SQL.ident(name))),
                Some(alter(format!("ADD {}", check_sql(check)))),
                vec![],
            );
        }
        TableChange::SetComment { from, to } => {
            let sql = |c: &Option<String>| {
                alter(format!(
                    "COMMENT = {}",
                    SQL.literal(c.as_deref().unwrap_or(""))
                ))
            };
            out.push(sql(to), Some(sql(from)), vec![]);
        }
        other => {
            return Err(unsupported(
                migra_core::describe::table_change(other),
                "this change is newer than the MySQL planner",
            ));
        }
    }
    Ok(())
}
