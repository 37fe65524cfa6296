//! PostgreSQL statements for tables: `CREATE TABLE` with its keys, checks and comments, and
//! `ALTER TABLE` for each table change.

use super::emit::{Out, SQL, hazard, unsupported};
use migra_core::schema::{
    Check, Column, ColumnDefault, ForeignKey, Index, IndexPart, PrimaryKey, Table,
};
use migra_core::{ColumnAspect, HazardKind, PlanError, TableChange};

fn default_sql(d: &ColumnDefault) -> &str {
    match d {
        ColumnDefault::Literal(v) | ColumnDefault::Expression(v) => v,
    }
}

/// The column's type as PostgreSQL spells it (the model keeps the database's own spelling).
fn type_sql(c: &Column) -> Result<&str, PlanError> {
    let raw = c.r#type.raw.trim();
    if raw.is_empty() {
        return Err(unsupported(
            format!("create column {}", c.name),
            "its type has no PostgreSQL spelling",
        ));
    }
    Ok(raw)
}

fn column_sql(c: &Column) -> Result<String, PlanError> {
    let mut s = format!("{} {}", SQL.ident(&c.name), type_sql(c)?);
    if let Some(coll) = &c.collation {
        s.push_str(&format!(" COLLATE {}", SQL.ident(coll)));
    }
    if let Some(g) = &c.generated {
        if !g.stored {
            return Err(unsupported(
                format!("create virtual generated column {}", c.name),
                "PostgreSQL before 18 has only STORED generated columns",
            ));
        }
        s.push_str(&format!(" GENERATED ALWAYS AS ({}) STORED", g.expression));
    } else if let Some(i) = &c.identity {
        let kind = if i.always { "ALWAYS" } else { "BY DEFAULT" };
        s.push_str(&format!(" GENERATED {kind} AS IDENTITY"));
    } else if let Some(d) = &c.default {
        s.push_str(&format!(" DEFAULT {}", default_sql(d)));
    }
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    if c.on_update.is_some() {
        return Err(unsupported(
            format!("create column {} with ON UPDATE", c.name),
            "PostgreSQL has no ON UPDATE clause on columns; use a trigger",
        ));
    }
    Ok(s)
}

fn fk_sql(ns: &str, k: &ForeignKey) -> String {
    let target = SQL.qualified(k.ref_namespace.as_deref().unwrap_or(ns), &k.ref_table);
    let mut s = format!(
        "{}FOREIGN KEY ({}) REFERENCES {target} ({}) ON UPDATE {} ON DELETE {}",
        SQL.constraint(&k.name),
        SQL.idents(&k.columns),
        SQL.idents(&k.ref_columns),
        k.on_update.keywords(),
        k.on_delete.keywords()
    );
    if k.deferrable {
        s.push_str(" DEFERRABLE");
        if k.initially_deferred {
            s.push_str(" INITIALLY DEFERRED");
        }
    }
    s
}

fn pk_sql(pk: &PrimaryKey) -> String {
    format!(
        "{}PRIMARY KEY ({})",
        SQL.constraint(pk.name.as_deref().unwrap_or("")),
        SQL.idents(&pk.columns)
    )
}

fn check_sql(c: &Check) -> String {
    let e = c.expression.trim();
    let wrapped = if e.starts_with('(') && e.ends_with(')') {
        e.to_string()
    } else {
        format!("({e})")
    };
    format!(
        "{}CHECK {wrapped}",
        SQL.constraint(c.name.as_deref().unwrap_or(""))
    )
}

fn parts_sql(i: &Index) -> Result<String, PlanError> {
    let mut parts = Vec::new();
    for p in &i.parts {
        let text = match p {
            IndexPart::Column {
                prefix: Some(_), ..
            } => {
                return Err(unsupported(
                    format!("create index {} on a column prefix", i.name),
                    "PostgreSQL has no prefix indexes; index an expression such as left(col, n)",
                ));
            }
            IndexPart::Column {
                name,
                desc,
                opclass,
                ..
            } => (SQL.ident(name), *desc, opclass),
            IndexPart::Expression { sql, desc, opclass } => (format!("({sql})"), *desc, opclass),
        };
        let (text, desc, opclass) = (text.0, text.1, text.2);
        let mut part = text;
        if let Some(o) = opclass {
            // An operator class name is an identifier, possibly schema-qualified as printed.
            part.push_str(&format!(" {o}"));
        }
        parts.push(if desc { format!("{part} DESC") } else { part });
    }
    Ok(parts.join(", "))
}

/// A `UNIQUE` constraint when the index backs one, else `CREATE INDEX`.
fn create_index(ns: &str, table: &str, i: &Index) -> Result<(String, String), PlanError> {
    let t = SQL.qualified(ns, table);
    let include = if i.include.is_empty() {
        String::new()
    } else {
        format!(" INCLUDE ({})", SQL.idents(&i.include))
    };
    if i.constraint {
        return Ok((
            format!(
                "ALTER TABLE {t} ADD CONSTRAINT {} UNIQUE ({}){include}",
                SQL.ident(&i.name),
                parts_sql(i)?
            ),
            format!("ALTER TABLE {t} DROP CONSTRAINT {}", SQL.ident(&i.name)),
        ));
    }
    let method = i
        .method
        .as_deref()
        .map(|m| format!(" USING {m}"))
        .unwrap_or_default();
    let predicate = i
        .predicate
        .as_deref()
        .map(|p| format!(" WHERE {p}"))
        .unwrap_or_default();
    Ok((
        format!(
            "CREATE {}INDEX {} ON {t}{method} ({}){include}{predicate}",
            if i.unique { "UNIQUE " } else { "" },
            SQL.ident(&i.name),
            parts_sql(i)?
        ),
        format!("DROP INDEX {}", SQL.qualified(ns, &i.name)),
    ))
}

/// `CREATE TABLE` with columns, primary key, checks and foreign keys inline, then its indexes
/// and comments.
pub(super) fn create_table(out: &mut Out, ns: &str, t: &Table) -> Result<(), PlanError> {
    let name = SQL.qualified(ns, &t.name);
    let mut lines = Vec::new();
    for c in &t.columns {
        lines.push(column_sql(c)?);
    }
    if let Some(pk) = &t.primary_key {
        lines.push(pk_sql(pk));
    }
    lines.extend(t.checks.iter().map(check_sql));
    lines.extend(t.foreign_keys.iter().map(|k| fk_sql(ns, k)));
    out.push(
        format!("CREATE TABLE {name} (\n    {}\n)", lines.join(",\n    ")),
        Some(format!("DROP TABLE {name}")),
        vec![],
    );
    for i in &t.indexes {
        let (up, down) = create_index(ns, &t.name, i)?;
        out.push(up, Some(down), vec![]);
    }
    if t.comment.is_some() {
        out.push(comment("TABLE", &name, t.comment.as_deref()), None, vec![]);
    }
    for c in t.columns.iter().filter(|c| c.comment.is_some()) {
        let target = format!("{name}.{}", SQL.ident(&c.name));
        out.push(
            comment("COLUMN", &target, c.comment.as_deref()),
            None,
            vec![],
        );
    }
    Ok(())
}

fn comment(kind: &str, target: &str, text: Option<&str>) -> String {
    let value = text.map_or("NULL".to_string(), |t| SQL.literal(t));
    format!("COMMENT ON {kind} {target} IS {value}")
}

/// One `ALTER TABLE` (or index/comment statement) per table change.
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
            let mut hazards = Vec::new();
            if !column.nullable && column.default.is_none() && column.identity.is_none() {
                hazards.push(hazard(
                    HazardKind::MayFail,
                    format!(
                        "NOT NULL column {} without a default fails if {table} has rows",
                        column.name
                    ),
                ));
            }
            if column.generated.is_some() {
                hazards.push(hazard(
                    HazardKind::TableRewrite,
                    format!("a stored generated column rewrites {table}"),
                ));
            }
            crate::steps::add_column(out, &SQL, &t, &column.name, &column_sql(column)?, hazards);
        }
        TableChange::DropColumn { column } => {
            crate::steps::drop_column(out, &SQL, &t, table, &column.name, &column_sql(column)?)
        }
        TableChange::RenameColumn { from, to } => {
            crate::steps::rename_column(out, &SQL, &t, from, to)
        }
        TableChange::ModifyColumn { from, to, what } => {
            for aspect in what {
                modify_column(out, &t, table, from, to, *aspect)?;
            }
        }
        TableChange::AddIndex { index } => {
            let (up, down) = create_index(ns, table, index)?;
            out.push(up, Some(down), vec![hazard(
                HazardKind::WriteLock,
                format!("building {} blocks writes to {table}; CREATE INDEX CONCURRENTLY in a migration of its own avoids it", index.name),
            )]);
        }
        TableChange::DropIndex { index } => {
            let (up, down) = create_index(ns, table, index)?;
            out.push(down, Some(up), vec![]);
        }
        TableChange::SetPrimaryKey { from, to } => {
            let pk_name =
                |pk: &PrimaryKey| pk.name.clone().unwrap_or_else(|| format!("{table}_pkey"));
            if let Some(pk) = from {
                out.push(
                    alter(format!("DROP CONSTRAINT {}", SQL.ident(&pk_name(pk)))),
                    Some(alter(format!("ADD {}", pk_sql(pk)))),
                    vec![],
                );
            }
            if let Some(pk) = to {
                out.push(
                    alter(format!("ADD {}", pk_sql(pk))),
                    Some(alter(format!(
                        "DROP CONSTRAINT {}",
                        SQL.ident(&pk_name(pk))
                    ))),
                    vec![hazard(
                        HazardKind::MayFail,
                        format!("fails if {table} has duplicate or NULL keys"),
                    )],
                );
            }
        }
        TableChange::AddForeignKey { key } => out.push(
            alter(format!("ADD {}", fk_sql(ns, key))),
            Some(alter(format!("DROP CONSTRAINT {}", SQL.ident(&key.name)))),
            vec![hazard(
                HazardKind::MayFail,
                format!(
                    "fails if rows of {table} reference missing rows of {}",
                    key.ref_table
                ),
            )],
        ),
        TableChange::DropForeignKey { key } => out.push(
            alter(format!("DROP CONSTRAINT {}", SQL.ident(&key.name))),
            Some(alter(format!("ADD {}", fk_sql(ns, key)))),
            vec![],
        ),
        TableChange::AddCheck { check } => {
            let drop = check
                .name
                .as_ref()
                .map(|n| alter(format!("DROP CONSTRAINT {}", SQL.ident(n))));
            out.push(
                alter(format!("ADD {}", check_sql(check))),
                drop,
                vec![hazard(
                    HazardKind::MayFail,
                    format!("fails if rows of {table} violate the check"),
                )],
            );
        }
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
        TableChange::SetComment { from, to } => out.push(
            comment("TABLE", &t, to.as_deref()),
            Some(comment("TABLE", &t, from.as_deref())),
            vec![],
        ),
        other => {
            return Err(unsupported(
                migra_core::describe::table_change(other),
                "this change is newer than the PostgreSQL planner",
            ));
        }
    }
    Ok(())
}

fn modify_column(
    out: &mut Out,
    t: &str,
    table: &str,
    from: &Column,
    to: &Column,
    aspect: ColumnAspect,
) -> Result<(), PlanError> {
    let col = SQL.ident(&to.name);
    let alter = |rest: String| format!("ALTER TABLE {t} ALTER COLUMN {col} {rest}");
    let retype = |c: &Column| -> Result<String, PlanError> {
        let collate = c
            .collation
            .as_deref()
            .map(|x| format!(" COLLATE {}", SQL.ident(x)))
            .unwrap_or_default();
        Ok(alter(format!(
            "TYPE {}{collate} USING {col}::{}",
            type_sql(c)?,
            type_sql(c)?
        )))
    };
    match aspect {
        ColumnAspect::Type | ColumnAspect::Collation => {
            // One statement covers both aspects; skip the second.
            if aspect == ColumnAspect::Collation && from.r#type != to.r#type {
                return Ok(());
            }
            out.push(retype(to)?, Some(retype(from)?), vec![
                hazard(HazardKind::TableRewrite, format!("changing {table}.{}'s type rewrites the table (unless binary-compatible)", to.name)),
                hazard(HazardKind::ExclusiveLock, format!("{table} is locked for reads and writes meanwhile")),
                hazard(HazardKind::MayFail, "fails if a value does not convert"),
            ]);
        }
        ColumnAspect::Nullability => {
            let (set, drop) = (alter("SET NOT NULL".into()), alter("DROP NOT NULL".into()));
            if to.nullable {
                out.push(drop, Some(set), vec![]);
            } else {
                out.push(
                    set,
                    Some(drop),
                    vec![hazard(
                        HazardKind::MayFail,
                        format!("fails if {table}.{} has NULLs", to.name),
                    )],
                );
            }
        }
        ColumnAspect::Default => {
            let sql = |c: &Column| match &c.default {
                Some(d) => alter(format!("SET DEFAULT {}", default_sql(d))),
                None => alter("DROP DEFAULT".into()),
            };
            out.push(sql(to), Some(sql(from)), vec![]);
        }
        ColumnAspect::Identity => {
            let sql = |a: &Column, b: &Column| match (&a.identity, &b.identity) {
                (_, None) => alter("DROP IDENTITY".into()),
                (None, Some(i)) => alter(format!(
                    "ADD GENERATED {} AS IDENTITY",
                    if i.always { "ALWAYS" } else { "BY DEFAULT" }
                )),
                (Some(_), Some(i)) => alter(format!(
                    "SET GENERATED {}",
                    if i.always { "ALWAYS" } else { "BY DEFAULT" }
                )),
            };
            out.push(sql(from, to), Some(sql(to, from)), vec![]);
        }
        ColumnAspect::Generated => {
            // Before PostgreSQL 17 an expression cannot be changed in place: drop and re-add.
            let loses = from.generated.is_none();
            out.push(
                format!("ALTER TABLE {t} DROP COLUMN {col}"),
                None,
                if loses {
                    vec![hazard(
                        HazardKind::DataLoss,
                        format!(
                            "{table}.{} becomes generated: its stored values are replaced",
                            to.name
                        ),
                    )]
                } else {
                    vec![]
                },
            );
            out.push(
                format!("ALTER TABLE {t} ADD COLUMN {}", column_sql(to)?),
                None,
                vec![hazard(
                    HazardKind::TableRewrite,
                    format!("re-adding {table}.{} rewrites the table", to.name),
                )],
            );
        }
        ColumnAspect::Comment => out.push(
            comment("COLUMN", &format!("{t}.{col}"), to.comment.as_deref()),
            Some(comment(
                "COLUMN",
                &format!("{t}.{col}"),
                from.comment.as_deref(),
            )),
            vec![],
        ),
        ColumnAspect::OnUpdate => {
            if to.on_update.is_some() {
                return Err(unsupported(
                    format!("set ON UPDATE on {table}.{}", to.name),
                    "PostgreSQL has no ON UPDATE clause on columns; use a trigger",
                ));
            }
        }
    }
    Ok(())
}
