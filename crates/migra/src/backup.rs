//! Planning backups (`migra apply --backup`): which statements of which migrations drop a table or
//! a column, read by replaying the directory, and the statements that copy the data aside and put
//! it back. Backup tables are named `<history>_bk_<version>_<table>[_<column>]`, so inspection
//! leaves them out like migra's other tables.

use migra_core::schema::Table;
use migra_core::{BackupAction, Change, Checksum, DialectId, Migration, TableChange};
use migra_validate::{Config, Schema, Target, Validator};

/// The backups to make for every migration of `migrations` (the executor makes those of the
/// migrations it runs). `history` is the history table's name.
pub fn plan(migrations: &[Migration], target: Target, history: &str) -> Vec<BackupAction> {
    let dialect = target.dialect;
    let v = Validator::new(target, Config::default());
    let mut schema = Schema::default();
    let mut out = Vec::new();
    for m in migrations {
        schema.begin_script();
        for (i, s) in m.up.statements.iter().enumerate() {
            // The table as it is before the statement runs.
            let before = schema.clone();
            for c in v.replay_one(&mut schema, &s.sql).lowered.changes {
                let cx = Cx {
                    dialect,
                    history,
                    m,
                    statement: i,
                };
                match &c {
                    Change::DropTable { namespace, table } => out.push(cx.table(namespace, table)),
                    Change::ModifyTable {
                        namespace,
                        table,
                        changes,
                    } => {
                        let Some(t) = before.table(namespace, table) else {
                            continue;
                        };
                        for tc in changes {
                            if let TableChange::DropColumn { column } = tc {
                                out.push(cx.column(namespace, t, &column.name));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

struct Cx<'a> {
    dialect: DialectId,
    history: &'a str,
    m: &'a Migration,
    statement: usize,
}

impl Cx<'_> {
    fn q(&self, s: &str) -> String {
        self.dialect.quote_ident(s)
    }

    fn qualified(&self, ns: &str, name: &str) -> String {
        if ns.is_empty() {
            self.q(name)
        } else {
            format!("{}.{}", self.q(ns), self.q(name))
        }
    }

    /// `<history>_bk_<version>_<parts>`, made of letters, digits and `_`, at most 63 characters
    /// (PostgreSQL's limit; a hash keeps longer names apart).
    fn name(&self, parts: &[&str]) -> String {
        let raw = format!("{}_bk_{}_{}", self.history, self.m.version, parts.join("_"));
        let clean: String = raw
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        if clean.len() <= 63 {
            return clean;
        }
        let hash = &Checksum::of_parts(&[&raw]).hex[..8];
        format!("{}_{hash}", &clean[..54])
    }

    fn action(
        &self,
        object: String,
        bk: String,
        copy: String,
        restore: Vec<String>,
    ) -> BackupAction {
        BackupAction {
            sort_key: self.m.version.sort_key().to_string(),
            statement: self.statement,
            object,
            copy: vec![format!("DROP TABLE IF EXISTS {bk}"), copy],
            restore,
            verify: None,
            backup_table: String::new(),
        }
    }

    fn table(&self, ns: &str, t: &Table) -> BackupAction {
        let name = self.name(&[&t.name]);
        let (bk, src) = (self.qualified(ns, &name), self.qualified(ns, &t.name));
        let cols: Vec<String> = t.columns.iter().map(|c| self.q(&c.name)).collect();
        let restore = format!(
            "INSERT INTO {src} ({0}) SELECT {0} FROM {bk}",
            cols.join(", ")
        );
        let mut a = self.action(
            format!("table {}", t.name),
            bk.clone(),
            format!("CREATE TABLE {bk} AS SELECT * FROM {src}"),
            vec![restore],
        );
        a.backup_table = name;
        a.verify = Some(format!(
            "SELECT (SELECT count(*) FROM {src}) >= (SELECT count(*) FROM {bk})"
        ));
        a
    }

    fn column(&self, ns: &str, t: &Table, column: &str) -> BackupAction {
        let name = self.name(&[&t.name, column]);
        let (bk, src) = (self.qualified(ns, &name), self.qualified(ns, &t.name));
        let c = self.q(column);
        let pk: Vec<String> = t
            .primary_key
            .as_ref()
            .map(|k| k.columns.iter().map(|c| self.q(c)).collect())
            .unwrap_or_default();
        let object = format!("column {}.{column}", t.name);
        let mut a = if pk.is_empty() {
            // Without a key the values cannot be matched to their rows again: copy whole rows,
            // restore by hand.
            self.action(
                object,
                bk.clone(),
                format!("CREATE TABLE {bk} AS SELECT * FROM {src}"),
                Vec::new(),
            )
        } else {
            let matched: Vec<String> = pk.iter().map(|k| format!("b.{k} = {src}.{k}")).collect();
            let restore = format!(
                "UPDATE {src} SET {c} = (SELECT b.{c} FROM {bk} b WHERE {})",
                matched.join(" AND ")
            );
            let copy = format!(
                "CREATE TABLE {bk} AS SELECT {}, {c} FROM {src}",
                pk.join(", ")
            );
            let mut a = self.action(object, bk.clone(), copy, vec![restore]);
            let on: Vec<String> = pk.iter().map(|k| format!("b.{k} = t.{k}")).collect();
            a.verify = Some(format!(
                "SELECT NOT EXISTS (SELECT 1 FROM {bk} b JOIN {src} t ON {} WHERE b.{c} IS NOT NULL AND t.{c} IS NULL)",
                on.join(" AND ")
            ));
            a
        };
        a.backup_table = name;
        a
    }
}
