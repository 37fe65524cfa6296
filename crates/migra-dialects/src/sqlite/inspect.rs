//! Reads a live SQLite database into the neutral model, from `sqlite_master` and the table,
//! index and foreign-key pragmas (plus the stored `CREATE` text for what pragmas do not report).
//! migra's own history tables are left out; triggers are listed as unmodelled.

use super::backend::{SqliteBackend, map_err};
use super::sqltext;
use migra_core::schema::{
    Check, Column, ColumnDefault, ColumnType, Database, FkAction, ForeignKey, Generated, Identity,
    Index, IndexPart, Namespace, PrimaryKey, Table, TypeKind, Unmodelled, View,
};
use migra_core::{BackendError, Inspector, async_trait};
use sqlx::{AssertSqlSafe, Row};

impl SqliteBackend {
    async fn count_rows(&mut self) -> Result<Vec<(String, String, u64)>, BackendError> {
        // SQLite keeps no row estimates: tables are counted (from their smallest index).
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .fetch_all(self.conn())
        .await
        .map_err(map_err)?;
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            let sql = format!(
                "SELECT count(*) FROM {}",
                migra_core::dialect::quote_with(&name, '"')
            );
            let n: i64 = sqlx::query_scalar(AssertSqlSafe(sql))
                .fetch_one(self.conn())
                .await
                .map_err(map_err)?;
            out.push(("main".to_string(), name, n.max(0) as u64));
        }
        Ok(out)
    }

    async fn read_schema(&mut self, namespaces: &[String]) -> Result<Database, BackendError> {
        if !namespaces.is_empty() && !namespaces.iter().any(|n| n == "main") {
            return Ok(Database::default());
        }
        let own = [
            self.tables.name.clone(),
            format!("{}_log", self.tables.name),
            format!("{}_kv", self.tables.name),
            format!("{}_lock", self.tables.name),
        ];
        let objects = sqlx::query(
            "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master \
             WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
        )
        .fetch_all(self.conn())
        .await
        .map_err(map_err)?;
        let mut ns = Namespace {
            name: "main".into(),
            ..Namespace::default()
        };
        let mut db = Database::default();
        for o in &objects {
            let (kind, name, table, sql): (String, String, String, String) =
                (o.get(0), o.get(1), o.get(2), o.get(3));
            if own.contains(&table) || crate::rows::is_backup_table(&self.tables.name, &table) {
                continue;
            }
            match kind.as_str() {
                "table" => ns.tables.push(self.table(&name, &sql).await?),
                "view" => ns.views.push(View {
                    name,
                    definition: view_body(&sql),
                    materialized: false,
                    comment: None,
                }),
                "index" => {}
                other => db.unmodelled.push(Unmodelled {
                    kind: other.to_string(),
                    name,
                }),
            }
        }
        db.namespaces.push(ns);
        Ok(db)
    }
}

impl SqliteBackend {
    async fn table(&mut self, name: &str, sql: &str) -> Result<Table, BackendError> {
        let cols = sqlx::query(
            "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?1) ORDER BY cid",
        )
        .bind(name)
        .fetch_all(self.conn())
        .await
        .map_err(map_err)?;
        let autoincrement = sqltext::find_word(sql, "autoincrement", 0).is_some();
        let mut columns = Vec::new();
        let mut pk: Vec<(i64, String)> = Vec::new();
        for c in &cols {
            let (cname, decl, notnull, default, pk_pos, hidden): (
                String,
                String,
                i64,
                Option<String>,
                i64,
                i64,
            ) = (c.get(0), c.get(1), c.get(2), c.get(3), c.get(4), c.get(5));
            if pk_pos > 0 {
                pk.push((pk_pos, cname.clone()));
            }
            let generated = (hidden == 2 || hidden == 3)
                .then(|| sqltext::generated(sql, &cname))
                .flatten()
                .map(|(expression, stored)| Generated { expression, stored });
            let rowid_alias = pk_pos == 1 && decl.eq_ignore_ascii_case("integer");
            let name_for_collation = cname.clone();
            columns.push(Column {
                r#type: ColumnType {
                    kind: type_kind(&decl),
                    raw: decl,
                },
                name: cname,
                nullable: notnull == 0 && pk_pos == 0,
                default: default.map(|d| column_default(&d)),
                identity: (rowid_alias && autoincrement).then_some(Identity {
                    always: false,
                    start: None,
                    increment: None,
                }),
                generated,
                collation: sqltext::collation(sql, &name_for_collation),
                comment: None,
                on_update: None,
            });
        }
        pk.sort();
        let primary_key = (!pk.is_empty()).then(|| PrimaryKey {
            name: None,
            columns: pk.into_iter().map(|(_, c)| c).collect(),
        });
        let indexes = self.indexes(name).await?;
        let foreign_keys = self.foreign_keys(name).await?;
        let checks = sqltext::checks(sql)
            .into_iter()
            .map(|(name, expression)| Check { name, expression })
            .collect();
        Ok(Table {
            name: name.to_string(),
            columns,
            primary_key,
            indexes,
            foreign_keys,
            checks,
            comment: None,
        })
    }

    async fn indexes(&mut self, table: &str) -> Result<Vec<Index>, BackendError> {
        let list = sqlx::query(
            "SELECT l.name, l.\"unique\", l.origin, coalesce(m.sql, '') FROM pragma_index_list(?1) l \
             LEFT JOIN sqlite_master m ON m.type = 'index' AND m.name = l.name ORDER BY l.name",
        )
        .bind(table)
        .fetch_all(self.conn())
        .await
        .map_err(map_err)?;
        let mut out = Vec::new();
        for l in &list {
            let (name, unique, origin, sql): (String, i64, String, String) =
                (l.get(0), l.get(1), l.get(2), l.get(3));
            if origin == "pk" {
                continue;
            }
            let keys = sqlx::query(AssertSqlSafe(
                "SELECT cid, coalesce(name, ''), \"desc\" FROM pragma_index_xinfo(?1) WHERE key = 1 ORDER BY seqno".to_string(),
            ))
            .bind(&name)
            .fetch_all(self.conn())
            .await
            .map_err(map_err)?;
            let (written, predicate) = if sql.is_empty() {
                (Vec::new(), None)
            } else {
                sqltext::index_parts(&sql)
            };
            let parts = keys
                .iter()
                .enumerate()
                .map(|(i, k)| {
                    let (cid, col, desc): (i64, String, i64) = (k.get(0), k.get(1), k.get(2));
                    if cid == -2 {
                        let sql = strip_order(written.get(i).map_or("", String::as_str));
                        IndexPart::Expression {
                            sql,
                            desc: desc == 1,
                            opclass: None,
                        }
                    } else {
                        IndexPart::Column {
                            name: col,
                            desc: desc == 1,
                            prefix: None,
                            opclass: None,
                        }
                    }
                })
                .collect();
            out.push(Index {
                name,
                parts,
                unique: unique == 1,
                predicate,
                method: None,
                include: Vec::new(),
                constraint: origin == "u",
            });
        }
        Ok(out)
    }

    async fn foreign_keys(&mut self, table: &str) -> Result<Vec<ForeignKey>, BackendError> {
        let rows = sqlx::query(
            "SELECT id, \"table\", \"from\", coalesce(\"to\", ''), on_update, on_delete FROM pragma_foreign_key_list(?1) \
             ORDER BY id, seq",
        )
        .bind(table)
        .fetch_all(self.conn())
        .await
        .map_err(map_err)?;
        let mut out: Vec<(i64, ForeignKey)> = Vec::new();
        for r in &rows {
            let (id, ref_table, from, to, on_update, on_delete): (
                i64,
                String,
                String,
                String,
                String,
                String,
            ) = (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5));
            if out.last().is_none_or(|(last, _)| *last != id) {
                out.push((
                    id,
                    ForeignKey {
                        // SQLite does not report foreign keys' constraint names: unnamed, so the
                        // differ pairs them by definition.
                        name: String::new(),
                        columns: Vec::new(),
                        ref_namespace: None,
                        ref_table,
                        ref_columns: Vec::new(),
                        on_update: action(&on_update),
                        on_delete: action(&on_delete),
                        deferrable: false,
                        initially_deferred: false,
                    },
                ));
            }
            if let Some((_, fk)) = out.last_mut() {
                fk.columns.push(from);
                if !to.is_empty() {
                    fk.ref_columns.push(to);
                }
            }
        }
        Ok(out.into_iter().map(|(_, fk)| fk).collect())
    }
}

/// The written key part without a trailing `ASC`/`DESC`/`COLLATE x` (kept in `desc`).
fn strip_order(written: &str) -> String {
    let mut s = written.trim().to_string();
    for kw in [" DESC", " ASC", " desc", " asc"] {
        if let Some(stripped) = s.strip_suffix(kw) {
            s = stripped.trim_end().to_string();
        }
    }
    s
}

fn action(s: &str) -> FkAction {
    match s.to_ascii_uppercase().as_str() {
        "CASCADE" => FkAction::Cascade,
        "SET NULL" => FkAction::SetNull,
        "SET DEFAULT" => FkAction::SetDefault,
        "RESTRICT" => FkAction::Restrict,
        _ => FkAction::NoAction,
    }
}

fn view_body(sql: &str) -> String {
    sqltext::find_word(sql, "as", 0)
        .map_or_else(|| sql.to_string(), |at| sql[at + 2..].trim().to_string())
}

fn column_default(text: &str) -> ColumnDefault {
    let t = text.trim();
    let literal = t.starts_with('\'')
        || t.parse::<f64>().is_ok()
        || ["NULL", "TRUE", "FALSE"]
            .iter()
            .any(|k| t.eq_ignore_ascii_case(k));
    if literal {
        ColumnDefault::Literal(t.to_string())
    } else {
        ColumnDefault::Expression(t.to_string())
    }
}

/// SQLite's declared type read by its affinity rules, with common spellings recognised.
pub(super) fn type_kind(decl: &str) -> TypeKind {
    let d = decl.to_ascii_uppercase();
    let args: Vec<u32> = d
        .split_once('(')
        .map(|(_, rest)| {
            rest.trim_end_matches(')')
                .split(',')
                .filter_map(|a| a.trim().parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let base = d.split('(').next().unwrap_or("").trim();
    match base {
        "BOOLEAN" | "BOOL" => TypeKind::Boolean,
        "DATE" => TypeKind::Date,
        "DATETIME" | "TIMESTAMP" => TypeKind::Timestamp { tz: false },
        "TIME" => TypeKind::Time { tz: false },
        "UUID" => TypeKind::Uuid,
        "JSON" => TypeKind::Json { binary: false },
        "DECIMAL" | "NUMERIC" => TypeKind::Decimal {
            precision: args.first().copied(),
            scale: args.get(1).copied(),
        },
        _ if base.contains("INT") => {
            let bits = if base.starts_with("TINY") {
                8
            } else if base.starts_with("SMALL") {
                16
            } else if base == "INT" || base == "MEDIUMINT" {
                32
            } else {
                64
            };
            TypeKind::Integer {
                bits,
                unsigned: d.contains("UNSIGNED"),
            }
        }
        _ if base.contains("CHAR") => TypeKind::String {
            length: args.first().copied(),
            fixed: base == "CHAR" || base == "NCHAR" || base == "CHARACTER",
        },
        _ if base.contains("CLOB") || base.contains("TEXT") => TypeKind::Text,
        _ if base.contains("BLOB") || base.is_empty() => TypeKind::Binary { length: None },
        _ if base.contains("REAL") || base.contains("FLOA") || base.contains("DOUB") => {
            TypeKind::Float { bits: 64 }
        }
        _ => TypeKind::Unsupported,
    }
}

#[async_trait]
impl Inspector for SqliteBackend {
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
        let _ = timeout;
        crate::guard::guarded(self.probe_count(sql)).await
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
