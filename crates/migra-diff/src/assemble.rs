//! The whole diff: objects compared namespace by namespace, changes collected per phase, phases
//! concatenated in the order the crate docs give.

use crate::order::{Key, mentions, topo};
use crate::table::{TableDiff, diff_table};
use crate::{DiffError, DiffOptions, Renames};
use migra_core::schema::{Database, Namespace, Table, View};
use migra_core::{Change, ColumnAspect, TableChange, apply};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Default)]
struct Phases {
    renames: Vec<Change>,
    ns_add: Vec<Change>,
    view_drop: Vec<Change>,
    fk_drop: Vec<Change>,
    types_add: Vec<Change>,
    table_add: Vec<Change>,
    table_mod: Vec<Change>,
    table_drop: Vec<Change>,
    fk_add: Vec<Change>,
    view_add: Vec<Change>,
    types_drop: Vec<Change>,
    ns_drop: Vec<Change>,
}

impl Phases {
    fn concat(self) -> Vec<Change> {
        [
            self.renames,
            self.ns_add,
            self.view_drop,
            self.fk_drop,
            self.types_add,
            self.table_add,
            self.table_mod,
            self.table_drop,
            self.fk_add,
            self.view_add,
            self.types_drop,
            self.ns_drop,
        ]
        .concat()
    }
}

fn modify(namespace: &str, table: &str, changes: Vec<TableChange>) -> Option<Change> {
    (!changes.is_empty()).then(|| Change::ModifyTable {
        namespace: namespace.to_string(),
        table: table.to_string(),
        changes,
    })
}

pub(crate) fn diff(
    from: &Database,
    to: &Database,
    opts: &DiffOptions<'_>,
) -> Result<Vec<Change>, DiffError> {
    let hooks = opts.hooks;
    let mut p = Phases::default();
    let mut src = from.clone();
    if let Some(r) = opts.renames {
        renames(&mut src, to, r, &mut p.renames)?;
    }
    let from_ns: BTreeMap<&str, &Namespace> = src
        .namespaces
        .iter()
        .map(|n| (n.name.as_str(), n))
        .collect();
    let to_ns: BTreeMap<&str, &Namespace> =
        to.namespaces.iter().map(|n| (n.name.as_str(), n)).collect();
    let empty = Namespace::default();
    let names: BTreeSet<&str> = from_ns.keys().chain(to_ns.keys()).copied().collect();

    let mut new_tables: BTreeMap<Key, &Table> = BTreeMap::new();
    let mut dropped_tables: BTreeMap<Key, &Table> = BTreeMap::new();
    for &ns in &names {
        // Tables whose columns change shape: views reading them are re-created around the change.
        let mut reshaped: BTreeSet<String> = BTreeSet::new();
        let f = from_ns.get(ns).copied().unwrap_or(&empty);
        let t = to_ns.get(ns).copied().unwrap_or(&empty);
        match (from_ns.contains_key(ns), to_ns.contains_key(ns)) {
            (false, true) => {
                p.ns_add.push(Change::AddNamespace { name: ns.into() });
                if t.comment.is_some() {
                    p.ns_add.push(Change::SetNamespaceComment {
                        name: ns.into(),
                        from: None,
                        to: t.comment.clone(),
                    });
                }
            }
            (true, false) => p.ns_drop.push(Change::DropNamespace { name: ns.into() }),
            _ if f.comment != t.comment => p.ns_add.push(Change::SetNamespaceComment {
                name: ns.into(),
                from: f.comment.clone(),
                to: t.comment.clone(),
            }),
            _ => {}
        }
        enums_and_sequences(ns, f, t, &mut p);
        let ft: BTreeMap<&str, &Table> = f.tables.iter().map(|x| (x.name.as_str(), x)).collect();
        let tt: BTreeMap<&str, &Table> = t.tables.iter().map(|x| (x.name.as_str(), x)).collect();
        let mut diffs: BTreeMap<&str, TableDiff> = BTreeMap::new();
        for (name, table) in &tt {
            match ft.get(name) {
                None => {
                    new_tables.insert((ns.into(), (*name).into()), table);
                }
                Some(old) => {
                    let d = diff_table(old, table, hooks);
                    if d.body.iter().any(reshapes) {
                        reshaped.insert((*name).to_string());
                    }
                    diffs.insert(name, d);
                }
            }
        }
        recreate_referencing_keys(ns, &ft, &tt, &mut diffs);
        for (name, d) in diffs {
            p.fk_drop.extend(modify(ns, name, d.drop_fks));
            p.table_mod.extend(modify(ns, name, d.body));
            p.fk_add.extend(modify(ns, name, d.add_fks));
        }
        for (name, table) in &ft {
            if !tt.contains_key(name) {
                dropped_tables.insert((ns.into(), (*name).into()), table);
            }
        }
        views(ns, f, t, opts, &reshaped, &mut p);
    }
    create_tables(&new_tables, &mut p);
    drop_tables(&dropped_tables, &mut p);
    sequences_dropped_with_owners(to, &mut p.types_drop);
    Ok(p.concat())
}

/// Order by name; the definition is spelled out only for two items of the same name.
fn by_name_then_definition<T: std::fmt::Debug>(
    a: &T,
    b: &T,
    name_a: &str,
    name_b: &str,
) -> std::cmp::Ordering {
    name_a
        .cmp(name_b)
        .then_with(|| format!("{a:?}").cmp(&format!("{b:?}")))
}

/// `t` with indexes, foreign keys and checks by name (columns keep their order), so that a
/// created or dropped table reads the same whatever order the input listed them in.
fn sorted(t: &Table) -> Table {
    let mut t = t.clone();
    t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    t.foreign_keys
        .sort_by(|a, b| by_name_then_definition(a, b, &a.name, &b.name));
    t.checks
        .sort_by_cached_key(|c| (c.name.clone(), c.expression.clone()));
    t
}

/// The `(namespace, table)` a foreign key of a table in `ns` points at.
fn referenced(ns: &str, t: &Table) -> BTreeSet<Key> {
    t.foreign_keys
        .iter()
        .map(|k| {
            (
                k.ref_namespace.clone().unwrap_or_else(|| ns.to_string()),
                k.ref_table.clone(),
            )
        })
        .collect()
}

/// New tables, referenced ones first; a foreign key to a table created later (a cycle) is
/// added with the other foreign keys at the end.
fn create_tables(new: &BTreeMap<Key, &Table>, p: &mut Phases) {
    let keys: BTreeSet<Key> = new.keys().cloned().collect();
    let (order, _) = topo(&keys, |k| referenced(&k.0, new[k]));
    let position: BTreeMap<&Key, usize> = order.iter().enumerate().map(|(i, k)| (k, i)).collect();
    for (i, key) in order.iter().enumerate() {
        let mut table = sorted(new[key]);
        let (now, later): (Vec<_>, Vec<_>) = table.foreign_keys.drain(..).partition(|k| {
            let target = (
                k.ref_namespace.clone().unwrap_or_else(|| key.0.clone()),
                k.ref_table.clone(),
            );
            target == *key || position.get(&target).is_none_or(|&j| j < i)
        });
        table.foreign_keys = now;
        p.table_add.push(Change::AddTable {
            namespace: key.0.clone(),
            table,
        });
        let later = later
            .into_iter()
            .map(|key| TableChange::AddForeignKey { key })
            .collect();
        p.fk_add.extend(modify(&key.0, &key.1, later));
    }
}

/// Dropped tables, referencing ones first; in a cycle the foreign keys that still point at a
/// table dropped earlier are dropped up front.
fn drop_tables(dropped: &BTreeMap<Key, &Table>, p: &mut Phases) {
    let keys: BTreeSet<Key> = dropped.keys().cloned().collect();
    let (order, broken) = topo(&keys, |k| referenced(&k.0, dropped[k]));
    for key in order.iter().rev() {
        let mut table = sorted(dropped[key]);
        let (early, kept): (Vec<_>, Vec<_>) = table.foreign_keys.drain(..).partition(|k| {
            let target = (
                k.ref_namespace.clone().unwrap_or_else(|| key.0.clone()),
                k.ref_table.clone(),
            );
            broken.contains(&(key.clone(), target))
        });
        table.foreign_keys = kept;
        let early = early
            .into_iter()
            .map(|key| TableChange::DropForeignKey { key })
            .collect();
        p.fk_drop.extend(modify(&key.0, &key.1, early));
        p.table_drop.push(Change::DropTable {
            namespace: key.0.clone(),
            table,
        });
    }
}

fn enums_and_sequences(ns: &str, f: &Namespace, t: &Namespace, p: &mut Phases) {
    let fe: BTreeMap<&str, _> = f.enums.iter().map(|e| (e.name.as_str(), e)).collect();
    let te: BTreeMap<&str, _> = t.enums.iter().map(|e| (e.name.as_str(), e)).collect();
    for (name, e) in &te {
        match fe.get(name) {
            None => p.types_add.push(Change::AddEnum {
                namespace: ns.into(),
                r#enum: (*e).clone(),
            }),
            Some(old) if old.values != e.values => p.types_add.push(Change::ModifyEnum {
                namespace: ns.into(),
                from: (*old).clone(),
                to: (*e).clone(),
            }),
            Some(_) => {}
        }
    }
    let fs: BTreeMap<&str, _> = f.sequences.iter().map(|s| (s.name.as_str(), s)).collect();
    let ts: BTreeMap<&str, _> = t.sequences.iter().map(|s| (s.name.as_str(), s)).collect();
    for (name, s) in &ts {
        match fs.get(name) {
            None => p.types_add.push(Change::AddSequence {
                namespace: ns.into(),
                sequence: (*s).clone(),
            }),
            Some(old) if *old != *s => p.types_add.push(Change::ModifySequence {
                namespace: ns.into(),
                from: (*old).clone(),
                to: (*s).clone(),
            }),
            Some(_) => {}
        }
    }
    for (name, s) in &fs {
        if !ts.contains_key(name) {
            p.types_drop.push(Change::DropSequence {
                namespace: ns.into(),
                sequence: (*s).clone(),
            });
        }
    }
    for (name, e) in &fe {
        if !te.contains_key(name) {
            p.types_drop.push(Change::DropEnum {
                namespace: ns.into(),
                r#enum: (*e).clone(),
            });
        }
    }
}

/// A sequence owned by a column that goes (with its table or alone) is dropped by the database
/// with it, so its own drop is left out.
fn sequences_dropped_with_owners(to: &Database, types_drop: &mut Vec<Change>) {
    types_drop.retain(|c| match c {
        Change::DropSequence {
            namespace,
            sequence,
        } => !sequence.owned_by.as_deref().is_some_and(|o| {
            o.split_once('.').is_some_and(|(t, col)| {
                to.namespace(namespace)
                    .and_then(|n| n.table(t))
                    .and_then(|t| t.column(col))
                    .is_none()
            })
        }),
        _ => true,
    });
}

/// A table whose primary key changes, or whose unique index goes, may be what foreign keys of
/// other tables stand on: the database refuses to drop it under them. Those keys, unchanged
/// themselves, are dropped before and added back after.
fn recreate_referencing_keys<'a>(
    ns: &str,
    from: &BTreeMap<&'a str, &Table>,
    to: &BTreeMap<&'a str, &Table>,
    diffs: &mut BTreeMap<&'a str, TableDiff>,
) {
    let rekeyed: BTreeSet<String> = diffs
        .iter()
        .filter(|(_, d)| {
            d.body.iter().any(|c| match c {
                TableChange::SetPrimaryKey { from: Some(_), .. } => true,
                TableChange::DropIndex { index } => index.unique,
                _ => false,
            })
        })
        .map(|(n, _)| (*n).to_string())
        .collect();
    if rekeyed.is_empty() {
        return;
    }
    for (name, table) in to {
        let Some(old) = from.get(name) else {
            continue;
        };
        let Some(d) = diffs.get_mut(name) else {
            continue;
        };
        let touched = |d: &TableDiff, key: &str| {
            d.drop_fks.iter().chain(&d.add_fks).any(|c| {
                matches!(c, TableChange::DropForeignKey { key: k } | TableChange::AddForeignKey { key: k } if k.name == key)
            })
        };
        // By name: the output must not depend on the order the keys were listed in.
        let mut keys: Vec<&migra_core::schema::ForeignKey> = table.foreign_keys.iter().collect();
        keys.sort_by(|a, b| by_name_then_definition(a, b, &a.name, &b.name));
        for k in keys {
            let local = k.ref_namespace.as_deref().is_none_or(|r| r == ns);
            if !local || !rekeyed.contains(&k.ref_table) || touched(d, &k.name) {
                continue;
            }
            let before = old
                .foreign_keys
                .iter()
                .find(|o| o.name == k.name)
                .cloned()
                .unwrap_or_else(|| k.clone());
            d.drop_fks.push(TableChange::DropForeignKey { key: before });
            d.add_fks
                .push(TableChange::AddForeignKey { key: k.clone() });
        }
    }
}

/// A table change after which a database refuses to keep a view reading the column as it was
/// (PostgreSQL: "cannot alter type of a column used by a view").
fn reshapes(c: &TableChange) -> bool {
    match c {
        TableChange::DropColumn { .. } => true,
        TableChange::ModifyColumn { what, .. } => {
            what.contains(&ColumnAspect::Type) || what.contains(&ColumnAspect::Collation)
        }
        _ => false,
    }
}

/// Views that go or change are dropped, and come back after the tables when the target has
/// them. A view is also dropped and re-created, unchanged, when it reads a view that is, or a
/// table in `reshaped`: databases refuse to change what a view depends on.
fn views(
    ns: &str,
    f: &Namespace,
    t: &Namespace,
    opts: &DiffOptions<'_>,
    reshaped: &BTreeSet<String>,
    p: &mut Phases,
) {
    let fv: BTreeMap<&str, &View> = f.views.iter().map(|v| (v.name.as_str(), v)).collect();
    let tv: BTreeMap<&str, &View> = t.views.iter().map(|v| (v.name.as_str(), v)).collect();
    let same = |a: &View, b: &View| {
        a.materialized == b.materialized
            && a.comment == b.comment
            && opts.hooks.views_equal(&a.definition, &b.definition)
    };
    let mut gone: BTreeMap<&str, &View> = fv
        .iter()
        .filter(|(n, v)| {
            tv.get(*n).is_none_or(|w| !same(v, w))
                || reshaped.iter().any(|r| mentions(&v.definition, r))
        })
        .map(|(n, v)| (*n, *v))
        .collect();
    // Views reading a view that goes go too (until nothing more is added).
    loop {
        let more: Vec<(&str, &View)> = fv
            .iter()
            .filter(|(n, v)| {
                !gone.contains_key(*n) && gone.keys().any(|g| mentions(&v.definition, g))
            })
            .map(|(n, v)| (*n, *v))
            .collect();
        if more.is_empty() {
            break;
        }
        gone.extend(more);
    }
    let coming: BTreeMap<&str, &View> = tv
        .iter()
        .filter(|(n, v)| fv.get(*n).is_none_or(|w| !same(w, v)) || gone.contains_key(*n))
        .map(|(n, v)| (*n, *v))
        .collect();
    for key in view_order(ns, &gone).iter().rev() {
        p.view_drop.push(Change::DropView {
            namespace: ns.into(),
            view: gone[key.1.as_str()].clone(),
        });
    }
    for key in view_order(ns, &coming) {
        p.view_add.push(Change::AddView {
            namespace: ns.into(),
            view: coming[key.1.as_str()].clone(),
        });
    }
}

/// Views after the views their definitions mention.
fn view_order(ns: &str, views: &BTreeMap<&str, &View>) -> Vec<Key> {
    let keys: BTreeSet<Key> = views.keys().map(|n| (ns.into(), (*n).into())).collect();
    let (order, _) = topo(&keys, |k| {
        views
            .keys()
            .filter(|other| **other != k.1 && mentions(&views[k.1.as_str()].definition, other))
            .map(|other| (ns.to_string(), (*other).to_string()))
            .collect()
    });
    order
}

/// Applies the rename hints to `src` (a copy of the source) and records them as changes.
fn renames(
    src: &mut Database,
    to: &Database,
    r: &Renames,
    out: &mut Vec<Change>,
) -> Result<(), DiffError> {
    let mismatch =
        |from: String, to: String, why: String| DiffError::RenameMismatch { from, to, why };
    for ((ns, old), new) in &r.tables {
        let (from_name, to_name) = (format!("{ns}.{old}"), format!("{ns}.{new}"));
        if to.namespace(ns).and_then(|n| n.table(new)).is_none() {
            return Err(mismatch(
                from_name,
                to_name,
                "the target has no such table".into(),
            ));
        }
        let change = Change::RenameTable {
            namespace: ns.clone(),
            from: old.clone(),
            to: new.clone(),
        };
        apply(src, &change).map_err(|e| mismatch(from_name, to_name, e.to_string()))?;
        out.push(change);
    }
    let mut by_table: BTreeMap<(&str, &str), Vec<TableChange>> = BTreeMap::new();
    for ((ns, table, old), new) in &r.columns {
        let (from_name, to_name) = (format!("{ns}.{table}.{old}"), format!("{ns}.{table}.{new}"));
        let target = to.namespace(ns).and_then(|n| n.table(table));
        if target.and_then(|t| t.column(new)).is_none() {
            return Err(mismatch(
                from_name,
                to_name,
                "the target has no such column".into(),
            ));
        }
        let change = Change::ModifyTable {
            namespace: ns.clone(),
            table: table.clone(),
            changes: vec![TableChange::RenameColumn {
                from: old.clone(),
                to: new.clone(),
            }],
        };
        apply(src, &change).map_err(|e| mismatch(from_name, to_name, e.to_string()))?;
        by_table
            .entry((ns, table))
            .or_default()
            .push(TableChange::RenameColumn {
                from: old.clone(),
                to: new.clone(),
            });
    }
    for ((ns, table), changes) in by_table {
        out.extend(modify(ns, table, changes));
    }
    Ok(())
}
