//! Edits for [`crate::strategy::edit`]: one random change of every kind the model has, keeping
//! the database consistent.

use crate::schema::{
    Check, ColumnDefault, Database, EnumType, FkAction, IndexPart, Namespace, PrimaryKey, View,
};
use crate::strategy::{
    CHECKS, COLUMNS, DEFAULTS, NAMESPACES, Rng, TABLES, column, column_type, foreign_key, index,
    namespace, table,
};

/// 1 to 6 edits of `db`.
pub(crate) fn edit(db: &Database, r: &mut Rng) -> Database {
    let mut db = db.clone();
    for _ in 0..1 + r.below(6) {
        one(&mut db, r);
    }
    db
}

fn one(db: &mut Database, r: &mut Rng) {
    let kind = r.below(14);
    if kind == 0 {
        if let Some(name) = NAMESPACES.iter().find(|n| db.namespace(n).is_none()) {
            db.namespaces.push(namespace(r, name));
        }
        return;
    }
    if kind == 1 {
        if db.namespaces.len() > 1 {
            let i = r.below(db.namespaces.len());
            db.namespaces.remove(i);
        }
        return;
    }
    let i = r.below(db.namespaces.len());
    let Some(n) = db.namespaces.get_mut(i) else {
        return;
    };
    match kind {
        2 => add_table(n, r),
        3 => {
            if !n.tables.is_empty() {
                let name = n.tables[r.below(n.tables.len())].name.clone();
                drop_table(n, &name);
            }
        }
        4..=8 => edit_columns(n, r, kind),
        9 => edit_foreign_keys(n, r),
        10 => edit_checks(n, r),
        11 => edit_enums(n, r),
        12 => edit_views(n, r),
        _ => {
            if let Some(t) = n.tables.first_mut() {
                t.comment = if t.comment.is_some() {
                    None
                } else {
                    Some("changed".into())
                };
            }
            n.comment = if r.chance(50) {
                Some("edited".into())
            } else {
                None
            };
            if let Some(s) = n.sequences.first_mut() {
                s.increment += 1;
            }
        }
    }
}

fn add_table(n: &mut Namespace, r: &mut Rng) {
    let Some(name) = TABLES.iter().find(|t| n.table(t).is_none()) else {
        return;
    };
    let mut t = table(r, name);
    if let Some(fk) = r.pick(&n.tables).and_then(|to| foreign_key(r, &t, to, 9)) {
        t.foreign_keys.push(fk);
    }
    n.tables.push(t);
}

/// Drops a table with what depends on it: foreign keys pointing at it, views reading it (and
/// views reading those).
fn drop_table(n: &mut Namespace, name: &str) {
    n.tables.retain(|t| t.name != name);
    for t in &mut n.tables {
        t.foreign_keys.retain(|k| k.ref_table != name);
    }
    drop_views_reading(n, name);
}

fn drop_views_reading(n: &mut Namespace, name: &str) {
    let gone: Vec<String> = n
        .views
        .iter()
        .filter(|v| v.definition.split_whitespace().any(|w| w == name))
        .map(|v| v.name.clone())
        .collect();
    n.views.retain(|v| !gone.contains(&v.name));
    for g in gone {
        drop_views_reading(n, &g);
    }
}

fn edit_columns(n: &mut Namespace, r: &mut Rng, kind: usize) {
    if n.tables.is_empty() {
        return;
    }
    let ti = r.below(n.tables.len());
    let table_name = n.tables[ti].name.clone();
    let t = &mut n.tables[ti];
    match kind {
        4 => {
            if let Some(c) = COLUMNS.iter().find(|c| t.column(c).is_none()) {
                t.columns.push(column(r, c));
            }
        }
        5 => {
            if t.columns.len() < 2 {
                return;
            }
            let name = t.columns[r.below(t.columns.len())].name.clone();
            t.columns.retain(|c| c.name != name);
            if t.primary_key
                .as_ref()
                .is_some_and(|p| p.columns.contains(&name))
            {
                t.primary_key = None;
            }
            t.indexes.retain(|i| {
                !i.parts
                    .iter()
                    .any(|p| matches!(p, IndexPart::Column { name: c, .. } if *c == name))
            });
            t.foreign_keys.retain(|k| !k.columns.contains(&name));
            for other in &mut n.tables {
                other
                    .foreign_keys
                    .retain(|k| !(k.ref_table == table_name && k.ref_columns.contains(&name)));
            }
        }
        6 => {
            let i = r.below(t.columns.len());
            let c = &mut t.columns[i];
            match r.below(4) {
                0 => c.nullable = !c.nullable,
                1 => c.r#type = column_type(r),
                2 => {
                    c.default = match c.default {
                        Some(_) => None,
                        None => Some(ColumnDefault::Expression(DEFAULTS[r.below(4)].into())),
                    }
                }
                _ => c.comment = Some("edited".into()),
            }
        }
        7 => {
            if r.chance(50) && !t.indexes.is_empty() {
                let i = r.below(t.indexes.len());
                t.indexes.remove(i);
            } else if !t.indexes.iter().any(|i| i.name.ends_with("_i7")) {
                let names: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
                t.indexes.push(index(r, &table_name, 7, &names));
            }
        }
        _ => {
            // Referencing keys name the primary key's columns: changing it drops them.
            let col = t.columns[r.below(t.columns.len())].name.clone();
            t.primary_key = if r.chance(30) {
                None
            } else {
                Some(PrimaryKey {
                    name: Some(format!("{table_name}_pkey")),
                    columns: vec![col],
                })
            };
            for other in &mut n.tables {
                other.foreign_keys.retain(|k| k.ref_table != table_name);
            }
        }
    }
}

fn edit_foreign_keys(n: &mut Namespace, r: &mut Rng) {
    if n.tables.is_empty() {
        return;
    }
    let ti = r.below(n.tables.len());
    let snapshot = n.tables.clone();
    let t = &mut n.tables[ti];
    if let Some(k) = t.foreign_keys.first_mut().filter(|_| r.chance(50)) {
        k.on_delete = if k.on_delete == FkAction::Cascade {
            FkAction::NoAction
        } else {
            FkAction::Cascade
        };
    } else if !t.foreign_keys.is_empty() && r.chance(50) {
        t.foreign_keys.remove(0);
    } else if let Some(fk) = r.pick(&snapshot).and_then(|to| foreign_key(r, t, to, 8))
        && !t.foreign_keys.iter().any(|k| k.name == fk.name)
    {
        t.foreign_keys.push(fk);
    }
}

fn edit_checks(n: &mut Namespace, r: &mut Rng) {
    if let Some(t) = n.tables.first_mut() {
        if !t.checks.is_empty() && r.chance(50) {
            t.checks.remove(0);
        } else {
            let k = r.below(CHECKS.len());
            let name = format!("{}_ck{k}", t.name);
            if !t
                .checks
                .iter()
                .any(|c| c.name.as_deref() == Some(name.as_str()))
            {
                t.checks.push(Check {
                    name: Some(name),
                    expression: CHECKS[k].into(),
                });
            }
        }
    }
}

fn edit_enums(n: &mut Namespace, r: &mut Rng) {
    match (n.enums.first_mut(), r.below(3)) {
        (Some(e), 0) => e.values.push("extra".into()),
        (Some(e), 1) => e.values.reverse(),
        (Some(_), _) => {
            n.enums.remove(0);
        }
        (None, _) => n.enums.push(EnumType {
            name: "kind9".into(),
            values: vec!["x".into(), "y".into()],
        }),
    }
}

fn edit_views(n: &mut Namespace, r: &mut Rng) {
    match (n.views.last_mut(), r.below(3)) {
        (Some(v), 0) => v.definition.push_str(" AND 2 = 2"),
        (Some(v), 1) => v.materialized = !v.materialized,
        (Some(_), _) => {
            let name = n.views.last().map(|v| v.name.clone()).unwrap_or_default();
            n.views.pop();
            drop_views_reading(n, &name);
        }
        (None, _) => {
            if let Some(t) = r.pick(&n.tables) {
                n.views.push(View {
                    name: "v9".into(),
                    definition: format!("SELECT * FROM {} WHERE true", t.name),
                    materialized: false,
                    comment: None,
                });
            }
        }
    }
}
