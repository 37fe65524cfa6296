//! `ALTER TABLE` → table changes, read against the table as it stands.

use super::names::{QName, ident, qname};
use super::table::{self, add_constraint, column, default_name, part_columns};
use super::{Lowered, Problem};
use crate::state::Schema;
use crate::target::Target;
use migra_core::schema::{Column, Database, Namespace, PrimaryKey, Table};
use migra_core::{Change, ColumnAspect, DialectId, TableChange, apply};
use sqlparser::ast::{
    AlterColumnOperation, AlterTable, AlterTableOperation, ColumnDef, ColumnOption, TableConstraint,
};
use std::collections::BTreeSet;

/// A working copy of one table: each operation sees the ones before it.
struct Work<'a> {
    target: &'a Target,
    schema: &'a Schema,
    q: QName,
    db: Database,
    changes: Vec<TableChange>,
    /// Changes applied to the model but not shown to rules (constraint renames).
    quiet: Vec<TableChange>,
    out: &'a mut Lowered,
}

impl Work<'_> {
    fn table(&self) -> &Table {
        &self.db.namespaces[0].tables[0]
    }

    fn push(&mut self, c: TableChange, shown: bool) {
        let change = Change::ModifyTable {
            namespace: self.q.ns.clone(),
            table: self.q.name.clone(),
            changes: vec![c.clone()],
        };
        match apply(&mut self.db, &change) {
            Ok(()) => {
                if shown {
                    self.changes.push(c);
                } else {
                    self.quiet.push(c);
                }
            }
            Err(e) => self.out.problems.push(Problem::from_apply(e)),
        }
    }

    fn missing(&mut self, kind: &'static str, name: &str, hint: Option<String>) {
        self.out.problems.push(Problem::Missing {
            kind,
            name: format!("{}.{name}", self.q.name),
            hint,
        });
    }

    fn column(&self, name: &str) -> Option<Column> {
        self.table().column(name).cloned()
    }

    fn modify(&mut self, from: Column, to: Column) {
        let what = migra_core::column_aspects(&from, &to, &migra_core::DefaultHooks);
        if !what.is_empty() {
            self.push(
                TableChange::ModifyColumn {
                    from: Box::new(from),
                    to: Box::new(to),
                    what,
                },
                true,
            );
        }
    }

    fn add_column(&mut self, def: &ColumnDef, if_not_exists: bool) {
        let name = ident(self.target, &def.name);
        if self.column(&name).is_some() {
            if !if_not_exists {
                self.out.problems.push(Problem::Exists {
                    kind: "column",
                    name: format!("{}.{name}", self.q.name),
                });
            }
            return;
        }
        let (col, inline) = column(self.target, self.schema, &self.q.name, def);
        let cname = col.name.clone();
        self.push(TableChange::AddColumn { column: col }, true);
        if inline.primary_key {
            let from = self.table().primary_key.clone();
            self.push(
                TableChange::SetPrimaryKey {
                    from,
                    to: Some(PrimaryKey {
                        name: None,
                        columns: vec![cname.clone()],
                    }),
                },
                true,
            );
        }
        if let Some(index) = inline.unique {
            self.push(TableChange::AddIndex { index }, true);
        }
        if let Some(key) = inline.foreign_key {
            self.push(TableChange::AddForeignKey { key }, true);
        }
        for check in inline.checks {
            self.push(TableChange::AddCheck { check }, true);
        }
    }

    fn add_constraint(&mut self, c: &TableConstraint) {
        if let TableConstraint::PrimaryKeyUsingIndex(u) | TableConstraint::UniqueUsingIndex(u) = c {
            let index = ident(self.target, &u.index_name);
            let Some(old) = self
                .table()
                .indexes
                .iter()
                .find(|i| i.name == index)
                .cloned()
            else {
                self.missing("index", &index, None);
                return;
            };
            let name = u
                .name
                .as_ref()
                .map_or_else(|| index.clone(), |n| ident(self.target, n));
            self.push(TableChange::DropIndex { index: old.clone() }, false);
            if matches!(c, TableConstraint::PrimaryKeyUsingIndex(_)) {
                let from = self.table().primary_key.clone();
                let to = Some(PrimaryKey {
                    name: Some(name),
                    columns: part_columns(&old.parts),
                });
                self.push(TableChange::SetPrimaryKey { from, to }, true);
            } else {
                let mut idx = old;
                idx.name = name;
                idx.constraint = true;
                self.push(TableChange::AddIndex { index: idx }, false);
            }
            return;
        }
        // Build the constraint on a scratch copy and read back what it added.
        let mut t = self.table().clone();
        let before = t.clone();
        if !add_constraint(self.target, &mut t, c) {
            self.out.unmodelled.push(format!("constraint {c}"));
            return;
        }
        if t.primary_key != before.primary_key {
            self.push(
                TableChange::SetPrimaryKey {
                    from: before.primary_key.clone(),
                    to: t.primary_key.clone(),
                },
                true,
            );
            for (a, b) in before.columns.iter().zip(&t.columns) {
                if a.nullable != b.nullable {
                    self.quiet.push(TableChange::ModifyColumn {
                        from: Box::new(a.clone()),
                        to: Box::new(b.clone()),
                        what: BTreeSet::from([ColumnAspect::Nullability]),
                    });
                }
            }
        }
        if let Some(index) = t.indexes.get(before.indexes.len()).cloned() {
            self.push(TableChange::AddIndex { index }, true);
        }
        if let Some(key) = t.foreign_keys.get(before.foreign_keys.len()).cloned() {
            self.push(TableChange::AddForeignKey { key }, true);
        }
        if let Some(check) = t.checks.get(before.checks.len()).cloned() {
            self.push(TableChange::AddCheck { check }, true);
        }
    }

    fn drop_constraint(&mut self, name: &str, if_exists: bool) {
        let t = self.table().clone();
        if let Some(key) = t.foreign_keys.iter().find(|k| k.name == name) {
            self.push(TableChange::DropForeignKey { key: key.clone() }, true);
        } else if let Some(check) = t.checks.iter().find(|c| c.name.as_deref() == Some(name)) {
            self.push(
                TableChange::DropCheck {
                    check: check.clone(),
                },
                true,
            );
        } else if let Some(index) = t.indexes.iter().find(|i| {
            i.name == name && (i.constraint || self.target.dialect != DialectId::Postgres)
        }) {
            self.push(
                TableChange::DropIndex {
                    index: index.clone(),
                },
                true,
            );
        } else if t.primary_key.as_ref().is_some_and(|pk| {
            pk.name.as_deref() == Some(name)
                || name == default_name(self.target, &t.name, &[], "pkey")
        }) {
            self.push(
                TableChange::SetPrimaryKey {
                    from: t.primary_key.clone(),
                    to: None,
                },
                true,
            );
        } else if !if_exists {
            let hint = t.indexes.iter().any(|i| i.name == name).then(|| {
                format!("{name} is an index, not a constraint (created by CREATE INDEX): drop it with DROP INDEX {name}")
            });
            self.missing("constraint", name, hint);
        }
    }

    fn alter_column(&mut self, name: &str, op: &AlterColumnOperation) {
        let Some(from) = self.column(name) else {
            self.missing("column", name, None);
            return;
        };
        let mut to = from.clone();
        match op {
            AlterColumnOperation::SetNotNull => to.nullable = false,
            AlterColumnOperation::DropNotNull => to.nullable = true,
            AlterColumnOperation::SetDefault { value } => to.default = Some(table::default(value)),
            AlterColumnOperation::DropDefault => to.default = None,
            AlterColumnOperation::SetDataType { data_type, .. } => {
                to.r#type = table::resolve_type(self.target, self.schema, data_type);
            }
            AlterColumnOperation::AddGenerated { generated_as, .. } => {
                to.identity = Some(migra_core::schema::Identity {
                    always: matches!(generated_as, Some(sqlparser::ast::GeneratedAs::Always)),
                    start: None,
                    increment: None,
                });
            }
        }
        self.modify(from, to);
    }

    /// Indexes, keys and checks over a column go with it, as the database does it (quietly: the drop of
    /// the column is the news). MySQL narrows a multi-column index instead of dropping it.
    fn drop_dependents(&mut self, col: &str) {
        let t = self.table().clone();
        for index in t
            .indexes
            .iter()
            .filter(|i| part_columns(&i.parts).iter().any(|c| c == col))
        {
            self.push(
                TableChange::DropIndex {
                    index: index.clone(),
                },
                false,
            );
            if self.target.dialect == DialectId::Mysql && index.parts.len() > 1 {
                let mut narrowed = index.clone();
                narrowed.parts.retain(|p| !matches!(p, migra_core::schema::IndexPart::Column { name, .. } if name == col));
                self.push(TableChange::AddIndex { index: narrowed }, false);
            }
        }
        for key in t
            .foreign_keys
            .iter()
            .filter(|k| k.columns.iter().any(|c| c == col))
        {
            self.push(TableChange::DropForeignKey { key: key.clone() }, false);
        }
        if t.primary_key
            .as_ref()
            .is_some_and(|pk| pk.columns.iter().any(|c| c == col))
        {
            self.push(
                TableChange::SetPrimaryKey {
                    from: t.primary_key.clone(),
                    to: None,
                },
                false,
            );
        }
    }

    /// MySQL `MODIFY`/`CHANGE`: the column is defined anew.
    fn redefine(
        &mut self,
        old: &str,
        new: &sqlparser::ast::Ident,
        data_type: &sqlparser::ast::DataType,
        options: &[ColumnOption],
    ) {
        let Some(from) = self.column(old) else {
            self.missing("column", old, None);
            return;
        };
        let new_name = ident(self.target, new);
        if new_name != old {
            self.push(
                TableChange::RenameColumn {
                    from: old.to_string(),
                    to: new_name.clone(),
                },
                true,
            );
        }
        let def = ColumnDef {
            name: new.clone(),
            data_type: data_type.clone(),
            options: options
                .iter()
                .map(|o| sqlparser::ast::ColumnOptionDef {
                    name: None,
                    option: o.clone(),
                })
                .collect(),
        };
        let (to, _) = column(self.target, self.schema, &self.q.name, &def);
        let mut from = from;
        from.name = new_name;
        self.modify(from, to);
    }
}

/// Lowers `ALTER TABLE`.
pub fn alter_table(target: &Target, schema: &Schema, at: &AlterTable, out: &mut Lowered) {
    let q = qname(target, &at.name);
    let Some(current) = schema.table(&q.ns, &q.name).cloned() else {
        if !at.if_exists {
            out.problems.push(Problem::Missing {
                kind: "table",
                name: q.name.clone(),
                hint: None,
            });
        }
        return;
    };
    let mut w = Work {
        target,
        schema,
        q: q.clone(),
        db: Database {
            namespaces: vec![Namespace {
                name: q.ns.clone(),
                tables: vec![current],
                ..Namespace::default()
            }],
            unmodelled: Vec::new(),
        },
        changes: Vec::new(),
        quiet: Vec::new(),
        out,
    };
    let mut rename_to = None;
    for op in &at.operations {
        use AlterTableOperation as O;
        match op {
            O::AddColumn {
                if_not_exists,
                column_def,
                ..
            } => w.add_column(column_def, *if_not_exists),
            O::AddConstraint { constraint, .. } => w.add_constraint(constraint),
            O::DropConstraint {
                if_exists, name, ..
            } => w.drop_constraint(&ident(target, name), *if_exists),
            O::DropColumn {
                column_names,
                if_exists,
                ..
            } => {
                for c in column_names {
                    let n = ident(target, c);
                    match w.column(&n) {
                        Some(column) => {
                            w.drop_dependents(&n);
                            w.push(TableChange::DropColumn { column }, true)
                        }
                        None if *if_exists => {}
                        None => w.missing("column", &n, None),
                    }
                }
            }
            O::DropPrimaryKey { .. } => {
                let from = w.table().primary_key.clone();
                if from.is_some() {
                    w.push(TableChange::SetPrimaryKey { from, to: None }, true);
                } else {
                    w.missing("primary key", "PRIMARY", None);
                }
            }
            O::DropForeignKey { name, .. } => {
                let n = ident(target, name);
                match w.table().foreign_keys.iter().find(|k| k.name == n).cloned() {
                    Some(key) => w.push(TableChange::DropForeignKey { key }, true),
                    None => w.missing("foreign key", &n, None),
                }
            }
            O::DropIndex { name } => {
                let n = ident(target, name);
                match w.table().indexes.iter().find(|i| i.name == n).cloned() {
                    Some(index) => w.push(TableChange::DropIndex { index }, true),
                    None => w.missing("index", &n, None),
                }
            }
            O::RenameColumn {
                old_column_name,
                new_column_name,
            } => {
                let (from, to) = (
                    ident(target, old_column_name),
                    ident(target, new_column_name),
                );
                if w.column(&from).is_none() {
                    w.missing("column", &from, None);
                } else {
                    w.push(TableChange::RenameColumn { from, to }, true);
                }
            }
            O::RenameConstraint { old_name, new_name } => {
                let (from, to) = (ident(target, old_name), ident(target, new_name));
                rename_constraint(&mut w, &from, &to);
            }
            O::RenameTable { table_name } => {
                let (sqlparser::ast::RenameTableNameKind::As(n)
                | sqlparser::ast::RenameTableNameKind::To(n)) = table_name;
                rename_to = Some(qname(target, n).name);
            }
            O::ChangeColumn {
                old_name,
                new_name,
                data_type,
                options,
                ..
            } => {
                w.redefine(&ident(target, old_name), new_name, data_type, options);
            }
            O::ModifyColumn {
                col_name,
                data_type,
                options,
                ..
            } => {
                w.redefine(&ident(target, col_name), col_name, data_type, options);
            }
            O::AlterColumn { column_name, op } => w.alter_column(&ident(target, column_name), op),
            // No effect on the model: the rules read these from the statement itself.
            O::ValidateConstraint { .. }
            | O::SetLogged
            | O::SetUnlogged
            | O::Algorithm { .. }
            | O::Lock { .. }
            | O::OwnerTo { .. }
            | O::AutoIncrement { .. }
            | O::EnableRowLevelSecurity
            | O::DisableRowLevelSecurity
            | O::ForceRowLevelSecurity
            | O::NoForceRowLevelSecurity
            | O::EnableTrigger { .. }
            | O::DisableTrigger { .. }
            | O::EnableAlwaysTrigger { .. }
            | O::EnableReplicaTrigger { .. }
            | O::EnableRule { .. }
            | O::DisableRule { .. }
            | O::EnableAlwaysRule { .. }
            | O::EnableReplicaRule { .. }
            | O::ReplicaIdentity { .. }
            | O::AttachPartition { .. }
            | O::DetachPartition { .. }
            | O::AddPartitions { .. }
            | O::DropPartitions { .. }
            | O::SetOptionsParens { .. }
            | O::SetTblProperties { .. } => {}
            other => w
                .out
                .unmodelled
                .push(format!("ALTER TABLE operation {other}")),
        }
    }
    let Work { changes, quiet, .. } = w;
    if !changes.is_empty() {
        out.changes.push(Change::ModifyTable {
            namespace: q.ns.clone(),
            table: q.name.clone(),
            changes,
        });
    }
    if !quiet.is_empty() {
        out.quiet.push(Change::ModifyTable {
            namespace: q.ns.clone(),
            table: q.name.clone(),
            changes: quiet,
        });
    }
    if let Some(to) = rename_to {
        out.changes.push(Change::RenameTable {
            namespace: q.ns,
            from: q.name,
            to,
        });
    }
}

fn rename_constraint(w: &mut Work<'_>, from: &str, to: &str) {
    let t = w.table().clone();
    if let Some(k) = t.foreign_keys.iter().find(|k| k.name == from) {
        let mut n = k.clone();
        n.name = to.to_string();
        w.push(TableChange::DropForeignKey { key: k.clone() }, false);
        w.push(TableChange::AddForeignKey { key: n }, false);
    } else if let Some(c) = t.checks.iter().find(|c| c.name.as_deref() == Some(from)) {
        let mut n = c.clone();
        n.name = Some(to.to_string());
        w.push(TableChange::DropCheck { check: c.clone() }, false);
        w.push(TableChange::AddCheck { check: n }, false);
    } else if let Some(i) = t.indexes.iter().find(|i| i.name == from) {
        let mut n = i.clone();
        n.name = to.to_string();
        w.push(TableChange::DropIndex { index: i.clone() }, false);
        w.push(TableChange::AddIndex { index: n }, false);
    } else if t.primary_key.is_some() {
        let mut pk = t.primary_key.clone();
        if let Some(p) = pk.as_mut() {
            p.name = Some(to.to_string());
        }
        w.push(
            TableChange::SetPrimaryKey {
                from: t.primary_key.clone(),
                to: pk,
            },
            false,
        );
    } else {
        w.missing("constraint", from, None);
    }
}
