//! Fewer rebuilds: the differ drops foreign keys early and adds them late (what other databases
//! need), but in SQLite every foreign-key change rebuilds the table. SQLite accepts a foreign
//! key to a table that does not exist yet, so a new table takes all its keys at creation, and
//! the changes to one existing table become one rebuild.

use migra_core::{Change, TableChange};
use std::collections::{BTreeMap, BTreeSet};

type Key = (String, String);

/// `changes` with the foreign keys of new tables inline, and each existing table's changes in
/// one `ModifyTable` at the place of its last one, unless a key it drops points at a table this
/// plan drops (that key must go before the table does).
pub(super) fn coalesce(changes: &[Change]) -> Vec<Change> {
    let created: BTreeSet<Key> = changes
        .iter()
        .filter_map(|c| match c {
            Change::AddTable { namespace, table } => Some((namespace.clone(), table.name.clone())),
            _ => None,
        })
        .collect();
    let dropped: BTreeSet<String> = changes
        .iter()
        .filter_map(|c| match c {
            Change::DropTable { table, .. } => Some(table.name.clone()),
            _ => None,
        })
        .collect();
    let mut out: Vec<Change> = changes.to_vec();
    // New tables: their later key additions move into the CREATE TABLE.
    for i in 0..out.len() {
        let Change::ModifyTable {
            namespace,
            table,
            changes: tc,
        } = &out[i]
        else {
            continue;
        };
        let key = (namespace.clone(), table.clone());
        let only_keys = tc
            .iter()
            .all(|c| matches!(c, TableChange::AddForeignKey { .. }));
        if !created.contains(&key) || !only_keys {
            continue;
        }
        let keys: Vec<_> = tc
            .iter()
            .filter_map(|c| match c {
                TableChange::AddForeignKey { key } => Some(key.clone()),
                _ => None,
            })
            .collect();
        for c in out.iter_mut() {
            if let Change::AddTable { namespace, table } = c
                && (namespace.clone(), table.name.clone()) == key
            {
                table.foreign_keys.extend(keys.iter().cloned());
            }
        }
        out[i] = Change::ModifyTable {
            namespace: key.0,
            table: key.1,
            changes: Vec::new(),
        };
    }
    // Existing tables: one ModifyTable each, where the last one was.
    let mut carry: BTreeMap<Key, Vec<TableChange>> = BTreeMap::new();
    let mut merged: Vec<Change> = Vec::with_capacity(out.len());
    for (i, c) in out.iter().enumerate() {
        let Change::ModifyTable {
            namespace,
            table,
            changes: tc,
        } = c
        else {
            merged.push(c.clone());
            continue;
        };
        let key = (namespace.clone(), table.clone());
        let mut all = carry.remove(&key).unwrap_or_default();
        all.extend(tc.iter().cloned());
        if all.is_empty() {
            continue;
        }
        let later = out[i + 1..].iter().any(|x| {
            matches!(x, Change::ModifyTable { namespace: n, table: t, changes } if *n == key.0 && *t == key.1 && !changes.is_empty())
        });
        let pinned = all.iter().any(|x| {
            matches!(x, TableChange::DropForeignKey { key } if dropped.contains(&key.ref_table))
        });
        if later && !pinned {
            carry.insert(key, all);
            continue;
        }
        merged.push(Change::ModifyTable {
            namespace: key.0,
            table: key.1,
            changes: all,
        });
    }
    merged
}
