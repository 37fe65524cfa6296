//! Introspection of real schemas from `../shared/corpus`, loaded with each server's own client:
//! the model's counts must match the catalog's, what the model leaves out is listed, and the
//! whole model is kept as an insta snapshot.
#![allow(clippy::unwrap_used)]

mod common;
use common::Project;
use common::corpus::{load, script};
use common::db::Kind;

/// Tables, columns, indexes (primary keys aside), foreign keys, checks, views, and unmodelled
/// objects per kind.
#[derive(Debug, PartialEq)]
struct Counts {
    objects: [usize; 6],
    unmodelled: Vec<(String, usize)>,
}

fn model_counts(db: &serde_json::Value) -> Counts {
    let namespaces = db["namespaces"].as_array().unwrap();
    let tables: Vec<&serde_json::Value> = namespaces
        .iter()
        .flat_map(|n| n["tables"].as_array().unwrap())
        .collect();
    let sum = |key: &str| {
        tables
            .iter()
            .map(|t| t[key].as_array().unwrap().len())
            .sum::<usize>()
    };
    let views = namespaces
        .iter()
        .map(|n| n["views"].as_array().unwrap().len())
        .sum();
    let mut unmodelled = std::collections::BTreeMap::<String, usize>::new();
    for u in db["unmodelled"].as_array().unwrap() {
        *unmodelled
            .entry(u["kind"].as_str().unwrap().into())
            .or_default() += 1;
    }
    Counts {
        objects: [
            tables.len(),
            sum("columns"),
            sum("indexes"),
            sum("foreign_keys"),
            sum("checks"),
            views,
        ],
        unmodelled: unmodelled.into_iter().collect(),
    }
}

fn number(p: &Project, sql: &str) -> usize {
    p.query(sql)[0].parse().unwrap()
}

/// The same counts straight from PostgreSQL's catalog, for the `public` schema. Partitions are
/// not tables of the model (they are listed as unmodelled), so they are left out here too.
fn pg_counts(p: &Project, unmodelled_kinds: &[(&str, &str)]) -> Counts {
    let tables = "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition";
    let objects = [
        format!("SELECT count(*) FROM ({tables}) t"),
        format!(
            "SELECT count(*) FROM pg_attribute a WHERE a.attrelid IN ({tables}) AND a.attnum > 0 AND NOT a.attisdropped"
        ),
        format!(
            "SELECT count(*) FROM pg_index x WHERE x.indrelid IN ({tables}) AND NOT x.indisprimary"
        ),
        format!("SELECT count(*) FROM pg_constraint k WHERE k.conrelid IN ({tables}) AND k.contype = 'f'"),
        format!("SELECT count(*) FROM pg_constraint k WHERE k.conrelid IN ({tables}) AND k.contype = 'c'"),
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm')".into(),
    ]
    .map(|sql| number(p, &sql));
    catalog(p, objects, unmodelled_kinds)
}

/// The same counts from MySQL/MariaDB's information_schema, for the current database.
fn mysql_counts(p: &Project, unmodelled_kinds: &[(&str, &str)]) -> Counts {
    let objects = [
        "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'",
        "SELECT count(*) FROM information_schema.COLUMNS c JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'",
        "SELECT count(DISTINCT TABLE_NAME, INDEX_NAME) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME <> 'PRIMARY'",
        "SELECT count(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()",
        "SELECT count(*) FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()",
        "SELECT count(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()",
    ]
    .map(|sql| number(p, sql));
    catalog(p, objects, unmodelled_kinds)
}

/// `unmodelled_kinds` pairs a kind with the catalog query that counts objects of that kind;
/// kinds with a count of zero are left out, as the model leaves them out.
fn catalog(p: &Project, objects: [usize; 6], unmodelled_kinds: &[(&str, &str)]) -> Counts {
    let mut unmodelled: Vec<(String, usize)> = unmodelled_kinds
        .iter()
        .map(|(kind, sql)| (kind.to_string(), number(p, sql)))
        .filter(|(_, n)| *n > 0)
        .collect();
    unmodelled.sort();
    Counts {
        objects,
        unmodelled,
    }
}

const PG_UNMODELLED: &[(&str, &str)] = &[
    (
        "aggregate",
        "SELECT count(*) FROM pg_proc f JOIN pg_namespace n ON n.oid = f.pronamespace WHERE n.nspname = 'public' AND f.prokind = 'a'",
    ),
    (
        "extension",
        "SELECT count(*) FROM pg_extension WHERE extname <> 'plpgsql'",
    ),
    (
        "domain",
        "SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typtype = 'd'",
    ),
    (
        "function",
        "SELECT count(*) FROM pg_proc f JOIN pg_namespace n ON n.oid = f.pronamespace WHERE n.nspname = 'public' AND f.prokind = 'f'",
    ),
    (
        "partition",
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relispartition AND c.relkind IN ('r', 'p')",
    ),
    (
        "policy",
        "SELECT count(*) FROM pg_policy po JOIN pg_class c ON c.oid = po.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'",
    ),
    (
        "procedure",
        "SELECT count(*) FROM pg_proc f JOIN pg_namespace n ON n.oid = f.pronamespace WHERE n.nspname = 'public' AND f.prokind = 'p'",
    ),
    (
        "rule",
        "SELECT count(*) FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND r.rulename <> '_RETURN'",
    ),
    (
        "trigger",
        "SELECT count(*) FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT g.tgisinternal AND g.tgparentid = 0",
    ),
];

const MYSQL_UNMODELLED: &[(&str, &str)] = &[
    (
        "function",
        "SELECT count(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() AND ROUTINE_TYPE = 'FUNCTION'",
    ),
    (
        "procedure",
        "SELECT count(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() AND ROUTINE_TYPE = 'PROCEDURE'",
    ),
    (
        "partition",
        "SELECT count(*) FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = DATABASE() AND PARTITION_NAME IS NOT NULL",
    ),
    (
        "trigger",
        "SELECT count(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()",
    ),
];

/// Loads a corpus schema, checks the model against the catalog and snapshots the model. The
/// per-test database name is replaced by `[DB]` (MySQL spells it in namespaces and views).
fn check(kind: Kind, files: &[&str], replace: &[(&str, &str)], snapshot: &str) -> Option<Counts> {
    let p = Project::on(kind)?;
    load(&p, kind, &script(files, replace));
    let out = p.migra(&["inspect", "--json"]).code(0).stdout;
    let db: serde_json::Value = serde_json::from_str(&out).unwrap();
    let catalog = match kind {
        Kind::Postgres => pg_counts(&p, PG_UNMODELLED),
        _ => mysql_counts(&p, MYSQL_UNMODELLED),
    };
    let model = model_counts(&db);
    assert_eq!(model, catalog);
    let mut text = serde_json::to_string_pretty(&db).unwrap();
    if kind == Kind::Mysql {
        let name = db["namespaces"][0]["name"].as_str().unwrap().to_string();
        text = text.replace(&name, "[DB]");
    }
    insta::assert_snapshot!(snapshot, text);
    Some(model)
}

fn unmodelled(c: &Counts, kind: &str) -> usize {
    c.unmodelled
        .iter()
        .find(|(k, _)| k == kind)
        .map_or(0, |(_, n)| *n)
}

#[test]
fn chinook_on_postgres() {
    let Some(c) = check(
        Kind::Postgres,
        &["chinook/Chinook_PostgreSql.sql"],
        &[],
        "chinook_postgres",
    ) else {
        return;
    };
    assert_eq!((c.objects[0], c.objects[3]), (11, 11));
}

#[test]
fn chinook_on_mariadb() {
    let Some(c) = check(
        Kind::Mysql,
        &["chinook/Chinook_MySql.sql"],
        &[],
        "chinook_mariadb",
    ) else {
        return;
    };
    assert_eq!((c.objects[0], c.objects[3]), (11, 11));
}

#[test]
fn sakila_on_postgres() {
    let Some(c) = check(
        Kind::Postgres,
        &["sakila/postgres-sakila-db/postgres-sakila-schema.sql"],
        &[],
        "sakila_postgres",
    ) else {
        return;
    };
    assert!(c.objects[0] >= 15 && c.objects[5] >= 7, "{c:?}");
    assert!(unmodelled(&c, "trigger") > 0 && unmodelled(&c, "function") > 0);
    assert_eq!(
        unmodelled(&c, "rule"),
        6,
        "sakila's PostgreSQL port has six rules"
    );
}

#[test]
fn sakila_on_mariadb() {
    // The upstream script qualifies its views with `sakila.`; the test database has another name.
    let Some(c) = check(
        Kind::Mysql,
        &["sakila/mysql-sakila-db/mysql-sakila-schema.sql"],
        &[("sakila.", "")],
        "sakila_mariadb",
    ) else {
        return;
    };
    assert_eq!((c.objects[0], c.objects[5]), (16, 7));
    assert_eq!(unmodelled(&c, "trigger"), 3);
    assert_eq!(unmodelled(&c, "procedure"), 3);
}

#[test]
fn pagila_on_postgres() {
    // PostgreSQL 15 here: the PG 18 and pgvector parts are replaced as SOURCES.md says.
    let Some(c) = check(
        Kind::Postgres,
        &["pagila/pagila-schema.sql"],
        &[
            (" VIRTUAL\n", " STORED\n"),
            ("CREATE EXTENSION IF NOT EXISTS vector", "-- vector"),
            ("COMMENT ON EXTENSION vector", "-- vector"),
            ("public.vector(20)", "real[]"),
            ("CREATE INDEX film_embedding_embedding_hnsw_idx", "-- hnsw"),
            ("uuidv7()", "gen_random_uuid()"),
        ],
        "pagila_postgres",
    ) else {
        return;
    };
    assert!(c.objects[0] >= 15, "{c:?}");
    assert!(unmodelled(&c, "partition") > 0 && unmodelled(&c, "domain") == 2);
}

#[test]
fn employees_on_mariadb() {
    // objects.sql adds the schema's functions, procedures and two more views (DELIMITER blocks).
    let Some(c) = check(
        Kind::Mysql,
        &["employees/employees.sql", "employees/objects.sql"],
        &[],
        "employees_mariadb",
    ) else {
        return;
    };
    assert_eq!((c.objects[0], c.objects[3], c.objects[5]), (6, 6, 4));
    assert_eq!(unmodelled(&c, "function"), 5);
    assert_eq!(unmodelled(&c, "procedure"), 2);
}

#[test]
fn employees_partitioned_on_mariadb() {
    let Some(c) = check(
        Kind::Mysql,
        &["employees/employees_partitioned.sql"],
        &[],
        "employees_partitioned_mariadb",
    ) else {
        return;
    };
    assert!(unmodelled(&c, "partition") > 0, "{c:?}");
}
