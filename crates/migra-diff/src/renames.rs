//! Renames are never guessed: they come from hints (`--rename`, `-- migra:renamed-from`).

use crate::DiffError;
use std::collections::BTreeMap;

/// Rename hints: without one, a name that disappears and one that appears are a drop and an add.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Renames {
    /// `(namespace, old table name)` → new table name.
    pub tables: BTreeMap<(String, String), String>,
    /// `(namespace, table name in the target, old column name)` → new column name.
    pub columns: BTreeMap<(String, String, String), String>,
}

impl Renames {
    /// Adds a hint in the CLI's form, in `default_namespace`: `old=new` renames a table,
    /// `table.old=table.new` renames a column of `table` (the table's name in the target).
    ///
    /// Errors: [`DiffError::BadRename`] when the text is not one of those forms, or a column
    /// rename names two different tables.
    pub fn add_hint(&mut self, default_namespace: &str, hint: &str) -> Result<(), DiffError> {
        let bad = |why: &str| DiffError::BadRename {
            hint: hint.to_string(),
            why: why.to_string(),
        };
        let (old, new) = hint
            .split_once('=')
            .ok_or_else(|| bad("expected OLD=NEW"))?;
        let old: Vec<&str> = old.trim().split('.').collect();
        let new: Vec<&str> = new.trim().split('.').collect();
        if old.iter().chain(&new).any(|p| p.is_empty()) {
            return Err(bad("a name is empty"));
        }
        let ns = default_namespace.to_string();
        match (old.as_slice(), new.as_slice()) {
            ([o], [n]) => {
                self.tables.insert((ns, (*o).into()), (*n).into());
            }
            ([t, o], [t2, n]) if t == t2 => {
                self.columns
                    .insert((ns, (*t).into(), (*o).into()), (*n).into());
            }
            ([_, _], [_, _]) => return Err(bad("a column rename names one table on both sides")),
            _ => return Err(bad("expected table=table or table.column=table.column")),
        }
        Ok(())
    }
}

impl Renames {
    /// The hints for going back: every rename reversed (a column's table named as it is in the
    /// source, that is, before its own rename).
    pub fn inverse(&self) -> Renames {
        let mut back = Renames::default();
        for ((ns, old), new) in &self.tables {
            back.tables.insert((ns.clone(), new.clone()), old.clone());
        }
        for ((ns, table, old), new) in &self.columns {
            let source_table = self
                .tables
                .iter()
                .find(|((n, _), renamed)| n == ns && *renamed == table)
                .map_or(table.clone(), |((_, original), _)| original.clone());
            back.columns
                .insert((ns.clone(), source_table, new.clone()), old.clone());
        }
        back
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_parse_or_say_why_not() {
        let mut r = Renames::default();
        r.add_hint("public", "users.name=users.full_name").ok();
        r.add_hint("public", "people=persons").ok();
        assert_eq!(
            r.columns
                .get(&("public".into(), "users".into(), "name".into())),
            Some(&"full_name".to_string())
        );
        assert_eq!(
            r.tables.get(&("public".into(), "people".into())),
            Some(&"persons".to_string())
        );
        let back = r.inverse();
        assert_eq!(
            back.tables.get(&("public".into(), "persons".into())),
            Some(&"people".to_string())
        );
        assert!(r.add_hint("public", "a.b=c.d").is_err());
        assert!(r.add_hint("public", "nothing").is_err());
        assert!(r.add_hint("public", "a.=b.c").is_err());
    }
}
