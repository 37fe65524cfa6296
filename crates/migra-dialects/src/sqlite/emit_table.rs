//! SQLite statements for tables: `CREATE TABLE` with keys, unique constraints, checks and
//! foreign keys inline (SQLite cannot add them later), `CREATE INDEX`, and what decides whether
//! `ALTER TABLE` can make a change without a rebuild.

use super::emit::{SQL, unsupported};
use crate::steps::Out;
use migra_core::PlanError;
use migra_core::schema::{Check, Column, ColumnDefault, ForeignKey, Index, IndexPart, Table};

/// A default as SQLite accepts it after `DEFAULT`: literals and `CURRENT_*` bare, any other
/// expression in parentheses.
fn default_sql(d: &ColumnDefault) -> String {
    let v = match d {
        ColumnDefault::Literal(v) | ColumnDefault::Expression(v) => v.trim(),
    };
    let upper = v.to_ascii_uppercase();
    let bare = v.starts_with('\'')
        || v.starts_with('(')
        || v.parse::<f64>().is_ok()
        || [
            "NULL",
            "TRUE",
            "FALSE",
            "CURRENT_TIME",
            "CURRENT_DATE",
            "CURRENT_TIMESTAMP",
        ]
        .contains(&upper.as_str());
    if bare {
        v.to_string()
    } else {
        format!("({v})")
    }
}

/// A literal default, which `ALTER TABLE ADD COLUMN` accepts (not `CURRENT_*`, not an expression).
fn constant_default(d: &ColumnDefault) -> bool {
    let s = default_sql(d);
    !s.starts_with('(') && !s.to_ascii_uppercase().starts_with("CURRENT_")
}

/// A column definition; `inline_pk` makes an identity column `PRIMARY KEY AUTOINCREMENT`.
pub(super) fn column_sql(c: &Column, inline_pk: bool) -> Result<String, PlanError> {
    let mut s = format!("{} {}", SQL.ident(&c.name), c.r#type.raw.trim());
    if c.identity.is_some() {
        if !inline_pk {
            return Err(unsupported(
                format!("add AUTOINCREMENT column {}", c.name),
                "only an INTEGER PRIMARY KEY created with its table can be AUTOINCREMENT",
            ));
        }
        s.push_str(" PRIMARY KEY AUTOINCREMENT");
    }
    if !c.nullable && c.identity.is_none() {
        s.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        s.push_str(&format!(" DEFAULT {}", default_sql(d)));
    }
    if let Some(coll) = &c.collation {
        s.push_str(&format!(" COLLATE {}", SQL.ident(coll)));
    }
    if let Some(g) = &c.generated {
        let kind = if g.stored { "STORED" } else { "VIRTUAL" };
        s.push_str(&format!(" GENERATED ALWAYS AS ({}) {kind}", g.expression));
    }
    if c.on_update.is_some() {
        return Err(unsupported(
            format!("create column {} with ON UPDATE", c.name),
            "SQLite has no ON UPDATE clause on columns; use a trigger",
        ));
    }
    Ok(s)
}

fn fk_sql(k: &ForeignKey) -> String {
    let columns = if k.ref_columns.is_empty() {
        String::new()
    } else {
        format!(" ({})", SQL.idents(&k.ref_columns))
    };
    let mut s = format!(
        "{}FOREIGN KEY ({}) REFERENCES {}{columns} ON UPDATE {} ON DELETE {}",
        SQL.constraint(&k.name),
        SQL.idents(&k.columns),
        SQL.ident(&k.ref_table),
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

fn check_sql(c: &Check) -> String {
    format!(
        "{}CHECK ({})",
        SQL.constraint(c.name.as_deref().unwrap_or("")),
        c.expression
    )
}

fn parts_sql(i: &Index) -> Result<String, PlanError> {
    let mut parts = Vec::new();
    for p in &i.parts {
        let (mut s, desc) = match p {
            IndexPart::Column {
                prefix: Some(_), ..
            } => {
                return Err(unsupported(
                    format!("create index {} on a column prefix", i.name),
                    "SQLite has no prefix indexes; index an expression such as substr(col, 1, n)",
                ));
            }
            IndexPart::Column { name, desc, .. } => (SQL.ident(name), *desc),
            IndexPart::Expression { sql, desc, .. } => (sql.clone(), *desc),
        };
        if desc {
            s.push_str(" DESC");
        }
        parts.push(s);
    }
    Ok(parts.join(", "))
}

/// `CREATE [UNIQUE] INDEX`, and the `DROP INDEX` that undoes it.
pub(super) fn create_index(
    ns: &str,
    table: &str,
    i: &Index,
) -> Result<(String, String), PlanError> {
    let predicate = i
        .predicate
        .as_deref()
        .map(|p| format!(" WHERE {p}"))
        .unwrap_or_default();
    Ok((
        format!(
            "CREATE {}INDEX {} ON {} ({}){predicate}",
            if i.unique { "UNIQUE " } else { "" },
            SQL.qualified(ns, &i.name),
            SQL.ident(table),
            parts_sql(i)?
        ),
        format!("DROP INDEX {}", SQL.qualified(ns, &i.name)),
    ))
}

/// `CREATE TABLE name` for table `t` (the rebuild creates it under a temporary name), then its
/// indexes when it is created under its own name.
pub(super) fn create_table(
    out: &mut Out,
    ns: &str,
    t: &Table,
    name: &str,
) -> Result<(), PlanError> {
    let inline_pk = t.columns.iter().any(|c| c.identity.is_some());
    // AUTOINCREMENT exists only on the rowid: an INTEGER PRIMARY KEY of that one column.
    if let Some(c) = t.columns.iter().find(|c| c.identity.is_some()) {
        let sole_key = t
            .primary_key
            .as_ref()
            .is_some_and(|pk| pk.columns == [c.name.clone()]);
        if !sole_key || !c.r#type.raw.trim().eq_ignore_ascii_case("integer") {
            return Err(unsupported(
                format!("make {}.{} auto-increment", t.name, c.name),
                "SQLite's AUTOINCREMENT needs the column to be the table's one-column INTEGER PRIMARY KEY",
            ));
        }
    }
    let mut lines = Vec::new();
    for c in &t.columns {
        lines.push(column_sql(c, inline_pk)?);
    }
    if let Some(pk) = t.primary_key.as_ref().filter(|_| !inline_pk) {
        lines.push(format!("PRIMARY KEY ({})", SQL.idents(&pk.columns)));
    }
    for i in t.indexes.iter().filter(|i| i.constraint) {
        lines.push(format!("UNIQUE ({})", parts_sql(i)?));
    }
    lines.extend(t.checks.iter().map(check_sql));
    lines.extend(t.foreign_keys.iter().map(fk_sql));
    let qualified = SQL.qualified(ns, name);
    out.push(
        format!(
            "CREATE TABLE {qualified} (\n    {}\n)",
            lines.join(",\n    ")
        ),
        Some(format!("DROP TABLE {qualified}")),
        vec![],
    );
    if name == t.name {
        for i in t.indexes.iter().filter(|i| !i.constraint) {
            let (up, down) = create_index(ns, name, i)?;
            out.push(up, Some(down), vec![]);
        }
    }
    Ok(())
}

/// Whether `ALTER TABLE ADD COLUMN` can add `c` (SQLite's documented restrictions).
pub(super) fn direct_add(c: &Column) -> bool {
    c.identity.is_none()
        && c.generated.as_ref().is_none_or(|g| !g.stored)
        && c.default.as_ref().is_none_or(constant_default)
        && (c.nullable || c.default.is_some())
}

/// Whether `ALTER TABLE DROP COLUMN` can drop `column` from `t`: not part of a key, an index, a
/// foreign key, a check or a generated column's expression.
pub(super) fn droppable(t: &Table, column: &str) -> bool {
    let named = |text: &str| {
        text.to_ascii_lowercase()
            .split(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
            .any(|w| w == column.to_ascii_lowercase())
    };
    !t.primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns.iter().any(|c| c == column))
        && !t.indexes.iter().any(|i| {
            i.parts.iter().any(|p| match p {
                IndexPart::Column { name, .. } => name == column,
                IndexPart::Expression { sql, .. } => named(sql),
            }) || i.predicate.as_deref().is_some_and(named)
        })
        && !t
            .foreign_keys
            .iter()
            .any(|k| k.columns.iter().any(|c| c == column))
        && !t.checks.iter().any(|c| named(&c.expression))
        && !t
            .columns
            .iter()
            .any(|c| c.generated.as_ref().is_some_and(|g| named(&g.expression)))
}
