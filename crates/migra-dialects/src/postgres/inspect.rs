//! Reads a live PostgreSQL database into the neutral model from the system catalogs (queries in
//! `queries/*.sql`). Objects the model does not describe (triggers, functions, policies, rules,
//! domains, extensions, partitions) are listed by kind and name. migra's history tables are left out.

use super::backend::{PostgresBackend, map_err};
use migra_core::schema::{
    Check, Column, ColumnDefault, ColumnType, Database, EnumType, FkAction, ForeignKey, Generated,
    Identity, Index, IndexPart, Namespace, PrimaryKey, Sequence, Table, TypeKind, Unmodelled, View,
};
use migra_core::{BackendError, Inspector, async_trait};
use sqlx::Row;
use sqlx::postgres::PgRow;
use std::collections::BTreeMap;

async fn rows(
    b: &mut PostgresBackend,
    sql: &'static str,
    schemas: &[String],
) -> Result<Vec<PgRow>, BackendError> {
    sqlx::query(sql)
        .bind(schemas)
        .fetch_all(&mut b.conn)
        .await
        .map_err(map_err)
}

impl PostgresBackend {
    async fn count_rows(&mut self) -> Result<Vec<(String, String, u64)>, BackendError> {
        // reltuples is -1 for a table never analyzed: counted as unknown (0).
        let rows = sqlx::query(
            "SELECT n.nspname::text, c.relname::text, greatest(c.reltuples, 0)::float8 FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') \
             AND n.nspname NOT IN ('pg_catalog', 'information_schema')",
        )
        .fetch_all(&mut self.conn)
        .await
        .map_err(map_err)?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get::<f64, _>(2) as u64))
            .collect())
    }

    async fn read_schema(&mut self, namespaces: &[String]) -> Result<Database, BackendError> {
        let all = sqlx::query(include_str!("queries/schemas.sql"))
            .fetch_all(&mut self.conn)
            .await
            .map_err(map_err)?;
        let mut db = Database::default();
        let mut schemas = Vec::new();
        for r in &all {
            let name: String = r.get(0);
            if namespaces.is_empty() || namespaces.contains(&name) {
                schemas.push(name.clone());
                db.namespaces.push(Namespace {
                    name,
                    comment: r.get(1),
                    ..Namespace::default()
                });
            }
        }
        let own = [
            self.tables.name.clone(),
            format!("{}_log", self.tables.name),
            format!("{}_kv", self.tables.name),
        ];
        let ns_index = |db: &Database, n: &str| db.namespaces.iter().position(|x| x.name == n);
        for r in rows(self, include_str!("queries/tables.sql"), &schemas).await? {
            let (ns, name, comment, partition): (String, String, Option<String>, bool) =
                (r.get(0), r.get(1), r.get(2), r.get(3));
            if own.contains(&name) || crate::rows::is_backup_table(&self.tables.name, &name) {
                continue;
            }
            if partition {
                db.unmodelled.push(Unmodelled {
                    kind: "partition".into(),
                    name: format!("{ns}.{name}"),
                });
                continue;
            }
            if let Some(i) = ns_index(&db, &ns) {
                db.namespaces[i].tables.push(Table {
                    name,
                    comment,
                    ..Table::default()
                });
            }
        }
        let slots = Slots::new(&db);
        let mut names = AttNames::default();
        for r in rows(self, include_str!("queries/columns.sql"), &schemas).await? {
            let (ns, table): (String, String) = (r.get(0), r.get(1));
            if let Some(t) = slots.table(&mut db, &ns, &table) {
                let c = column(&r);
                names
                    .entry((ns, table))
                    .or_default()
                    .insert(r.get::<i16, _>(11), c.name.clone());
                t.columns.push(c);
            }
        }
        for r in rows(self, include_str!("queries/constraints.sql"), &schemas).await? {
            let ns: String = r.get(0);
            let table: String = r.get(1);
            if let Some(t) = slots.table(&mut db, &ns, &table) {
                constraint(t, &r, &ns, &table, &names);
            }
        }
        for r in rows(self, include_str!("queries/indexes.sql"), &schemas).await? {
            let (ns, table, name): (String, String, String) = (r.get(0), r.get(1), r.get(2));
            // An exclusion constraint is not an index the model can describe: listed instead.
            if r.get::<Option<String>, _>(10).as_deref() == Some("x") {
                db.unmodelled.push(Unmodelled {
                    kind: "exclusion constraint".into(),
                    name: format!("{ns}.{table}.{name}"),
                });
                continue;
            }
            let columns = names.get(&(ns.clone(), table.clone()));
            if let Some(t) = slots.table(&mut db, &ns, &table) {
                t.indexes.push(index(&r, columns));
            }
        }
        for r in rows(self, include_str!("queries/others.sql"), &schemas).await? {
            let (ns, kind, name, text): (String, String, String, Option<String>) =
                (r.get(0), r.get(1), r.get(2), r.get(3));
            let slot = ns_index(&db, &ns);
            match (kind.as_str(), slot) {
                ("enum", Some(i)) => db.namespaces[i].enums.push(EnumType {
                    name,
                    values: text
                        .unwrap_or_default()
                        .split('\n')
                        .filter(|v| !v.is_empty())
                        .map(str::to_string)
                        .collect(),
                }),
                ("view" | "materialized view", Some(i)) => db.namespaces[i].views.push(View {
                    name,
                    definition: text.unwrap_or_default().trim().to_string(),
                    materialized: kind != "view",
                    comment: None,
                }),
                ("sequence", Some(i)) => {
                    let seq = sequence(name, &text.unwrap_or_default());
                    let owner = seq
                        .owned_by
                        .as_deref()
                        .and_then(|o| o.split('.').next())
                        .unwrap_or("");
                    if !own.iter().any(|t| t == owner) {
                        db.namespaces[i].sequences.push(seq);
                    }
                }
                _ => {
                    let qualified = if ns.is_empty() {
                        name
                    } else {
                        format!("{ns}.{name}")
                    };
                    db.unmodelled.push(Unmodelled {
                        kind,
                        name: qualified,
                    });
                }
            }
        }
        Ok(db)
    }
}

/// Where each table sits in the model, so that each catalog row finds its table without a scan
/// (2,000 tables x 20,000 column rows made the scan quadratic).
struct Slots(BTreeMap<String, BTreeMap<String, (usize, usize)>>);

impl Slots {
    fn new(db: &Database) -> Self {
        let mut map = BTreeMap::<String, BTreeMap<String, (usize, usize)>>::new();
        for (i, n) in db.namespaces.iter().enumerate() {
            let tables = map.entry(n.name.clone()).or_default();
            for (j, t) in n.tables.iter().enumerate() {
                tables.insert(t.name.clone(), (i, j));
            }
        }
        Slots(map)
    }

    fn table<'a>(&self, db: &'a mut Database, ns: &str, table: &str) -> Option<&'a mut Table> {
        let (i, j) = *self.0.get(ns)?.get(table)?;
        db.namespaces.get_mut(i)?.tables.get_mut(j)
    }
}

fn column(r: &PgRow) -> Column {
    let raw: String = r.get(3);
    let typtype: String = r.get(4);
    let default: Option<String> = r.get(6);
    let identity: String = r.get(7);
    let generated: String = r.get(8);
    let (default, generated) = if generated == "s" {
        (
            None,
            default.map(|expression| Generated {
                expression,
                stored: true,
            }),
        )
    } else {
        (default.map(|d| column_default(&d)), None)
    };
    Column {
        name: r.get(2),
        r#type: ColumnType {
            kind: type_kind(&raw, &typtype),
            raw,
        },
        nullable: !r.get::<bool, _>(5),
        default,
        identity: (!identity.is_empty()).then(|| Identity {
            always: identity == "a",
            start: None,
            increment: None,
        }),
        generated,
        collation: r.get(9),
        comment: r.get(10),
        on_update: None,
    }
}

fn column_default(d: &str) -> ColumnDefault {
    let literal =
        d.starts_with('\'') || d.parse::<f64>().is_ok() || ["true", "false", "NULL"].contains(&d);
    if literal {
        ColumnDefault::Literal(d.to_string())
    } else {
        ColumnDefault::Expression(d.to_string())
    }
}

/// Column names by table and column number.
type AttNames = BTreeMap<(String, String), BTreeMap<i16, String>>;

/// The names of columns `numbers` of a table, in that order.
fn resolve(names: &AttNames, ns: &str, table: &str, numbers: &[i16]) -> Vec<String> {
    let cols = names.get(&(ns.to_string(), table.to_string()));
    numbers
        .iter()
        .map(|n| {
            cols.and_then(|c| c.get(n))
                .cloned()
                .unwrap_or_else(|| format!("#{n}"))
        })
        .collect()
}

fn constraint(t: &mut Table, r: &PgRow, own_schema: &str, table: &str, names: &AttNames) {
    let (name, kind): (String, String) = (r.get(2), r.get(3));
    let columns = resolve(
        names,
        own_schema,
        table,
        &r.get::<Option<Vec<i16>>, _>(4).unwrap_or_default(),
    );
    match kind.as_str() {
        "p" => {
            t.primary_key = Some(PrimaryKey {
                name: Some(name),
                columns,
            })
        }
        "f" => t.foreign_keys.push(ForeignKey {
            name,
            columns,
            // Only a reference into another schema names it.
            ref_namespace: r.get::<Option<String>, _>(5).filter(|s| s != own_schema),
            ref_table: r.get::<Option<String>, _>(6).unwrap_or_default(),
            ref_columns: match r.get::<Option<Vec<String>>, _>(13) {
                Some(outside) => outside,
                None => resolve(
                    names,
                    &r.get::<Option<String>, _>(5).unwrap_or_default(),
                    &r.get::<Option<String>, _>(6).unwrap_or_default(),
                    &r.get::<Option<Vec<i16>>, _>(7).unwrap_or_default(),
                ),
            },
            on_update: action(&r.get::<String, _>(8)),
            on_delete: action(&r.get::<String, _>(9)),
            deferrable: r.get(10),
            initially_deferred: r.get(11),
        }),
        _ => {
            let def: String = r.get(12);
            // Whether existing rows were validated (NOT VALID) is state, not shape: not modelled.
            let expression = def
                .strip_prefix("CHECK ")
                .unwrap_or(&def)
                .trim()
                .trim_end_matches(" NOT VALID")
                .trim()
                .to_string();
            t.checks.push(Check {
                name: Some(name),
                expression,
            });
        }
    }
}

fn action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// An index row: key columns come as numbers and are named from `columns` (the table's
/// columns by number); expression keys come as text.
fn index(r: &PgRow, columns: Option<&BTreeMap<i16, String>>) -> Index {
    let method: String = r.get(4);
    let keys: Vec<i16> = r.get(6);
    let options: Vec<i16> = r.get(7);
    let nkeys = usize::try_from(r.get::<i32, _>(8)).unwrap_or(0);
    let expressions: Vec<Option<String>> = r
        .get::<Option<Vec<Option<String>>>, _>(9)
        .unwrap_or_default();
    let opclasses: Vec<Option<String>> = r
        .get::<Option<Vec<Option<String>>>, _>(11)
        .unwrap_or_default();
    let name_of = |n: i16| {
        columns
            .and_then(|c| c.get(&n))
            .cloned()
            .unwrap_or_else(|| format!("#{n}"))
    };
    let parts = (0..nkeys.min(keys.len()))
        .map(|k| {
            let desc = options.get(k).is_some_and(|o| o & 1 == 1);
            let opclass = opclasses.get(k).cloned().flatten();
            if keys[k] == 0 {
                IndexPart::Expression {
                    sql: expressions.get(k).cloned().flatten().unwrap_or_default(),
                    desc,
                    opclass,
                }
            } else {
                IndexPart::Column {
                    name: name_of(keys[k]),
                    desc,
                    prefix: None,
                    opclass,
                }
            }
        })
        .collect();
    Index {
        name: r.get(2),
        parts,
        unique: r.get(3),
        predicate: r.get(5),
        method: (method != "btree").then_some(method),
        include: keys.iter().skip(nkeys).map(|n| name_of(*n)).collect(),
        constraint: r.get::<Option<String>, _>(10).as_deref() == Some("u"),
    }
}

fn sequence(name: String, text: &str) -> Sequence {
    let f: Vec<&str> = text.split(' ').collect();
    let num = |i: usize| f.get(i).and_then(|v| v.parse::<i64>().ok());
    let increment = num(1).unwrap_or(1);
    // The bounds PostgreSQL chooses itself for an ascending bigint sequence are left out, as
    // `CREATE SEQUENCE` without MINVALUE/MAXVALUE leaves them out.
    let ascending = increment > 0;
    Sequence {
        name,
        start: num(0).unwrap_or(1),
        increment,
        min: num(2).filter(|m| !(ascending && *m == 1)),
        max: num(3).filter(|m| !(ascending && *m == i64::MAX)),
        cycle: f.get(4) == Some(&"t") || f.get(4) == Some(&"true"),
        owned_by: f.get(5).map(|s| s.to_string()),
    }
}

/// PostgreSQL's `format_type` spelling read into a kind.
pub(super) fn type_kind(raw: &str, typtype: &str) -> TypeKind {
    if let Some(element) = raw.strip_suffix("[]") {
        return TypeKind::Array {
            element: Box::new(type_kind(element, "b")),
        };
    }
    if typtype == "e" {
        return TypeKind::Enum {
            name: raw.to_string(),
            values: Vec::new(),
        };
    }
    let args: Vec<u32> = raw
        .split_once('(')
        .map(|(_, r)| {
            r.split(')')
                .next()
                .unwrap_or("")
                .split(',')
                .filter_map(|a| a.trim().parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let base = raw.split('(').next().unwrap_or(raw).trim();
    match base {
        "boolean" => TypeKind::Boolean,
        "smallint" => TypeKind::Integer {
            bits: 16,
            unsigned: false,
        },
        "integer" => TypeKind::Integer {
            bits: 32,
            unsigned: false,
        },
        "bigint" => TypeKind::Integer {
            bits: 64,
            unsigned: false,
        },
        "numeric" => TypeKind::Decimal {
            precision: args.first().copied(),
            scale: args.get(1).copied(),
        },
        "real" => TypeKind::Float { bits: 32 },
        "double precision" => TypeKind::Float { bits: 64 },
        "character varying" => TypeKind::String {
            length: args.first().copied(),
            fixed: false,
        },
        "character" => TypeKind::String {
            length: args.first().copied(),
            fixed: true,
        },
        "text" => TypeKind::Text,
        "bytea" => TypeKind::Binary { length: None },
        "date" => TypeKind::Date,
        "interval" => TypeKind::Interval,
        "uuid" => TypeKind::Uuid,
        "json" => TypeKind::Json { binary: false },
        "jsonb" => TypeKind::Json { binary: true },
        _ if base.starts_with("timestamp") => TypeKind::Timestamp {
            tz: raw.contains("with time zone"),
        },
        _ if base.starts_with("time") => TypeKind::Time {
            tz: raw.contains("with time zone"),
        },
        _ => TypeKind::Unsupported,
    }
}

#[async_trait]
impl Inspector for PostgresBackend {
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
