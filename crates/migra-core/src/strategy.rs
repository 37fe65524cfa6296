//! proptest strategies for the schema model (feature `proptest`): consistent databases (keys
//! and foreign keys name columns that exist), pairs where the second is an edit of the first,
//! and shuffles that change nothing but order.
//!
//! Generation is driven by a seed through a small deterministic generator: a failing case is
//! reproduced from its seed, and every object a database needs (a foreign key's target table, an
//! index's columns) is picked among the objects already built.

use crate::schema::{
    Check, Column, ColumnDefault, ColumnType, Database, EnumType, FkAction, ForeignKey, Generated,
    Identity, Index, IndexPart, Namespace, PrimaryKey, Sequence, Table, TypeKind, View,
};
use proptest::prelude::*;

/// xorshift64*: small, deterministic, good enough to pick among a handful of options.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (0 is replaced, xorshift needs a non-zero state).
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        (!items.is_empty()).then(|| &items[self.below(items.len())])
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

pub(crate) const NAMESPACES: &[&str] = &["public", "app"];
pub(crate) const TABLES: &[&str] = &["users", "orders", "items", "tags", "notes", "events"];
pub(crate) const COLUMNS: &[&str] = &["id", "name", "total", "status", "created", "owner", "flag"];
pub(crate) const DEFAULTS: &[&str] = &["0", "1", "'x'", "now()"];
pub(crate) const CHECKS: &[&str] = &["id > 0", "id < 1000000", "name <> ''", "total >= 0"];

pub(crate) fn column_type(r: &mut Rng) -> ColumnType {
    let (kind, raw) = match r.below(8) {
        0 => (
            TypeKind::Integer {
                bits: 32,
                unsigned: false,
            },
            "integer",
        ),
        1 => (
            TypeKind::Integer {
                bits: 64,
                unsigned: false,
            },
            "bigint",
        ),
        2 => (TypeKind::Text, "text"),
        3 => (
            TypeKind::String {
                length: Some(64),
                fixed: false,
            },
            "varchar(64)",
        ),
        4 => (TypeKind::Boolean, "boolean"),
        5 => (
            TypeKind::Decimal {
                precision: Some(12),
                scale: Some(2),
            },
            "numeric(12,2)",
        ),
        6 => (TypeKind::Timestamp { tz: true }, "timestamptz"),
        _ => (TypeKind::Unsupported, "tsvector"),
    };
    ColumnType {
        kind,
        raw: raw.into(),
    }
}

pub(crate) fn column(r: &mut Rng, name: &str) -> Column {
    Column {
        name: name.into(),
        r#type: column_type(r),
        nullable: r.chance(50),
        default: r
            .chance(30)
            .then(|| ColumnDefault::Expression(DEFAULTS[r.below(DEFAULTS.len())].into())),
        identity: r.chance(5).then_some(Identity {
            always: r.chance(50),
            start: None,
            increment: None,
        }),
        generated: r.chance(5).then(|| Generated {
            expression: "id * 2".into(),
            stored: true,
        }),
        collation: r.chance(5).then(|| "C".into()),
        comment: r.chance(10).then(|| format!("about {name}")),
        on_update: None,
    }
}

pub(crate) fn table(r: &mut Rng, name: &str) -> Table {
    let mut cols: Vec<&str> = COLUMNS.to_vec();
    r.shuffle(&mut cols);
    let n = 1 + r.below(5);
    let columns: Vec<Column> = cols[..n].iter().map(|c| column(r, c)).collect();
    let names: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
    let mut t = Table {
        name: name.into(),
        columns,
        ..Table::default()
    };
    if r.chance(70) {
        t.primary_key = Some(PrimaryKey {
            name: Some(format!("{name}_pkey")),
            columns: vec![names[0].clone()],
        });
    }
    for k in 0..r.below(3) {
        t.indexes.push(index(r, name, k, &names));
    }
    for (k, expr) in CHECKS.iter().enumerate() {
        if r.chance(15) {
            t.checks.push(Check {
                name: Some(format!("{name}_ck{k}")),
                expression: (*expr).into(),
            });
        }
    }
    t.comment = r.chance(15).then(|| format!("the {name}"));
    t
}

pub(crate) fn index(r: &mut Rng, table: &str, k: usize, columns: &[String]) -> Index {
    let first = columns[r.below(columns.len())].clone();
    let mut parts = vec![IndexPart::Column {
        name: first,
        desc: r.chance(20),
        prefix: None,
        opclass: None,
    }];
    if r.chance(20) {
        parts.push(IndexPart::Expression {
            sql: "lower(name)".into(),
            desc: false,
            opclass: r.chance(30).then(|| "text_pattern_ops".into()),
        });
    }
    Index {
        name: format!("{table}_i{k}"),
        parts,
        unique: r.chance(30),
        predicate: r.chance(15).then(|| "id > 10".into()),
        method: r.chance(10).then(|| "gin".into()),
        include: Vec::new(),
        constraint: false,
    }
}

pub(crate) fn foreign_key(r: &mut Rng, from: &Table, to: &Table, k: usize) -> Option<ForeignKey> {
    let target = to.primary_key.as_ref()?.columns.first()?.clone();
    let own = r.pick(&from.columns)?.name.clone();
    let actions = [
        FkAction::NoAction,
        FkAction::Cascade,
        FkAction::SetNull,
        FkAction::Restrict,
    ];
    Some(ForeignKey {
        name: format!("{}_fk{k}", from.name),
        columns: vec![own],
        ref_namespace: None,
        ref_table: to.name.clone(),
        ref_columns: vec![target],
        on_update: FkAction::NoAction,
        on_delete: actions[r.below(actions.len())],
        deferrable: r.chance(10),
        initially_deferred: false,
    })
}

pub(crate) fn namespace(r: &mut Rng, name: &str) -> Namespace {
    let mut n = Namespace {
        name: name.into(),
        ..Namespace::default()
    };
    for t in TABLES {
        if r.chance(50) {
            n.tables.push(table(r, t));
        }
    }
    add_foreign_keys(r, &mut n);
    for (k, values) in [["a", "b", "c"], ["new", "done", "gone"]]
        .iter()
        .enumerate()
    {
        if r.chance(30) {
            n.enums.push(EnumType {
                name: format!("kind{k}"),
                values: values.iter().map(|v| (*v).into()).collect(),
            });
        }
    }
    for k in 0..r.below(2) {
        n.sequences.push(Sequence {
            name: format!("seq{k}"),
            start: 1,
            increment: 1,
            min: None,
            max: None,
            cycle: false,
            owned_by: None,
        });
    }
    add_views(r, &mut n);
    n.comment = r.chance(10).then(|| format!("the {name} schema"));
    n
}

fn add_foreign_keys(r: &mut Rng, n: &mut Namespace) {
    let snapshot = n.tables.clone();
    for t in &mut n.tables {
        for k in 0..r.below(3) {
            let Some(to) = r.pick(&snapshot) else { break };
            if let Some(fk) = foreign_key(r, t, to, k) {
                t.foreign_keys.push(fk);
            }
        }
    }
}

fn add_views(r: &mut Rng, n: &mut Namespace) {
    for k in 0..r.below(3) {
        let source = match (r.chance(30), n.views.last()) {
            (true, Some(v)) => v.name.clone(),
            _ => match r.pick(&n.tables) {
                Some(t) => t.name.clone(),
                None => break,
            },
        };
        n.views.push(View {
            name: format!("v{k}"),
            definition: format!(
                "SELECT * FROM {source} WHERE {}",
                ["true", "1 = 1"][r.below(2)]
            ),
            materialized: r.chance(20),
            comment: None,
        });
    }
}

/// A consistent database built from `seed`.
pub fn database(seed: u64) -> Database {
    let mut r = Rng::new(seed);
    let mut db = Database::default();
    for n in NAMESPACES {
        if db.namespaces.is_empty() || r.chance(40) {
            db.namespaces.push(namespace(&mut r, n));
        }
    }
    db
}

/// `db` edited by `seed`: objects added, dropped and changed (every kind the model has), still
/// consistent: a dropped table or column takes the keys, indexes and views that use it along.
pub fn edit(db: &Database, seed: u64) -> Database {
    crate::strategy_edit::edit(db, &mut Rng::new(seed))
}

/// `db` with its lists shuffled: namespaces, tables, columns, views, enums, sequences, indexes,
/// foreign keys and checks.
pub fn shuffle(db: &Database, seed: u64) -> Database {
    let mut r = Rng::new(seed);
    let mut db = db.clone();
    r.shuffle(&mut db.namespaces);
    for n in &mut db.namespaces {
        r.shuffle(&mut n.tables);
        r.shuffle(&mut n.views);
        r.shuffle(&mut n.enums);
        r.shuffle(&mut n.sequences);
        for t in &mut n.tables {
            r.shuffle(&mut t.columns);
            r.shuffle(&mut t.indexes);
            r.shuffle(&mut t.foreign_keys);
            r.shuffle(&mut t.checks);
        }
    }
    db
}

/// Generated databases.
pub fn arb_database() -> impl Strategy<Value = Database> {
    any::<u64>().prop_map(database)
}

/// A database and an edit of it.
pub fn arb_pair() -> impl Strategy<Value = (Database, Database)> {
    (any::<u64>(), any::<u64>()).prop_map(|(a, b)| {
        let db = database(a);
        let edited = edit(&db, b);
        (db, edited)
    })
}
