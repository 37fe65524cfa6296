//! The schema as it stands before each statement, replayed in memory from the statements before it.

use migra_core::schema::{Database, Namespace, Table};
use migra_core::{ApplyError, Change, TableChange, apply, apply_table_changes};
use std::collections::{BTreeSet, HashMap};

mod collections;
mod undo;
pub use undo::Journal;

/// The replayed schema, plus what the validator knows about how each table came to be.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    db: Database,
    /// Tables created by the migration being validated: they hold no rows yet.
    created: BTreeSet<(String, String)>,
    /// Columns the migration being validated added to existing tables: (namespace, table, column).
    added_columns: BTreeSet<(String, String, String)>,
    /// Tables an unanalysed statement may have changed: their model may be wrong.
    uncertain: BTreeSet<(String, String)>,
    /// An unanalysed statement may have changed anything.
    all_uncertain: bool,
    /// Objects outside the model that later statements name: (kind, namespace, name).
    others: BTreeSet<(String, String, String)>,
    /// Where each table is: (namespace, table) → (namespace position, table position). Lookups
    /// only (never iterated), so a schema of thousands of tables replays in linear time.
    pos: HashMap<(String, String), (usize, usize)>,
    /// Which table holds each index: (namespace, index) → table.
    index_owner: HashMap<(String, String), String>,
    /// While a down part is checked: how to put the schema back.
    journal: Option<Journal>,
}

impl Schema {
    /// Starts from `db` (empty for a fresh database, or an inspected live schema).
    pub fn new(db: Database) -> Self {
        let mut s = Self {
            db,
            ..Self::default()
        };
        s.reindex();
        s
    }

    /// Rebuilds the lookup maps from the model.
    fn reindex(&mut self) {
        self.pos.clear();
        self.index_owner.clear();
        for (ni, n) in self.db.namespaces.iter().enumerate() {
            for (ti, t) in n.tables.iter().enumerate() {
                self.pos.insert((n.name.clone(), t.name.clone()), (ni, ti));
                for i in &t.indexes {
                    self.index_owner
                        .insert((n.name.clone(), i.name.clone()), t.name.clone());
                }
            }
        }
    }

    /// Updates the lookup maps after table `name` at `(ni, ti)` was dropped from a namespace
    /// of `len` tables: only the tables after it move. Dropping the newest table (a down part
    /// undoing its up part) costs nothing, instead of a rebuild over the whole schema.
    fn forget_table(
        &mut self,
        (ni, ti): (usize, usize),
        len: usize,
        ns: &str,
        name: &str,
        indexes: &[String],
    ) {
        let Some(n) = self.db.namespaces.get(ni) else {
            return self.reindex();
        };
        if n.tables.len() + 1 != len {
            return self.reindex();
        }
        self.pos.remove(&(ns.to_string(), name.to_string()));
        for i in indexes {
            let key = (ns.to_string(), i.clone());
            if self
                .index_owner
                .get(&key)
                .is_some_and(|owner| owner == name)
            {
                self.index_owner.remove(&key);
            }
        }
        for (j, t) in n.tables.iter().enumerate().skip(ti) {
            self.pos.insert((ns.to_string(), t.name.clone()), (ni, j));
        }
    }

    /// The replayed model.
    pub fn database(&self) -> &Database {
        &self.db
    }

    /// A namespace by name.
    pub fn namespace(&self, ns: &str) -> Option<&Namespace> {
        self.db.namespace(ns)
    }

    /// A table by namespace and name.
    pub fn table(&self, ns: &str, name: &str) -> Option<&Table> {
        let (ni, ti) = *self.pos.get(&(ns.to_string(), name.to_string()))?;
        self.db.namespaces.get(ni)?.tables.get(ti)
    }

    /// True when the table exists and was not created by the script being validated, i.e. it may
    /// hold rows and be in use.
    pub fn is_existing(&self, ns: &str, name: &str) -> bool {
        self.table(ns, name).is_some() && !self.is_new(ns, name)
    }

    /// True when the script being validated created this table (so it is empty when the statement runs,
    /// as far as DDL goes).
    pub fn is_new(&self, ns: &str, name: &str) -> bool {
        self.created.contains(&(ns.to_string(), name.to_string()))
    }

    /// True when an unanalysed statement may have changed this table.
    pub fn is_uncertain(&self, ns: &str, name: &str) -> bool {
        self.all_uncertain
            || self.uncertain.contains(&(ns.to_string(), name.to_string()))
            || self.uncertain.contains(&(String::new(), name.to_string()))
    }

    /// Finds the table holding index `name` in `ns` (PostgreSQL index names are per schema).
    pub fn table_of_index(&self, ns: &str, name: &str) -> Option<&Table> {
        let owner = self.index_owner.get(&(ns.to_string(), name.to_string()))?;
        self.table(ns, owner)
            .filter(|t| t.indexes.iter().any(|i| i.name == name))
    }

    /// True when an object outside the model (e.g. an index on a materialized view) exists.
    pub fn has_other(&self, kind: &str, ns: &str, name: &str) -> bool {
        self.others
            .contains(&(kind.to_string(), ns.to_string(), name.to_string()))
    }

    /// Records an object outside the model (`add`), or its removal.
    pub fn set_other(&mut self, kind: &str, ns: &str, name: &str, add: bool) {
        let key = (kind.to_string(), ns.to_string(), name.to_string());
        if add {
            self.others.insert(key);
        } else {
            self.others.remove(&key);
        }
    }

    /// True when the migration being validated added this column (it holds only defaults).
    pub fn is_new_column(&self, ns: &str, table: &str, column: &str) -> bool {
        self.is_new(ns, table)
            || self
                .added_columns
                .contains(&(ns.to_string(), table.to_string(), column.to_string()))
    }

    /// Starts a new migration: tables and columns created before now count as existing. (A down part
    /// does not start one: what its up part created is still the migration's own.)
    pub fn begin_script(&mut self) {
        self.created.clear();
        self.added_columns.clear();
    }

    /// Marks a table (or, with `None`, everything) as possibly changed by an unanalysed statement.
    pub fn mark_uncertain(&mut self, table: Option<(String, String)>) {
        match table {
            Some(t) => {
                self.uncertain.insert(t);
            }
            None => self.all_uncertain = true,
        }
    }

    /// Applies one lowered change, tracking created and renamed tables. A change that does not fit
    /// leaves the model unchanged and is returned as the error.
    pub fn apply(&mut self, change: &Change) -> Result<(), ApplyError> {
        if let Change::AddNamespace { name } = change
            && self.db.namespace(name).is_some()
        {
            return Ok(());
        }
        self.ensure_namespace(change);
        self.record(change);
        match change {
            Change::AddTable { namespace, table } => {
                if self.table(namespace, &table.name).is_some() {
                    return Err(ApplyError::Exists {
                        kind: "table",
                        name: format!("{namespace}.{}", table.name),
                    });
                }
                let ni = self
                    .db
                    .namespaces
                    .iter()
                    .position(|n| n.name == *namespace)
                    .unwrap_or(0);
                if let Some(n) = self.db.namespaces.get_mut(ni) {
                    n.tables.push(table.clone());
                    self.pos.insert(
                        (namespace.clone(), table.name.clone()),
                        (ni, n.tables.len() - 1),
                    );
                    for i in &table.indexes {
                        self.index_owner
                            .insert((namespace.clone(), i.name.clone()), table.name.clone());
                    }
                }
            }
            Change::ModifyTable {
                namespace,
                table,
                changes,
            } => {
                let Some(&(ni, ti)) = self.pos.get(&(namespace.clone(), table.clone())) else {
                    return Err(ApplyError::Missing {
                        kind: "table",
                        name: format!("{namespace}.{table}"),
                    });
                };
                apply_table_changes(&mut self.db.namespaces[ni], ti, changes)?;
                for c in changes {
                    match c {
                        TableChange::AddIndex { index } => {
                            self.index_owner
                                .insert((namespace.clone(), index.name.clone()), table.clone());
                        }
                        TableChange::DropIndex { index } => {
                            self.index_owner
                                .remove(&(namespace.clone(), index.name.clone()));
                        }
                        _ => {}
                    }
                }
            }
            Change::DropTable { namespace, table } => {
                let at = self
                    .pos
                    .get(&(namespace.clone(), table.name.clone()))
                    .copied();
                let before = at.and_then(|(ni, ti)| {
                    let n = self.db.namespaces.get(ni)?;
                    let indexes: Vec<String> = n
                        .tables
                        .get(ti)?
                        .indexes
                        .iter()
                        .map(|i| i.name.clone())
                        .collect();
                    Some((n.tables.len(), indexes))
                });
                apply(&mut self.db, change)?;
                match (at, before) {
                    (Some((ni, ti)), Some((len, indexes))) => {
                        self.forget_table((ni, ti), len, namespace, &table.name, &indexes)
                    }
                    _ => self.reindex(),
                }
            }
            _ => {
                apply(&mut self.db, change)?;
                if matches!(
                    change,
                    Change::RenameTable { .. } | Change::DropNamespace { .. }
                ) {
                    self.reindex();
                }
            }
        }
        match change {
            Change::AddTable { namespace, table } => {
                self.created.insert((namespace.clone(), table.name.clone()));
            }
            Change::DropTable { namespace, table } => {
                self.created
                    .remove(&(namespace.clone(), table.name.clone()));
            }
            Change::RenameTable {
                namespace,
                from,
                to,
            } => {
                if self.created.remove(&(namespace.clone(), from.clone())) {
                    self.created.insert((namespace.clone(), to.clone()));
                }
                if self.uncertain.remove(&(namespace.clone(), from.clone())) {
                    self.uncertain.insert((namespace.clone(), to.clone()));
                }
            }
            Change::ModifyTable {
                namespace,
                table,
                changes,
            } => {
                for c in changes {
                    if let migra_core::TableChange::AddColumn { column } = c {
                        self.added_columns.insert((
                            namespace.clone(),
                            table.clone(),
                            column.name.clone(),
                        ));
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The default namespace exists implicitly (`public`, `main`, the MySQL database).
    fn ensure_namespace(&mut self, change: &Change) {
        let ns = match change {
            Change::AddTable { namespace, .. }
            | Change::AddEnum { namespace, .. }
            | Change::AddView { namespace, .. }
            | Change::AddSequence { namespace, .. } => namespace,
            _ => return,
        };
        if self.db.namespace(ns).is_none() {
            self.db.namespaces.push(Namespace {
                name: ns.clone(),
                ..Namespace::default()
            });
        }
    }
}
