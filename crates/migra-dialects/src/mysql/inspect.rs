//! Reads a live MySQL/MariaDB database (the connection's current database) into the neutral
//! model from `information_schema` (queries in `queries/*.sql`). Triggers, routines, events and
//! partitions are listed as unmodelled. migra's history tables are left out.

use super::backend::{MysqlBackend, map_err};
use migra_core::schema::{
    Check, Column, ColumnDefault, ColumnType, Database, FkAction, ForeignKey, Generated, Identity,
    Index, IndexPart, Namespace, PrimaryKey, Table, TypeKind, Unmodelled, View,
};
use migra_core::{BackendError, Inspector, async_trait, dialect::quote_with};
use sqlx::Row;
use sqlx::mysql::MySqlRow;
use std::collections::BTreeMap;

async fn rows(b: &mut MysqlBackend, sql: &'static str) -> Result<Vec<MySqlRow>, BackendError> {
    sqlx::query(sql)
        .fetch_all(&mut b.conn)
        .await
        .map_err(map_err)
}

impl MysqlBackend {
    async fn count_rows(&mut self) -> Result<Vec<(String, String, u64)>, BackendError> {
        let rows = rows(
            self,
            "SELECT CAST(TABLE_SCHEMA AS CHAR), CAST(TABLE_NAME AS CHAR), CAST(coalesce(TABLE_ROWS, 0) AS UNSIGNED) \
             FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'",
        )
        .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get::<u64, _>(2)))
            .collect())
    }

    async fn read_schema(&mut self, namespaces: &[String]) -> Result<Database, BackendError> {
        let current: Option<String> = sqlx::query_scalar("SELECT CAST(DATABASE() AS CHAR)")
            .fetch_one(&mut self.conn)
            .await
            .map_err(map_err)?;
        let Some(current) = current else {
            return Ok(Database::default());
        };
        if !namespaces.is_empty() && !namespaces.contains(&current) {
            return Ok(Database::default());
        }
        let own = [
            self.tables.name.clone(),
            format!("{}_log", self.tables.name),
            format!("{}_kv", self.tables.name),
            format!("{}_lock", self.tables.name),
        ];
        let mut ns = Namespace {
            name: current,
            ..Namespace::default()
        };
        // Table name -> (position, default collation): rows find their table without a scan.
        let mut slots = BTreeMap::<String, (usize, String)>::new();
        for r in rows(self, include_str!("queries/tables.sql")).await? {
            let name: String = r.get(0);
            if own.contains(&name) || crate::rows::is_backup_table(&self.tables.name, &name) {
                continue;
            }
            let comment: String = r.get(1);
            slots.insert(name.clone(), (ns.tables.len(), r.get::<String, _>(2)));
            ns.tables.push(Table {
                name,
                comment: (!comment.is_empty()).then_some(comment),
                ..Table::default()
            });
        }
        for r in rows(self, include_str!("queries/columns.sql")).await? {
            if let Some((i, collation)) = slots.get(&r.get::<String, _>(0)) {
                ns.tables[*i].columns.push(column(&r, collation));
            }
        }
        for r in rows(self, include_str!("queries/indexes.sql")).await? {
            if let Some(t) = slots
                .get(&r.get::<String, _>(0))
                .and_then(|(i, _)| ns.tables.get_mut(*i))
            {
                index_part(t, &r);
            }
        }
        let schema = ns.name.clone();
        for r in rows(self, include_str!("queries/foreign_keys.sql")).await? {
            if let Some(t) = slots
                .get(&r.get::<String, _>(0))
                .and_then(|(i, _)| ns.tables.get_mut(*i))
            {
                foreign_key_part(t, &r, &schema);
            }
        }
        for r in rows(self, include_str!("queries/checks.sql")).await? {
            if let Some(t) = slots
                .get(&r.get::<String, _>(0))
                .and_then(|(i, _)| ns.tables.get_mut(*i))
            {
                t.checks.push(Check {
                    name: Some(r.get(1)),
                    expression: r.get(2),
                });
            }
        }
        let mut db = Database::default();
        for r in rows(self, include_str!("queries/others.sql")).await? {
            let (kind, name, text): (String, String, Option<String>) =
                (r.get(0), r.get(1), r.get(2));
            if kind == "view" {
                // The server qualifies every name with the current database; without that
                // qualifier the definition means the same in another database.
                let qualifier = format!("{}.", quote_with(&ns.name, '`'));
                ns.views.push(View {
                    name,
                    definition: text.unwrap_or_default().replace(&qualifier, ""),
                    materialized: false,
                    comment: None,
                });
            } else {
                db.unmodelled.push(Unmodelled { kind, name });
            }
        }
        db.namespaces.push(ns);
        Ok(db)
    }
}

fn column(r: &MySqlRow, table_collation: &str) -> Column {
    let raw: String = r.get(2);
    let extra_text: String = r.get(5);
    let extra = extra_text.to_ascii_lowercase();
    // MariaDB: "on update current_timestamp()"; MySQL 8: "DEFAULT_GENERATED on update CURRENT_TIMESTAMP".
    let on_update = extra
        .find("on update ")
        .map(|i| extra_text[i + "on update ".len()..].trim().to_string());
    let expression: String = r.get(6);
    let collation: String = r.get(7);
    let comment: String = r.get(8);
    let default: Option<String> = r.get(4);
    let generated = (extra.contains("generated") && !expression.is_empty()).then(|| Generated {
        expression,
        stored: extra.contains("stored"),
    });
    Column {
        name: r.get(1),
        r#type: ColumnType {
            kind: type_kind(&raw),
            raw,
        },
        nullable: r.get::<String, _>(3) == "YES",
        // MariaDB reports "no default" on a nullable column as the text NULL.
        default: if generated.is_some() {
            None
        } else {
            default.filter(|d| d != "NULL").map(|d| column_default(&d))
        },
        identity: extra.contains("auto_increment").then_some(Identity {
            always: false,
            start: None,
            increment: None,
        }),
        generated,
        collation: (!collation.is_empty() && collation != table_collation).then_some(collation),
        comment: (!comment.is_empty()).then_some(comment),
        on_update,
    }
}

fn column_default(d: &str) -> ColumnDefault {
    let literal = d.starts_with('\'') || d.parse::<f64>().is_ok();
    if literal {
        ColumnDefault::Literal(d.to_string())
    } else {
        ColumnDefault::Expression(d.to_string())
    }
}

fn index_part(t: &mut Table, r: &MySqlRow) {
    let (name, non_unique, column): (String, i64, String) = (r.get(1), r.get(2), r.get(3));
    let (prefix, kind, order): (Option<i64>, String, String) = (r.get(4), r.get(5), r.get(6));
    if name == "PRIMARY" {
        t.primary_key
            .get_or_insert_with(|| PrimaryKey {
                name: None,
                columns: Vec::new(),
            })
            .columns
            .push(column);
        return;
    }
    if t.indexes.last().is_none_or(|i| i.name != name) {
        let method = (kind != "BTREE").then_some(kind);
        t.indexes.push(Index {
            name,
            parts: Vec::new(),
            unique: non_unique == 0,
            predicate: None,
            method,
            include: Vec::new(),
            constraint: false,
        });
    }
    if let Some(i) = t.indexes.last_mut() {
        i.parts.push(IndexPart::Column {
            name: column,
            desc: order == "D",
            prefix: prefix.map(|p| p as u32),
            opclass: None,
        });
    }
}

fn foreign_key_part(t: &mut Table, r: &MySqlRow, own_schema: &str) {
    let name: String = r.get(1);
    let ref_schema: Option<String> = r.get(3);
    if t.foreign_keys.last().is_none_or(|f| f.name != name) {
        t.foreign_keys.push(ForeignKey {
            name,
            columns: Vec::new(),
            // Only a reference into another database names it.
            ref_namespace: ref_schema.filter(|s| s != own_schema),
            ref_table: r.get(4),
            ref_columns: Vec::new(),
            on_update: action(&r.get::<String, _>(6)),
            on_delete: action(&r.get::<String, _>(7)),
            deferrable: false,
            initially_deferred: false,
        });
    }
    if let Some(f) = t.foreign_keys.last_mut() {
        f.columns.push(r.get(2));
        f.ref_columns.push(r.get(5));
    }
}

fn action(rule: &str) -> FkAction {
    match rule {
        "CASCADE" => FkAction::Cascade,
        "SET NULL" => FkAction::SetNull,
        "SET DEFAULT" => FkAction::SetDefault,
        "RESTRICT" => FkAction::Restrict,
        _ => FkAction::NoAction,
    }
}

/// MySQL's `COLUMN_TYPE` spelling read into a kind (inline `ENUM` values included).
pub(super) fn type_kind(raw: &str) -> TypeKind {
    let lower = raw.to_ascii_lowercase();
    let unsigned = lower.contains("unsigned");
    let base = lower.split(['(', ' ']).next().unwrap_or("");
    let inside = lower
        .split_once('(')
        .and_then(|(_, r)| r.rsplit_once(')'))
        .map(|(a, _)| a)
        .unwrap_or("");
    let nums: Vec<u32> = inside
        .split(',')
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    match base {
        "tinyint" => TypeKind::Integer { bits: 8, unsigned },
        "smallint" => TypeKind::Integer { bits: 16, unsigned },
        "mediumint" => TypeKind::Integer { bits: 24, unsigned },
        "int" | "integer" => TypeKind::Integer { bits: 32, unsigned },
        "bigint" => TypeKind::Integer { bits: 64, unsigned },
        "decimal" | "numeric" => TypeKind::Decimal {
            precision: nums.first().copied(),
            scale: nums.get(1).copied(),
        },
        "float" => TypeKind::Float { bits: 32 },
        "double" | "real" => TypeKind::Float { bits: 64 },
        "varchar" => TypeKind::String {
            length: nums.first().copied(),
            fixed: false,
        },
        "char" => TypeKind::String {
            length: nums.first().copied(),
            fixed: true,
        },
        "tinytext" | "text" | "mediumtext" | "longtext" => TypeKind::Text,
        "binary" | "varbinary" => TypeKind::Binary {
            length: nums.first().copied(),
        },
        "tinyblob" | "blob" | "mediumblob" | "longblob" => TypeKind::Binary { length: None },
        "date" => TypeKind::Date,
        "datetime" | "timestamp" => TypeKind::Timestamp { tz: false },
        "time" => TypeKind::Time { tz: false },
        "json" => TypeKind::Json { binary: false },
        "uuid" => TypeKind::Uuid,
        "enum" => TypeKind::Enum {
            name: String::new(),
            values: quoted_list(raw),
        },
        "set" => TypeKind::Set {
            values: quoted_list(raw),
        },
        _ => TypeKind::Unsupported,
    }
}

/// The values of `enum('a','it''s')` as information_schema spells them: each quoted, a quote
/// inside doubled. Text outside quotes (commas, parentheses) separates values.
fn quoted_list(raw: &str) -> Vec<String> {
    let inner = raw.find('(').map_or("", |i| &raw[i + 1..]);
    let mut values = Vec::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        let mut value = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\'' if chars.peek() == Some(&'\'') => {
                    chars.next();
                    value.push('\'');
                }
                '\'' => break,
                _ => value.push(c),
            }
        }
        values.push(value);
    }
    values
}

#[async_trait]
impl Inspector for MysqlBackend {
    async fn inspect(&mut self, namespaces: &[String]) -> Result<Database, BackendError> {
        crate::guard::guarded(self.read_schema(namespaces)).await
    }

    async fn table_rows(&mut self) -> Result<Vec<(String, String, u64)>, BackendError> {
        crate::guard::guarded(self.count_rows()).await
    }

    async fn count(
        &mut self,
        sql: &str,
        timeout: std::time::Duration,
    ) -> Result<u64, BackendError> {
        crate::guard::guarded(self.probe_count(sql, timeout)).await
    }

    async fn server_version(&mut self) -> Result<String, BackendError> {
        crate::guard::guarded(self.read_server_version()).await
    }

    async fn table_fingerprint(
        &mut self,
        namespace: &str,
        table: &str,
        columns: &[String],
    ) -> Result<migra_core::TableFingerprint, BackendError> {
        crate::fingerprint::read(self, namespace, table, columns).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_and_set_values_keep_quotes_commas_and_parentheses() {
        assert_eq!(
            type_kind("enum('a','it''s','x,y','(z)')"),
            TypeKind::Enum {
                name: String::new(),
                values: vec!["a".into(), "it's".into(), "x,y".into(), "(z)".into()],
            }
        );
        assert_eq!(
            type_kind("set('Trailers','Deleted Scenes','')"),
            TypeKind::Set {
                values: vec!["Trailers".into(), "Deleted Scenes".into(), String::new()],
            }
        );
    }
}
