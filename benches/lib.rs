//! Shared workloads for migra's benchmarks.

use migra::core::SourceFile;

/// The DDL of migration `i` in `../shared/bench/gen_migrations.py`: a 5-column table and an index.
pub fn ddl(i: usize) -> String {
    format!(
        "CREATE TABLE t_{i} (\n    id BIGINT NOT NULL PRIMARY KEY,\n    name VARCHAR(100) NOT NULL,\n    amount NUMERIC(12,2),\n    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    active BOOLEAN NOT NULL DEFAULT TRUE\n);\nCREATE INDEX t_{i}_name_idx ON t_{i} (name);\n"
    )
}

/// `n` migrations in migra's native layout, as the generator writes them.
pub fn native_workload(n: usize) -> Vec<SourceFile> {
    (1..=n)
        .map(|i| {
            let (hh, rem) = (i / 3600, i % 3600);
            let (mm, ss) = (rem / 60, rem % 60);
            let text = format!(
                "-- MIGRATION: t{i}\n-- DIRECTION: up\n{}\n-- DIRECTION: down\nDROP TABLE t_{i};\n",
                ddl(i)
            );
            SourceFile {
                path: format!("20260101_{hh:02}{mm:02}{ss:02}_t{i}.sql"),
                contents: text.into_bytes(),
            }
        })
        .collect()
}

use migra::core::schema::{
    Column, ColumnDefault, ColumnType, Database, FkAction, ForeignKey, Index, IndexPart, Namespace,
    PrimaryKey, Table, TypeKind,
};

fn column(name: &str, kind: TypeKind, raw: &str, nullable: bool) -> Column {
    Column {
        name: name.into(),
        r#type: ColumnType {
            kind,
            raw: raw.into(),
        },
        nullable,
        default: None,
        identity: None,
        generated: None,
        collation: None,
        comment: None,
        on_update: None,
    }
}

fn int(bits: u8) -> TypeKind {
    TypeKind::Integer {
        bits,
        unsigned: false,
    }
}

fn index(name: String, columns: &[&str], unique: bool) -> Index {
    Index {
        name,
        parts: columns
            .iter()
            .map(|c| IndexPart::Column {
                name: (*c).into(),
                desc: false,
                prefix: None,
                opclass: None,
            })
            .collect(),
        unique,
        predicate: None,
        method: None,
        include: Vec::new(),
        constraint: false,
    }
}

/// Table `i` of the large-schema workload: 10 columns, an index, a unique index on every 4th,
/// a foreign key to table `i - 1` (the shape of `../shared/bench/gen_schema.py`).
fn large_table(i: usize) -> Table {
    let name = format!("t_{i}");
    let mut columns = vec![
        column("id", int(64), "bigint", false),
        column("parent_id", int(64), "bigint", true),
    ];
    for k in 0..8 {
        let (kind, raw) = match (i + k) % 4 {
            0 => (int(32), "integer"),
            1 => (TypeKind::Text, "text"),
            2 => (TypeKind::Boolean, "boolean"),
            _ => (
                TypeKind::Decimal {
                    precision: Some(12),
                    scale: Some(2),
                },
                "numeric(12,2)",
            ),
        };
        columns.push(column(&format!("c{k}"), kind, raw, k % 3 == 0));
    }
    let mut indexes = vec![index(format!("{name}_c0_idx"), &["c0"], false)];
    if i.is_multiple_of(4) {
        indexes.push(index(format!("{name}_c1_uq"), &["c1", "id"], true));
    }
    let foreign_keys = (i > 1)
        .then(|| ForeignKey {
            name: format!("{name}_parent_fk"),
            columns: vec!["parent_id".into()],
            ref_namespace: None,
            ref_table: format!("t_{}", i - 1),
            ref_columns: vec!["id".into()],
            on_update: FkAction::NoAction,
            on_delete: FkAction::NoAction,
            deferrable: false,
            initially_deferred: false,
        })
        .into_iter()
        .collect();
    Table {
        name,
        columns,
        primary_key: Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        }),
        indexes,
        foreign_keys,
        checks: Vec::new(),
        comment: None,
    }
}

/// The large-schema workload: `tables` tables; `edited` applies about 5% of changes (2% of
/// tables gain a column, 1% lose one, 1% change a type, 1% gain an index, 0.5% change a
/// default, 10 are dropped — the last ones, so the foreign-key chain stays whole — and 10 added).
pub fn large_schema(tables: usize, edited: bool) -> Database {
    let mut ts: Vec<Table> = (1..=tables).map(large_table).collect();
    if edited {
        for (i, t) in ts.iter_mut().enumerate() {
            match i % 200 {
                0..=3 => t
                    .columns
                    .push(column("added", TypeKind::Text, "text", true)),
                4 | 5 => {
                    t.columns.retain(|c| c.name != "c7");
                }
                6 | 7 => {
                    t.columns[2].r#type = ColumnType {
                        kind: int(64),
                        raw: "bigint".into(),
                    }
                }
                8 | 9 => t
                    .indexes
                    .push(index(format!("{}_c2_xidx", t.name), &["c2"], false)),
                10 => t.columns[3].default = Some(ColumnDefault::Literal("'x'".into())),
                _ => {}
            }
        }
        ts.truncate(tables.saturating_sub(10));
        ts.extend((tables + 1..=tables + 10).map(large_table));
    }
    Database {
        namespaces: vec![Namespace {
            name: "public".into(),
            tables: ts,
            ..Namespace::default()
        }],
        unmodelled: Vec::new(),
    }
}
