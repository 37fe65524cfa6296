//! MongoDB collections in the replayed schema: they live in the default (unnamed) namespace and
//! carry their validator document as canonical JSON text.

use super::Schema;
use crate::analyze::mongo::Command;
use migra_core::schema::{Collection, Namespace};
use serde_json::Value;

impl Schema {
    /// The collection named `name`, if the replayed database has it.
    pub fn collection(&self, name: &str) -> Option<&Collection> {
        self.db
            .namespaces
            .iter()
            .flat_map(|n| &n.collections)
            .find(|c| c.name == name)
    }

    /// True when the collection existed before the migration being validated (it may hold documents).
    pub fn collection_existed(&self, name: &str) -> bool {
        self.collection(name).is_some() && !self.is_new("", name)
    }

    /// The validator of `name` as a document (`None`: no validator, or no such collection).
    pub fn validator(&self, name: &str) -> Option<Value> {
        let text = self.collection(name)?.validator.as_ref()?;
        serde_json::from_str(text).ok()
    }

    /// Applies a command's effect on collections and validators.
    pub(crate) fn apply_mongo(&mut self, cmd: &Command) {
        if !matches!(cmd, Command::Unset { .. } | Command::Data(_)) {
            self.record_whole();
        }
        match cmd {
            Command::Create {
                collection,
                validator,
            } => {
                if self.collection(collection).is_none() {
                    self.namespace_entry("").collections.push(Collection {
                        name: collection.clone(),
                        indexes: Vec::new(),
                        validator: validator.as_ref().map(Value::to_string),
                    });
                    self.created.insert((String::new(), collection.clone()));
                }
            }
            Command::Drop { collection } => self.remove_collection(collection),
            Command::DropDatabase => {
                for n in &mut self.db.namespaces {
                    n.collections.clear();
                }
            }
            Command::CollMod {
                collection,
                validator: Some(v),
                ..
            } => {
                if let Some(c) = self.collection_mut(collection) {
                    c.validator = Some(v.to_string());
                }
            }
            Command::Rename {
                from,
                to,
                drop_target,
            } => {
                if *drop_target {
                    self.remove_collection(to);
                }
                let new = self.is_new("", from);
                if let Some(c) = self.collection_mut(from) {
                    c.name = to.clone();
                    if new {
                        self.created.insert((String::new(), to.clone()));
                    }
                }
            }
            Command::CollMod { .. } | Command::Unset { .. } | Command::Data(_) => {}
        }
    }

    fn namespace_entry(&mut self, name: &str) -> &mut Namespace {
        let i = match self.db.namespaces.iter().position(|n| n.name == name) {
            Some(i) => i,
            None => {
                self.db.namespaces.push(Namespace {
                    name: name.to_string(),
                    ..Namespace::default()
                });
                self.db.namespaces.len() - 1
            }
        };
        &mut self.db.namespaces[i]
    }

    fn collection_mut(&mut self, name: &str) -> Option<&mut Collection> {
        self.db
            .namespaces
            .iter_mut()
            .flat_map(|n| &mut n.collections)
            .find(|c| c.name == name)
    }

    fn remove_collection(&mut self, name: &str) {
        for n in &mut self.db.namespaces {
            n.collections.retain(|c| c.name != name);
        }
    }
}
