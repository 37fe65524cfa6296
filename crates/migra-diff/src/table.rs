//! The changes inside one table that exists on both sides, split into the phases the whole diff
//! orders: foreign keys are dropped first and added last, so that tables can be created, changed
//! and dropped in between whatever their references.

use migra_core::schema::{Check, ForeignKey, Index, IndexPart, PrimaryKey, Table};
use migra_core::{DiffHooks, TableChange};
use std::collections::BTreeMap;

/// One table's changes by phase.
#[derive(Debug, Default)]
pub(crate) struct TableDiff {
    /// Foreign keys to drop, before any table is changed or dropped.
    pub drop_fks: Vec<TableChange>,
    /// Columns, keys, indexes, checks and comment, in an order that works inside the table.
    pub body: Vec<TableChange>,
    /// Foreign keys to add, after every table exists.
    pub add_fks: Vec<TableChange>,
}

/// Diffs `from` against `to` (same table; renamed columns already renamed in `from`).
pub(crate) fn diff_table(from: &Table, to: &Table, hooks: &dyn DiffHooks) -> TableDiff {
    let mut d = TableDiff::default();
    let (dropped_fks, added_fks) = pair(&from.foreign_keys, &to.foreign_keys, |f| &f.name, same_fk);
    d.drop_fks = dropped_fks
        .into_iter()
        .map(|k| TableChange::DropForeignKey { key: k.clone() })
        .collect();
    d.add_fks = added_fks
        .into_iter()
        .map(|k| TableChange::AddForeignKey { key: k.clone() })
        .collect();

    let (dropped_checks, added_checks) = pair_checks(&from.checks, &to.checks, hooks);
    let (dropped_idx, added_idx) = pair(
        &from.indexes,
        &to.indexes,
        |i| &i.name,
        |a, b| same_index(a, b, hooks),
    );
    let to_cols: BTreeMap<&str, _> = to.columns.iter().map(|c| (c.name.as_str(), c)).collect();
    let from_cols: BTreeMap<&str, _> = from.columns.iter().map(|c| (c.name.as_str(), c)).collect();
    // Column changes come by name: the columns' order in the inputs does not change the output.
    let dropped_cols: Vec<_> = from_cols
        .values()
        .filter(|c| !to_cols.contains_key(c.name.as_str()))
        .collect();

    let pk_changed = !same_pk(from.primary_key.as_ref(), to.primary_key.as_ref());
    let pk_loses_column = pk_changed
        && from
            .primary_key
            .as_ref()
            .is_some_and(|pk| pk.columns.iter().any(|c| !to_cols.contains_key(c.as_str())));

    d.body.extend(
        dropped_checks
            .into_iter()
            .map(|c| TableChange::DropCheck { check: c.clone() }),
    );
    d.body.extend(
        dropped_idx
            .into_iter()
            .map(|i| TableChange::DropIndex { index: i.clone() }),
    );
    if pk_loses_column {
        d.body.push(TableChange::SetPrimaryKey {
            from: from.primary_key.clone(),
            to: None,
        });
    }
    d.body
        .extend(dropped_cols.into_iter().map(|c| TableChange::DropColumn {
            column: (*c).clone(),
        }));
    for c in to_cols.values() {
        if !from_cols.contains_key(c.name.as_str()) {
            d.body.push(TableChange::AddColumn {
                column: (*c).clone(),
            });
        }
    }
    for c in from_cols.values() {
        if let Some(t) = to_cols.get(c.name.as_str()) {
            let what = migra_core::column_aspects(c, t, hooks);
            if !what.is_empty() {
                d.body.push(TableChange::ModifyColumn {
                    from: Box::new((*c).clone()),
                    to: Box::new((*t).clone()),
                    what,
                });
            }
        }
    }
    if pk_changed && !(pk_loses_column && to.primary_key.is_none()) {
        d.body.push(TableChange::SetPrimaryKey {
            from: if pk_loses_column {
                None
            } else {
                from.primary_key.clone()
            },
            to: to.primary_key.clone(),
        });
    }
    d.body.extend(
        added_idx
            .into_iter()
            .map(|i| TableChange::AddIndex { index: i.clone() }),
    );
    d.body.extend(
        added_checks
            .into_iter()
            .map(|c| TableChange::AddCheck { check: c.clone() }),
    );
    if from.comment != to.comment {
        d.body.push(TableChange::SetComment {
            from: from.comment.clone(),
            to: to.comment.clone(),
        });
    }
    d
}

/// Items only in `from` (to drop) and only in `to` (to add), sorted by name. Items are
/// paired by name first; an item whose name is empty on either side is paired with an
/// unpaired item that has the same definition. A pair that differs is a drop plus an add.
fn pair<'a, T: std::fmt::Debug>(
    from: &'a [T],
    to: &'a [T],
    name: impl Fn(&T) -> &String,
    same: impl Fn(&T, &T) -> bool,
) -> (Vec<&'a T>, Vec<&'a T>) {
    let mut to_left: Vec<Option<&T>> = to.iter().map(Some).collect();
    let mut dropped = Vec::new();
    let mut unpaired = Vec::new();
    for f in from {
        let hit = to_left
            .iter()
            .position(|t| t.is_some_and(|t| !name(f).is_empty() && name(t) == name(f)));
        match hit {
            Some(i) => {
                if let Some(t) = to_left[i].take()
                    && !same(f, t)
                {
                    dropped.push(f);
                    to_left[i] = None;
                    unpaired.push(t);
                }
            }
            None => dropped.push(f),
        }
    }
    // Unnamed on either side: pair by definition.
    let mut still_dropped = Vec::new();
    for f in dropped {
        let hit = to_left.iter().position(|t| {
            t.is_some_and(|t| (name(f).is_empty() || name(t).is_empty()) && same(f, t))
        });
        match hit {
            Some(i) => to_left[i] = None,
            None => still_dropped.push(f),
        }
    }
    let mut added: Vec<&T> = to_left.into_iter().flatten().collect();
    added.extend(unpaired);
    // By name, then by definition: the output must not depend on the inputs' order.
    // The definition is spelled out only to order items of the same name (unnamed ones).
    let order = |a: &&T, b: &&T| {
        name(a)
            .cmp(name(b))
            .then_with(|| format!("{a:?}").cmp(&format!("{b:?}")))
    };
    still_dropped.sort_by(order);
    added.sort_by(order);
    (still_dropped, added)
}

/// Checks pair by name when both sides name them, otherwise by expression.
fn pair_checks<'a>(
    from: &'a [Check],
    to: &'a [Check],
    hooks: &dyn DiffHooks,
) -> (Vec<&'a Check>, Vec<&'a Check>) {
    static UNNAMED: String = String::new();
    pair(
        from,
        to,
        |c| c.name.as_ref().unwrap_or(&UNNAMED),
        |a, b| hooks.expressions_equal(&a.expression, &b.expression),
    )
}

fn same_fk(a: &ForeignKey, b: &ForeignKey) -> bool {
    a.columns == b.columns
        && a.ref_namespace == b.ref_namespace
        && a.ref_table == b.ref_table
        && a.ref_columns == b.ref_columns
        && a.on_update == b.on_update
        && a.on_delete == b.on_delete
        && a.deferrable == b.deferrable
        && a.initially_deferred == b.initially_deferred
}

fn same_index(a: &Index, b: &Index, hooks: &dyn DiffHooks) -> bool {
    let parts_same = a.parts.len() == b.parts.len()
        && a.parts.iter().zip(&b.parts).all(|(x, y)| match (x, y) {
            (IndexPart::Column { .. }, IndexPart::Column { .. }) => x == y,
            (
                IndexPart::Expression {
                    sql: s1,
                    desc: d1,
                    opclass: o1,
                },
                IndexPart::Expression {
                    sql: s2,
                    desc: d2,
                    opclass: o2,
                },
            ) => d1 == d2 && o1 == o2 && hooks.expressions_equal(s1, s2),
            _ => false,
        });
    let predicate_same = match (&a.predicate, &b.predicate) {
        (None, None) => true,
        (Some(x), Some(y)) => hooks.expressions_equal(x, y),
        _ => false,
    };
    let method = |m: &Option<String>| m.as_deref().map(str::to_ascii_lowercase);
    parts_same
        && predicate_same
        && a.unique == b.unique
        && a.constraint == b.constraint
        && method(&a.method) == method(&b.method)
        && a.include == b.include
}

/// Primary keys are the same when they cover the same columns; a constraint name counts only
/// when both sides give one.
fn same_pk(a: Option<&PrimaryKey>, b: Option<&PrimaryKey>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            a.columns == b.columns
                && match (&a.name, &b.name) {
                    (Some(x), Some(y)) => x == y,
                    _ => true,
                }
        }
        _ => false,
    }
}
