//! One table in the target's terms: types, enums, identity, defaults, keys and expressions.

use super::exprs::{portable, requote};
use super::types::{default_for, respell, type_sql};
use migra_core::DialectId;
use migra_core::schema::{Check, ColumnDefault, ColumnType, EnumType, Identity, Table, TypeKind};

/// `t` converted from `from` to `to`; named enums it uses are added to `enums` (PostgreSQL);
/// what does not carry over is appended to `lost`.
pub(super) fn convert_table(
    t: &Table,
    from: DialectId,
    to: DialectId,
    named_enums: &[&EnumType],
    enums: &mut Vec<EnumType>,
    lost: &mut Vec<String>,
) -> Table {
    let mut t = t.clone();
    let mut extra_checks = Vec::new();
    for c in &mut t.columns {
        let place = format!("{}.{}", t.name, c.name);
        // Enums: PostgreSQL named types, MySQL inline, SQLite text with a CHECK.
        let values = match &c.r#type.kind {
            TypeKind::Enum { name, values } if values.is_empty() => named_enums
                .iter()
                .find(|e| e.name == *name || name.ends_with(&format!(".{}", e.name)))
                .map(|e| e.values.clone()),
            TypeKind::Enum { values, .. } => Some(values.clone()),
            _ => None,
        };
        if let Some(values) = values {
            let quoted: Vec<String> = values
                .iter()
                .map(|v| format!("'{}'", v.replace('\'', "''")))
                .collect();
            let (kind, raw) = match to {
                DialectId::Postgres => {
                    let name = format!("{}_{}", t.name, c.name);
                    if !enums.iter().any(|e| e.name == name) {
                        enums.push(EnumType {
                            name: name.clone(),
                            values: values.clone(),
                        });
                    }
                    (
                        TypeKind::Enum {
                            name: name.clone(),
                            values: Vec::new(),
                        },
                        name,
                    )
                }
                DialectId::Mysql => (
                    TypeKind::Enum {
                        name: String::new(),
                        values: values.clone(),
                    },
                    format!("enum({})", quoted.join(",")),
                ),
                _ => {
                    extra_checks.push(Check {
                        name: None,
                        expression: format!("\"{}\" IN ({})", c.name, quoted.join(", ")),
                    });
                    (TypeKind::Text, "TEXT".into())
                }
            };
            c.r#type = ColumnType { kind, raw };
        } else if let Some(raw) = type_sql(&c.r#type.kind, to) {
            c.r#type.raw = raw;
        } else if let Some((kind, raw, note)) = respell(&c.r#type, to) {
            if let Some(note) = note {
                lost.push(format!("{place}: {note}"));
            }
            c.r#type = ColumnType { kind, raw };
        } else if from == to {
            lost.push(format!("{place}: type {} kept as written", c.r#type.raw));
        } else {
            lost.push(format!(
                "{place}: type {} has no {} spelling: text",
                c.r#type.raw,
                to.name()
            ));
            c.r#type = ColumnType {
                kind: TypeKind::Text,
                raw: type_sql(&TypeKind::Text, to).unwrap_or_else(|| "text".into()),
            };
        }
        if let Some(d) = c.default.take() {
            let (converted, sure) = default_for(&d, to);
            if converted.is_none() && c.identity.is_none() {
                c.identity = Some(Identity {
                    always: false,
                    start: None,
                    increment: None,
                });
            }
            let text = match &d {
                ColumnDefault::Literal(v) | ColumnDefault::Expression(v) => v.clone(),
            };
            if !sure && from != to {
                // A function call of the source's SQL: not sent to a database that may
                // not have it.
                lost.push(format!("{place}: default {text} is not carried over"));
            } else {
                if !sure {
                    lost.push(format!("{place}: default {text} kept as written"));
                }
                c.default = converted;
            }
        }
        if c.on_update.is_some() && to != DialectId::Mysql {
            lost.push(format!(
                "{place}: ON UPDATE is not carried over (use a trigger)"
            ));
            c.on_update = None;
        }
        if c.collation.take().is_some() {
            lost.push(format!("{place}: collation is not carried over"));
        }
        if c.generated.is_some() {
            lost.push(format!("{place}: generation expression kept as written"));
        }
        if to == DialectId::Sqlite && c.comment.take().is_some() {
            lost.push(format!("{place}: comment is not carried over"));
        }
    }
    // MySQL allows one AUTO_INCREMENT column, and it must lead a key.
    if to == DialectId::Mysql {
        let lead: Vec<String> = t
            .primary_key
            .iter()
            .map(|p| p.columns.clone())
            .chain(t.indexes.iter().map(|i| {
                i.parts
                    .iter()
                    .filter_map(|p| match p {
                        migra_core::schema::IndexPart::Column { name, .. } => Some(name.clone()),
                        _ => None,
                    })
                    .collect()
            }))
            .filter_map(|cols: Vec<String>| cols.first().cloned())
            .collect();
        let mut seen = false;
        for c in &mut t.columns {
            if c.identity.is_some() {
                if seen || !lead.contains(&c.name) {
                    c.identity = None;
                    lost.push(format!("{}.{}: auto-increment is not carried over (MySQL allows one, leading a key)", t.name, c.name));
                }
                seen = true;
            }
        }
    }
    // SQLite's AUTOINCREMENT needs an INTEGER PRIMARY KEY of that one column.
    if to == DialectId::Sqlite {
        let pk: Vec<String> = t
            .primary_key
            .as_ref()
            .map(|p| p.columns.clone())
            .unwrap_or_default();
        for c in &mut t.columns {
            if c.identity.is_some() && pk != [c.name.clone()] {
                c.identity = None;
                lost.push(format!(
                    "{}.{}: auto-increment needs a one-column primary key in SQLite",
                    t.name, c.name
                ));
            }
            if c.identity.is_some() {
                c.r#type.raw = "INTEGER".into();
            }
        }
        if t.comment.take().is_some() {
            lost.push(format!("{}: comment is not carried over", t.name));
        }
    }
    for i in &mut t.indexes {
        if to != DialectId::Postgres
            && i.method
                .as_deref()
                .is_some_and(|m| !m.eq_ignore_ascii_case("fulltext") || to == DialectId::Sqlite)
        {
            lost.push(format!(
                "{}.{}: index method {} is not carried over",
                t.name,
                i.name,
                i.method.as_deref().unwrap_or("")
            ));
            i.method = None;
        }
        if to == DialectId::Postgres
            && i.method
                .as_deref()
                .is_some_and(|m| m.eq_ignore_ascii_case("fulltext"))
        {
            lost.push(format!(
                "{}.{}: FULLTEXT becomes a plain index (use a GIN index on a tsvector)",
                t.name, i.name
            ));
            i.method = None;
        }
    }
    for k in &mut t.foreign_keys {
        k.ref_namespace = None;
        if to == DialectId::Mysql && k.deferrable {
            lost.push(format!(
                "{}.{}: DEFERRABLE is not carried over",
                t.name, k.name
            ));
            k.deferrable = false;
            k.initially_deferred = false;
        }
    }
    if !t.checks.is_empty() {
        lost.push(format!("{}: check expressions kept as written", t.name));
    }
    for c in &mut t.checks {
        c.expression = requote(&c.expression, from, to);
    }
    let tname = t.name.clone();
    t.checks.retain(|c| {
        let keep = portable(&c.expression, from, to);
        if !keep {
            lost.push(format!(
                "{tname}: check {} is not carried over ({} SQL)",
                c.expression,
                from.name()
            ));
        }
        keep
    });
    for c in &mut t.columns {
        if let Some(g) = &mut c.generated {
            g.expression = requote(&g.expression, from, to);
            if !portable(&g.expression, from, to) {
                lost.push(format!(
                    "{tname}.{}: becomes a plain column (its expression is {} SQL)",
                    c.name,
                    from.name()
                ));
                c.generated = None;
            }
        }
    }
    // MySQL keys a TEXT column only by a prefix: a primary or unique key on one gets a
    // bounded type instead, other indexes a 255-character prefix.
    if to == DialectId::Mysql {
        let mut keyed: Vec<String> = t
            .primary_key
            .iter()
            .flat_map(|p| p.columns.clone())
            .collect();
        for i in t.indexes.iter().filter(|i| i.unique) {
            for p in &i.parts {
                if let migra_core::schema::IndexPart::Column { name, .. } = p {
                    keyed.push(name.clone());
                }
            }
        }
        for c in &mut t.columns {
            if c.r#type.raw == "text" && keyed.contains(&c.name) {
                c.r#type = ColumnType {
                    kind: TypeKind::String {
                        length: Some(255),
                        fixed: false,
                    },
                    raw: "varchar(255)".into(),
                };
                lost.push(format!(
                    "{tname}.{}: text in a key becomes varchar(255)",
                    c.name
                ));
            }
        }
        let long: Vec<String> = t
            .columns
            .iter()
            .filter(|c| c.r#type.raw == "text" || c.r#type.raw == "blob")
            .map(|c| c.name.clone())
            .collect();
        for i in &mut t.indexes {
            for p in &mut i.parts {
                if let migra_core::schema::IndexPart::Column { name, prefix, .. } = p {
                    let fulltext = i
                        .method
                        .as_deref()
                        .is_some_and(|m| m.eq_ignore_ascii_case("fulltext"));
                    if long.contains(name) && prefix.is_none() && !fulltext {
                        *prefix = Some(255);
                        lost.push(format!(
                            "{tname}.{}: indexes the first 255 characters of {name}",
                            i.name
                        ));
                    }
                }
            }
        }
    }
    t.indexes.retain(|i| {
        let expressions = i
            .parts
            .iter()
            .any(|p| matches!(p, migra_core::schema::IndexPart::Expression { .. }));
        let keep = !(to == DialectId::Mysql && (expressions || i.predicate.is_some()))
            && i.predicate.as_deref().is_none_or(|p| portable(p, from, to))
            && i.parts.iter().all(|p| match p {
                migra_core::schema::IndexPart::Expression { sql, .. } => portable(sql, from, to),
                _ => true,
            });
        if !keep {
            lost.push(format!(
                "{tname}.{}: index is not carried over (expression or predicate)",
                i.name
            ));
        }
        keep
    });
    t.checks.extend(extra_checks);
    t
}
