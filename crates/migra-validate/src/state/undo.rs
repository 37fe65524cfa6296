//! Checking a down part without copying the schema: the changes it makes are journaled, table by
//! table, and undone afterwards (copying the whole schema per migration made a long history
//! quadratic).

use super::Schema;
use migra_core::schema::{Database, Sequence, Table};
use migra_core::{Change, TableChange};
use std::collections::BTreeSet;

/// How to undo what happened since [`Schema::begin_journal`].
#[derive(Debug, Clone)]
pub struct Journal {
    entries: Vec<Undo>,
    created: BTreeSet<(String, String)>,
    added_columns: BTreeSet<(String, String, String)>,
    uncertain: BTreeSet<(String, String)>,
    all_uncertain: bool,
    others: BTreeSet<(String, String, String)>,
}

#[derive(Debug, Clone)]
enum Undo {
    /// A table as it was: `None` when it did not exist; else its position and contents.
    Table {
        ns: String,
        name: String,
        before: Option<(usize, Table)>,
    },
    /// A namespace's sequences as they were (a dropped column takes the sequences it owns).
    Sequences { ns: String, before: Vec<Sequence> },
    /// Everything as it was (changes that reach beyond one table).
    Whole(Box<Database>),
}

impl Schema {
    /// Starts journaling changes so [`Schema::undo_journal`] can put everything back.
    pub fn begin_journal(&mut self) {
        self.journal = Some(Journal {
            entries: Vec::new(),
            created: self.created.clone(),
            added_columns: self.added_columns.clone(),
            uncertain: self.uncertain.clone(),
            all_uncertain: self.all_uncertain,
            others: self.others.clone(),
        });
    }

    /// Undoes every change since [`Schema::begin_journal`] and stops journaling.
    pub fn undo_journal(&mut self) {
        let Some(j) = self.journal.take() else { return };
        let mut full = false;
        for e in j.entries.into_iter().rev() {
            match e {
                Undo::Whole(db) => {
                    self.db = *db;
                    full = true;
                }
                Undo::Table { ns, name, before } => full |= self.restore_table(&ns, &name, before),
                Undo::Sequences { ns, before } => {
                    if let Some(n) = self.db.namespaces.iter_mut().find(|n| n.name == ns) {
                        n.sequences = before;
                    }
                }
            }
        }
        self.created = j.created;
        self.added_columns = j.added_columns;
        self.uncertain = j.uncertain;
        self.all_uncertain = j.all_uncertain;
        self.others = j.others;
        if full {
            self.reindex();
        }
    }

    /// Puts one table back as it was, keeping the lookup maps right; true when positions of other
    /// tables moved (the maps then need a rebuild).
    fn restore_table(&mut self, ns: &str, name: &str, before: Option<(usize, Table)>) -> bool {
        let Some(ni) = self.db.namespaces.iter().position(|n| n.name == ns) else {
            return true;
        };
        let key = (ns.to_string(), name.to_string());
        let at = self.pos.get(&key).map(|&(_, ti)| ti);
        if let Some(ti) = at {
            for i in &self.db.namespaces[ni].tables[ti].indexes {
                self.index_owner.remove(&(ns.to_string(), i.name.clone()));
            }
        }
        let n = &mut self.db.namespaces[ni];
        let mut shifted = false;
        let restored = match (at, before) {
            (Some(ti), Some((_, t))) => {
                n.tables[ti] = t;
                Some(ti)
            }
            (Some(ti), None) => {
                n.tables.remove(ti);
                self.pos.remove(&key);
                shifted = ti != n.tables.len();
                None
            }
            (None, Some((p, t))) => {
                let p = p.min(n.tables.len());
                shifted = p != n.tables.len();
                n.tables.insert(p, t);
                self.pos.insert(key, (ni, p));
                Some(p)
            }
            (None, None) => None,
        };
        if let Some(ti) = restored {
            for i in &self.db.namespaces[ni].tables[ti].indexes {
                self.index_owner
                    .insert((ns.to_string(), i.name.clone()), name.to_string());
            }
        }
        shifted
    }

    /// Records how to undo `change` (before it is applied).
    pub(super) fn record(&mut self, change: &Change) {
        if self.journal.is_none() {
            return;
        }
        let mut entries = Vec::new();
        match change {
            Change::AddTable { namespace, table } => entries.push(Undo::Table {
                ns: namespace.clone(),
                name: table.name.clone(),
                before: None,
            }),
            Change::ModifyTable {
                namespace,
                table,
                changes,
            } if !changes
                .iter()
                .any(|c| matches!(c, TableChange::RenameColumn { .. })) =>
            {
                if changes
                    .iter()
                    .any(|c| matches!(c, TableChange::DropColumn { .. }))
                {
                    entries.push(self.sequences_entry(namespace));
                }
                entries.push(self.table_entry(namespace, table));
            }
            Change::DropTable { namespace, table } => {
                entries.push(self.sequences_entry(namespace));
                entries.push(self.table_entry(namespace, &table.name));
            }
            _ => entries.push(Undo::Whole(Box::new(self.db.clone()))),
        }
        if let Some(j) = self.journal.as_mut() {
            j.entries.extend(entries);
        }
    }

    /// Records the whole database for undo (MongoDB commands: collections are few and small).
    pub(super) fn record_whole(&mut self) {
        let whole = self
            .journal
            .is_some()
            .then(|| Undo::Whole(Box::new(self.db.clone())));
        if let (Some(j), Some(w)) = (self.journal.as_mut(), whole) {
            j.entries.push(w);
        }
    }

    fn sequences_entry(&self, ns: &str) -> Undo {
        Undo::Sequences {
            ns: ns.to_string(),
            before: self
                .db
                .namespace(ns)
                .map(|n| n.sequences.clone())
                .unwrap_or_default(),
        }
    }

    fn table_entry(&self, ns: &str, name: &str) -> Undo {
        let before = self
            .pos
            .get(&(ns.to_string(), name.to_string()))
            .and_then(|&(ni, ti)| {
                let t = self.db.namespaces.get(ni)?.tables.get(ti)?;
                Some((ti, t.clone()))
            });
        Undo::Table {
            ns: ns.to_string(),
            name: name.to_string(),
            before,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Config;
    use crate::engine::Validator;
    use crate::state::Schema;
    use crate::target::Target;
    use migra_core::{DialectId, SplitOptions, split::split};

    /// Whatever a down part does, undoing the journal gives back the schema it started from.
    #[test]
    fn undo_restores_the_schema_and_its_lookups() {
        let v = Validator::new(Target::new(DialectId::Postgres), Config::default());
        let run = |s: &mut Schema, sql: &str| {
            v.replay_keeping_scope(
                s,
                &split(sql, 1, &SplitOptions::POSTGRES).unwrap_or_default(),
            )
        };
        let mut s = Schema::default();
        run(
            &mut s,
            "CREATE TABLE a (id serial PRIMARY KEY, x int);\nCREATE TABLE b (id int REFERENCES a (id), y int);\nCREATE INDEX b_y ON b (y);\nCREATE TABLE c (id int);",
        );
        let before = s.database().clone();
        s.begin_journal();
        run(
            &mut s,
            "DROP TABLE c;\nALTER TABLE a DROP COLUMN x;\nALTER TABLE a RENAME COLUMN id TO key;\nCREATE TABLE d (id int);\nDROP INDEX b_y;\nCREATE INDEX b_y2 ON b (y);\nDROP TABLE a CASCADE;",
        );
        assert_ne!(s.database(), &before);
        s.undo_journal();
        assert_eq!(s.database(), &before);
        assert!(s.table("public", "c").is_some() && s.table("public", "d").is_none());
        assert_eq!(
            s.table_of_index("public", "b_y").map(|t| t.name.as_str()),
            Some("b")
        );
        assert!(s.table_of_index("public", "b_y2").is_none());
    }
}
