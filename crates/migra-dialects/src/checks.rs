//! Verification queries: for a change, one catalog query that returns true once the change is in
//! effect (rollback plans attach one to every step). PostgreSQL and MySQL read
//! `information_schema`, SQLite its `sqlite_master` and table-valued pragmas.

use migra_core::{Change, DialectId, TableChange};

/// A SQL string literal.
fn lit(s: &str) -> String {
    migra_core::dialect::quote_with(s, '\'')
}

/// The catalog's view of one dialect.
struct Catalog {
    dialect: DialectId,
}

impl Catalog {
    /// `table_schema = <the namespace>`: the given one, else the connection's current one.
    fn schema(&self, ns: &str) -> String {
        match (self.dialect, ns.is_empty()) {
            (DialectId::Mysql, _) => "table_schema = DATABASE()".into(),
            (_, true) => "table_schema = current_schema()".into(),
            (_, false) => format!("table_schema = {}", lit(ns)),
        }
    }

    fn table(&self, ns: &str, t: &str, view: bool) -> String {
        if self.dialect == DialectId::Sqlite {
            let kind = if view { "view" } else { "table" };
            return format!(
                "EXISTS (SELECT 1 FROM sqlite_master WHERE type = '{kind}' AND name = {})",
                lit(t)
            );
        }
        let from = if view { "views" } else { "tables" };
        format!(
            "EXISTS (SELECT 1 FROM information_schema.{from} WHERE {} AND table_name = {})",
            self.schema(ns),
            lit(t)
        )
    }

    fn column(&self, ns: &str, t: &str, c: &str, nullable: Option<bool>) -> String {
        if self.dialect == DialectId::Sqlite {
            let null = nullable.map_or(String::new(), |n| {
                format!(" AND \"notnull\" = {}", i32::from(!n))
            });
            return format!(
                "EXISTS (SELECT 1 FROM pragma_table_info({}) WHERE name = {}{null})",
                lit(t),
                lit(c)
            );
        }
        let null = nullable.map_or(String::new(), |n| {
            format!(" AND is_nullable = '{}'", if n { "YES" } else { "NO" })
        });
        format!(
            "EXISTS (SELECT 1 FROM information_schema.columns WHERE {} AND table_name = {} AND column_name = {}{null})",
            self.schema(ns),
            lit(t),
            lit(c)
        )
    }

    fn index(&self, ns: &str, t: &str, i: &str) -> String {
        match self.dialect {
            DialectId::Sqlite => format!(
                "EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = {})",
                lit(i)
            ),
            DialectId::Mysql => format!(
                "EXISTS (SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE() \
                 AND table_name = {} AND index_name = {})",
                lit(t),
                lit(i)
            ),
            _ => {
                let ns = if ns.is_empty() {
                    "current_schema()".to_string()
                } else {
                    lit(ns)
                };
                format!(
                    "EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = {ns} AND indexname = {})",
                    lit(i)
                )
            }
        }
    }

    /// A named constraint of `kind` (`FOREIGN KEY`, `CHECK`); SQLite cannot look one up by name.
    fn constraint(&self, ns: &str, t: &str, name: &str, kind: &str) -> Option<String> {
        if self.dialect == DialectId::Sqlite {
            return None;
        }
        Some(format!(
            "EXISTS (SELECT 1 FROM information_schema.table_constraints WHERE {} AND table_name = {} \
             AND constraint_name = {} AND constraint_type = '{kind}')",
            // The table's schema, not the constraint's: MariaDB looks information_schema up by
            // TABLE_SCHEMA, and a CONSTRAINT_SCHEMA filter opens every table of every database.
            self.schema(ns),
            lit(t),
            lit(name)
        ))
    }

    fn table_change(&self, ns: &str, t: &str, c: &TableChange) -> Option<String> {
        let not = |s: String| format!("NOT {s}");
        Some(match c {
            TableChange::AddColumn { column } => self.column(ns, t, &column.name, None),
            TableChange::DropColumn { column } => not(self.column(ns, t, &column.name, None)),
            TableChange::RenameColumn { from, to } => format!(
                "{} AND NOT {}",
                self.column(ns, t, to, None),
                self.column(ns, t, from, None)
            ),
            TableChange::ModifyColumn { to, .. } => self.column(ns, t, &to.name, Some(to.nullable)),
            TableChange::AddIndex { index } => self.index(ns, t, &index.name),
            TableChange::DropIndex { index } => not(self.index(ns, t, &index.name)),
            TableChange::AddForeignKey { key } => {
                self.constraint(ns, t, &key.name, "FOREIGN KEY")?
            }
            TableChange::DropForeignKey { key } => {
                not(self.constraint(ns, t, &key.name, "FOREIGN KEY")?)
            }
            TableChange::AddCheck { check } => {
                self.constraint(ns, t, check.name.as_deref()?, "CHECK")?
            }
            TableChange::DropCheck { check } => {
                not(self.constraint(ns, t, check.name.as_deref()?, "CHECK")?)
            }
            _ => return None,
        })
    }
}

/// The query that returns true once `change` is in effect, or `None` when the catalog cannot
/// tell (primary keys, comments, SQLite constraints, MongoDB).
pub fn verification(dialect: DialectId, change: &Change) -> Option<String> {
    if dialect == DialectId::Mongodb {
        return None;
    }
    let c = Catalog { dialect };
    let cond = match change {
        Change::AddTable { namespace, table } => c.table(namespace, &table.name, false),
        Change::DropTable { namespace, table } => {
            format!("NOT {}", c.table(namespace, &table.name, false))
        }
        Change::RenameTable {
            namespace,
            from,
            to,
        } => format!(
            "{} AND NOT {}",
            c.table(namespace, to, false),
            c.table(namespace, from, false)
        ),
        Change::AddView { namespace, view } => c.table(namespace, &view.name, true),
        Change::DropView { namespace, view } => {
            format!("NOT {}", c.table(namespace, &view.name, true))
        }
        Change::ModifyTable {
            namespace,
            table,
            changes,
        } => {
            let parts: Vec<String> = changes
                .iter()
                .filter_map(|tc| c.table_change(namespace, table, tc))
                .collect();
            if parts.is_empty() {
                return None;
            }
            parts.join(" AND ")
        }
        _ => return None,
    };
    Some(format!("SELECT {cond}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use migra_core::schema::Table;

    fn table(name: &str) -> Table {
        Table {
            name: name.into(),
            ..Default::default()
        }
    }

    #[test]
    fn drop_table_checks_the_catalog_per_dialect() {
        let c = Change::DropTable {
            namespace: String::new(),
            table: table("o'brien"),
        };
        assert_eq!(
            verification(DialectId::Postgres, &c).as_deref(),
            Some(
                "SELECT NOT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'o''brien')"
            )
        );
        assert_eq!(
            verification(DialectId::Sqlite, &c).as_deref(),
            Some(
                "SELECT NOT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'o''brien')"
            )
        );
        assert!(
            verification(DialectId::Mysql, &c)
                .expect("tables have a catalog query")
                .contains("DATABASE()")
        );
    }
}
