//! `apply`: a change carried out on the in-memory model, as the database would carry it out.
//! Property tests use it (`apply(a, diff(a, b)) == b`), and the validator uses it to know the
//! schema before each statement.

use crate::change::{Change, TableChange};
use crate::schema::{Database, ForeignKey, IndexPart, Namespace, Table};

/// Why a change does not fit the model it is applied to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApplyError {
    /// The change names an object that is not there.
    #[error("{kind} {name} does not exist")]
    Missing {
        /// Object kind (`namespace`, `table`, `column`, ...).
        kind: &'static str,
        /// Qualified name.
        name: String,
    },
    /// The change creates an object that is already there.
    #[error("{kind} {name} already exists")]
    Exists {
        /// Object kind.
        kind: &'static str,
        /// Qualified name.
        name: String,
    },
}

fn missing(kind: &'static str, name: impl Into<String>) -> ApplyError {
    ApplyError::Missing {
        kind,
        name: name.into(),
    }
}

fn exists(kind: &'static str, name: impl Into<String>) -> ApplyError {
    ApplyError::Exists {
        kind,
        name: name.into(),
    }
}

/// Applies every change in order; stops at the first that does not fit, leaving the earlier
/// ones applied.
///
/// Errors: see [`apply`].
pub fn apply_all(db: &mut Database, changes: &[Change]) -> Result<(), ApplyError> {
    changes.iter().try_for_each(|c| apply(db, c))
}

/// Carries out `change` on `db`. Renames update the references the database updates itself (index,
/// key and foreign-key column lists; foreign keys pointing at a renamed table; sequence owners);
/// dropping a table or column drops the sequences it owns. A new column goes last, as `ADD COLUMN` puts it.
///
/// Errors: [`ApplyError::Missing`] when the change names something absent,
/// [`ApplyError::Exists`] when it creates something present; `db` is unchanged then.
pub fn apply(db: &mut Database, change: &Change) -> Result<(), ApplyError> {
    match change {
        Change::AddNamespace { name } => {
            if db.namespace(name).is_some() {
                return Err(exists("namespace", name));
            }
            db.namespaces.push(Namespace {
                name: name.clone(),
                ..Namespace::default()
            });
        }
        Change::DropNamespace { name } => {
            let i = position(&db.namespaces, |n| n.name == *name, "namespace", name)?;
            db.namespaces.remove(i);
        }
        Change::SetNamespaceComment { name, to, .. } => {
            namespace(db, name)?.comment = to.clone();
        }
        Change::AddTable {
            namespace: ns,
            table,
        } => {
            let n = namespace(db, ns)?;
            if n.table(&table.name).is_some() {
                return Err(exists("table", format!("{ns}.{}", table.name)));
            }
            n.tables.push(table.clone());
        }
        Change::DropTable {
            namespace: ns,
            table,
        } => {
            let n = namespace(db, ns)?;
            let i = position(&n.tables, |t| t.name == table.name, "table", &table.name)?;
            n.tables.remove(i);
            let prefix = format!("{}.", table.name);
            n.sequences.retain(|s| {
                !s.owned_by
                    .as_deref()
                    .is_some_and(|o| o.starts_with(&prefix))
            });
        }
        Change::RenameTable {
            namespace: ns,
            from,
            to,
        } => {
            let n = namespace(db, ns)?;
            if n.table(to).is_some() {
                return Err(exists("table", format!("{ns}.{to}")));
            }
            let t = table_in(n, from)?;
            t.name = to.clone();
            for t in &mut n.tables {
                for fk in &mut t.foreign_keys {
                    if fk.ref_table == *from && fk.ref_namespace.as_deref().is_none_or(|r| r == ns)
                    {
                        fk.ref_table = to.clone();
                    }
                }
            }
            let (old, new) = (format!("{from}."), format!("{to}."));
            for s in &mut n.sequences {
                if let Some(o) = s.owned_by.as_mut().filter(|o| o.starts_with(&old)) {
                    *o = format!("{new}{}", &o[old.len()..]);
                }
            }
        }
        Change::ModifyTable {
            namespace: ns,
            table,
            changes,
        } => {
            let n = namespace(db, ns)?;
            let i = n
                .tables
                .iter()
                .position(|t| t.name == *table)
                .ok_or_else(|| missing("table", format!("{ns}.{table}")))?;
            apply_table_changes(n, i, changes)?;
        }
        Change::AddEnum {
            namespace: ns,
            r#enum,
        } => {
            let n = namespace(db, ns)?;
            if n.enums.iter().any(|e| e.name == r#enum.name) {
                return Err(exists("enum", &r#enum.name));
            }
            n.enums.push(r#enum.clone());
        }
        Change::DropEnum {
            namespace: ns,
            r#enum,
        } => {
            let n = namespace(db, ns)?;
            let i = position(&n.enums, |e| e.name == r#enum.name, "enum", &r#enum.name)?;
            n.enums.remove(i);
        }
        Change::ModifyEnum {
            namespace: ns,
            from,
            to,
        } => {
            let n = namespace(db, ns)?;
            let i = position(&n.enums, |e| e.name == from.name, "enum", &from.name)?;
            n.enums[i] = to.clone();
        }
        Change::AddView {
            namespace: ns,
            view,
        } => {
            let n = namespace(db, ns)?;
            if n.views.iter().any(|v| v.name == view.name) {
                return Err(exists("view", &view.name));
            }
            n.views.push(view.clone());
        }
        Change::DropView {
            namespace: ns,
            view,
        } => {
            let n = namespace(db, ns)?;
            let i = position(&n.views, |v| v.name == view.name, "view", &view.name)?;
            n.views.remove(i);
        }
        Change::AddSequence {
            namespace: ns,
            sequence,
        } => {
            let n = namespace(db, ns)?;
            if n.sequences.iter().any(|s| s.name == sequence.name) {
                return Err(exists("sequence", &sequence.name));
            }
            n.sequences.push(sequence.clone());
        }
        Change::DropSequence {
            namespace: ns,
            sequence,
        } => {
            let n = namespace(db, ns)?;
            let i = position(
                &n.sequences,
                |s| s.name == sequence.name,
                "sequence",
                &sequence.name,
            )?;
            n.sequences.remove(i);
        }
        Change::ModifySequence {
            namespace: ns,
            from,
            to,
        } => {
            let n = namespace(db, ns)?;
            let i = position(
                &n.sequences,
                |s| s.name == from.name,
                "sequence",
                &from.name,
            )?;
            n.sequences[i] = to.clone();
        }
    }
    Ok(())
}

fn namespace<'a>(db: &'a mut Database, name: &str) -> Result<&'a mut Namespace, ApplyError> {
    db.namespaces
        .iter_mut()
        .find(|n| n.name == name)
        .ok_or_else(|| missing("namespace", name))
}

fn table_in<'a>(n: &'a mut Namespace, name: &str) -> Result<&'a mut Table, ApplyError> {
    let ns = n.name.clone();
    n.tables
        .iter_mut()
        .find(|t| t.name == name)
        .ok_or_else(|| missing("table", format!("{ns}.{name}")))
}

fn position<T>(
    items: &[T],
    found: impl Fn(&T) -> bool,
    kind: &'static str,
    name: &str,
) -> Result<usize, ApplyError> {
    items
        .iter()
        .position(found)
        .ok_or_else(|| missing(kind, name))
}

/// Carries out `changes` on table `i` of namespace `n`, all or nothing. For callers that already know
/// where the table is (the validator keeps an index of a big schema).
///
/// Errors: as [`apply`]; `n` is unchanged then.
pub fn apply_table_changes(
    n: &mut Namespace,
    i: usize,
    changes: &[TableChange],
) -> Result<(), ApplyError> {
    // The changes run on a copy of the table (copying the namespace made replaying a big schema
    // quadratic); what they do to other objects (sequences a column owns, foreign keys pointing at
    // a renamed column) follows once they all fit.
    let Some(original) = n.tables.get(i) else {
        return Err(missing("table", format!("{}[{i}]", n.name)));
    };
    let table = original.name.clone();
    let ns = n.name.clone();
    let mut scratch = Namespace {
        name: ns.clone(),
        tables: vec![original.clone()],
        ..Namespace::default()
    };
    for c in changes {
        modify(&mut scratch, &ns, &table, c)?;
    }
    if let Some(t) = scratch.tables.pop() {
        n.tables[i] = t;
    }
    for c in changes {
        beyond_table(n, &ns, &table, c);
    }
    Ok(())
}

/// What a table change does outside its table, once it is known to fit: sequences owned by a
/// dropped column go, owners and foreign keys follow a renamed column.
fn beyond_table(n: &mut Namespace, ns: &str, table: &str, c: &TableChange) {
    match c {
        TableChange::DropColumn { column } => {
            let owner = format!("{table}.{}", column.name);
            n.sequences
                .retain(|s| s.owned_by.as_deref() != Some(owner.as_str()));
        }
        TableChange::RenameColumn { from, to } => {
            let (old_owner, new_owner) = (format!("{table}.{from}"), format!("{table}.{to}"));
            for s in &mut n.sequences {
                if s.owned_by.as_deref() == Some(old_owner.as_str()) {
                    s.owned_by = Some(new_owner.clone());
                }
            }
            for other in &mut n.tables {
                for fk in &mut other.foreign_keys {
                    if fk.ref_table == table && fk.ref_namespace.as_deref().is_none_or(|r| r == ns)
                    {
                        rename(&mut fk.ref_columns, from, to);
                    }
                }
            }
        }
        _ => {}
    }
}

/// One table change to table `table` of namespace `n` (effects beyond the table: [`beyond_table`]).
fn modify(n: &mut Namespace, ns: &str, table: &str, c: &TableChange) -> Result<(), ApplyError> {
    let qualified = |x: &str| format!("{ns}.{table}.{x}");
    let t = table_in(n, table)?;
    match c {
        TableChange::AddColumn { column } => {
            if t.column(&column.name).is_some() {
                return Err(exists("column", qualified(&column.name)));
            }
            t.columns.push(column.clone());
        }
        TableChange::DropColumn { column } => {
            let i = position(
                &t.columns,
                |x| x.name == column.name,
                "column",
                &qualified(&column.name),
            )?;
            t.columns.remove(i);
        }
        TableChange::RenameColumn { from, to } => {
            if t.column(to).is_some() {
                return Err(exists("column", qualified(to)));
            }
            let i = position(&t.columns, |x| x.name == *from, "column", &qualified(from))?;
            t.columns[i].name = to.clone();
            rename_in_table(t, from, to);
        }
        TableChange::ModifyColumn { from, to, .. } => {
            let i = position(
                &t.columns,
                |x| x.name == from.name,
                "column",
                &qualified(&from.name),
            )?;
            t.columns[i] = (**to).clone();
        }
        TableChange::AddIndex { index } => {
            if t.indexes.iter().any(|x| x.name == index.name) {
                return Err(exists("index", qualified(&index.name)));
            }
            t.indexes.push(index.clone());
        }
        TableChange::DropIndex { index } => {
            let i = position(
                &t.indexes,
                |x| x.name == index.name,
                "index",
                &qualified(&index.name),
            )?;
            t.indexes.remove(i);
        }
        TableChange::SetPrimaryKey { to, .. } => t.primary_key = to.clone(),
        TableChange::AddForeignKey { key } => {
            // Named keys clash by name; unnamed ones (SQLite) only when they are the same key.
            let clash = |x: &ForeignKey| {
                if key.name.is_empty() {
                    x == key
                } else {
                    x.name == key.name
                }
            };
            if t.foreign_keys.iter().any(clash) {
                return Err(exists("foreign key", qualified(&key.name)));
            }
            t.foreign_keys.push(key.clone());
        }
        TableChange::DropForeignKey { key } => {
            // By name; an unnamed key (SQLite) by its definition.
            let i = position(
                &t.foreign_keys,
                |x| {
                    if key.name.is_empty() {
                        x == key
                    } else {
                        x.name == key.name
                    }
                },
                "foreign key",
                &qualified(&key.name),
            )?;
            t.foreign_keys.remove(i);
        }
        TableChange::AddCheck { check } => t.checks.push(check.clone()),
        TableChange::DropCheck { check } => {
            let name = check
                .name
                .clone()
                .unwrap_or_else(|| check.expression.clone());
            // By name when it has one (a database may print the expression differently).
            let i = position(
                &t.checks,
                |x| match &check.name {
                    Some(n) => x.name.as_ref() == Some(n),
                    None => x == check,
                },
                "check",
                &qualified(&name),
            )?;
            t.checks.remove(i);
        }
        TableChange::SetComment { to, .. } => t.comment = to.clone(),
    }
    Ok(())
}

fn rename(names: &mut [String], from: &str, to: &str) {
    for n in names.iter_mut().filter(|n| *n == from) {
        *n = to.to_string();
    }
}

/// A renamed column inside its own table's key, index and foreign-key column lists.
fn rename_in_table(t: &mut Table, from: &str, to: &str) {
    if let Some(pk) = &mut t.primary_key {
        rename(&mut pk.columns, from, to);
    }
    for i in &mut t.indexes {
        for p in &mut i.parts {
            if let IndexPart::Column { name, .. } = p
                && name == from
            {
                *name = to.to_string();
            }
        }
        rename(&mut i.include, from, to);
    }
    for fk in &mut t.foreign_keys {
        rename(&mut fk.columns, from, to);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::FkAction;

    fn key(name: &str, column: &str) -> ForeignKey {
        ForeignKey {
            name: name.into(),
            columns: vec![column.into()],
            ref_namespace: None,
            ref_table: "t".into(),
            ref_columns: vec!["id".into()],
            on_update: FkAction::NoAction,
            on_delete: FkAction::NoAction,
            deferrable: false,
            initially_deferred: false,
        }
    }

    #[test]
    fn unnamed_foreign_keys_clash_only_when_identical() {
        let mut db = Database {
            namespaces: vec![Namespace {
                tables: vec![Table {
                    name: "t".into(),
                    foreign_keys: vec![key("", "a")],
                    ..Table::default()
                }],
                ..Namespace::default()
            }],
            unmodelled: Vec::new(),
        };
        let add = |k: ForeignKey| Change::ModifyTable {
            namespace: String::new(),
            table: "t".into(),
            changes: vec![TableChange::AddForeignKey { key: k }],
        };
        assert!(apply(&mut db, &add(key("", "b"))).is_ok());
        assert!(matches!(
            apply(&mut db, &add(key("", "a"))),
            Err(ApplyError::Exists { .. })
        ));
        assert!(apply(&mut db, &add(key("k", "a"))).is_ok());
        assert!(apply(&mut db, &add(key("k", "c"))).is_err());
    }
}
