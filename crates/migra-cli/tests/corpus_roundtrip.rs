//! Real schemas round trip: load a corpus schema, `migra diff` from an empty database to it,
//! apply that script to the empty database, and diff again: nothing may differ. What migra does
//! not model (domains, functions, aggregates) is created by hand first and reported.
#![allow(clippy::unwrap_used)]

mod common;
use common::Project;
use common::corpus::{load, load_leniently, script, unmodelled_prelude};
use common::db::Kind;

fn diff(p: &Project, from: &Project, to: &Project) -> serde_json::Value {
    p.migra(&["diff", "--from", &from.url(), "--to", &to.url(), "--json"])
        .code(0)
        .json()
}

/// Round trips the corpus schema; returns the kinds migra reported as not modelled.
fn round_trip(kind: Kind, files: &[&str], replace: &[(&str, &str)]) -> Option<Vec<String>> {
    let (source, copy) = (Project::on(kind)?, Project::on(kind)?);
    let file = script(files, replace);
    load(&source, kind, &file);
    // What migra does not model is created by hand; what of it needs tables fails here and is
    // not needed by what migra creates.
    match kind {
        Kind::Postgres => load_leniently(&copy, kind, &unmodelled_prelude(&file)),
        _ => load_leniently(&copy, kind, &file),
    }
    // MySQL: the lenient load above created the tables too; start the copy from routines only.
    if kind == Kind::Mysql {
        for t in copy.query("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'VIEW'") {
            copy.exec(&format!("DROP VIEW `{t}`"));
        }
        copy.exec("SET FOREIGN_KEY_CHECKS = 0");
        for t in copy.query("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'") {
            copy.exec(&format!("SET FOREIGN_KEY_CHECKS = 0; DROP TABLE `{t}`"));
        }
    }
    let r = diff(&source, &copy, &source);
    let changes = r["changes"].as_array().unwrap().len();
    assert!(changes > 0, "the copy starts empty");
    copy.exec(r["up_script"].as_str().unwrap());
    let again = diff(&source, &copy, &source);
    assert_eq!(
        again["changes"],
        serde_json::json!([]),
        "left after applying migra's script"
    );
    let model = source.migra(&["inspect", "--json"]).code(0).json();
    let mut kinds: Vec<String> = model["unmodelled"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["kind"].as_str().unwrap().to_string())
        .collect();
    kinds.dedup();
    Some(kinds)
}

#[test]
fn chinook_on_postgres() {
    let Some(unmodelled) = round_trip(Kind::Postgres, &["chinook/Chinook_PostgreSql.sql"], &[])
    else {
        return;
    };
    assert!(unmodelled.is_empty(), "{unmodelled:?}");
}

#[test]
fn sakila_on_postgres() {
    let Some(unmodelled) = round_trip(
        Kind::Postgres,
        &["sakila/postgres-sakila-db/postgres-sakila-schema.sql"],
        &[],
    ) else {
        return;
    };
    assert_eq!(
        unmodelled,
        ["aggregate", "domain", "function", "rule", "trigger"]
    );
}

#[test]
fn pagila_on_postgres() {
    let Some(unmodelled) = round_trip(
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
    ) else {
        return;
    };
    assert_eq!(
        unmodelled,
        ["partition", "aggregate", "domain", "function", "trigger"]
    );
}

/// The SQL that recreates what migra does not model of a PostgreSQL database, read from its
/// catalog: extensions, then functions (as `pg_get_functiondef` prints them).
fn pg_unmodelled_sql(p: &Project) -> String {
    // Function bodies name tables that do not exist yet: not checked at creation.
    let mut sql = vec!["SET check_function_bodies = false".to_string()];
    sql.extend(p.query(
        "SELECT 'CREATE EXTENSION IF NOT EXISTS ' || quote_ident(extname) FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY extname",
    ));
    sql.extend(p.query(
        "SELECT pg_get_functiondef(f.oid) FROM pg_proc f JOIN pg_namespace n ON n.oid = f.pronamespace \
         WHERE n.nspname = 'public' AND f.prokind IN ('f', 'p') \
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = f.oid AND d.deptype = 'e') ORDER BY f.oid",
    ));
    sql.iter().map(|s| format!("{s};\n")).collect()
}

#[test]
fn crates_io_history_end_state_on_postgres() {
    // The schema left by all 285 crates.io migrations, applied by migra itself.
    let (Some(source), Some(copy)) = (Project::on(Kind::Postgres), Project::on(Kind::Postgres))
    else {
        return;
    };
    let dir = common::corpus().join("crates-io/migrations");
    source
        .migra(&["apply", "--dir", dir.to_str().unwrap()])
        .code(0);
    copy.exec(&pg_unmodelled_sql(&source));
    let r = diff(&source, &copy, &source);
    assert!(r["changes"].as_array().unwrap().len() > 40);
    copy.exec(r["up_script"].as_str().unwrap());
    let again = diff(&source, &copy, &source);
    assert_eq!(again["changes"], serde_json::json!([]));
    let model = source.migra(&["inspect", "--json"]).code(0).json();
    let kinds: std::collections::BTreeSet<&str> = model["unmodelled"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["extension", "function", "trigger"].into());
}

#[test]
fn chinook_on_mariadb() {
    let Some(unmodelled) = round_trip(Kind::Mysql, &["chinook/Chinook_MySql.sql"], &[]) else {
        return;
    };
    assert!(unmodelled.is_empty(), "{unmodelled:?}");
}

#[test]
fn sakila_on_mariadb() {
    let Some(unmodelled) = round_trip(
        Kind::Mysql,
        &["sakila/mysql-sakila-db/mysql-sakila-schema.sql"],
        &[("sakila.", "")],
    ) else {
        return;
    };
    assert_eq!(unmodelled, ["function", "procedure", "trigger"]);
}

#[test]
fn employees_on_mariadb() {
    let Some(unmodelled) = round_trip(
        Kind::Mysql,
        &["employees/employees.sql", "employees/objects.sql"],
        &[],
    ) else {
        return;
    };
    assert_eq!(unmodelled, ["function", "procedure"]);
}

/// SQLite: the source is a database file; migra's script builds the copy from nothing.
fn sqlite_round_trip(source: &Project) -> Vec<String> {
    let copy = Project::new();
    copy.exec("SELECT 1");
    let r = diff(source, &copy, source);
    assert!(!r["changes"].as_array().unwrap().is_empty());
    copy.exec(r["up_script"].as_str().unwrap());
    let again = diff(source, &copy, source);
    assert_eq!(again["changes"], serde_json::json!([]));
    let model = source.migra(&["inspect", "--json"]).code(0).json();
    let mut kinds: Vec<String> = model["unmodelled"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["kind"].as_str().unwrap().to_string())
        .collect();
    kinds.dedup();
    kinds
}

#[test]
fn chinook_on_sqlite() {
    let source = Project::new();
    std::fs::copy(
        common::corpus().join("chinook/Chinook_Sqlite.sqlite"),
        source.db_path(),
    )
    .unwrap();
    assert!(sqlite_round_trip(&source).is_empty());
}

#[test]
fn sakila_on_sqlite() {
    let source = Project::new();
    let schema = std::fs::read_to_string(
        common::corpus().join("sakila/sqlite-sakila-db/sqlite-sakila-schema.sql"),
    )
    .unwrap();
    source.write(
        "20260101_000001_sakila.sql",
        &format!("-- DIRECTION: up\n{schema}"),
    );
    source.migra(&["apply"]).code(0);
    assert_eq!(sqlite_round_trip(&source), ["trigger"]);
}
