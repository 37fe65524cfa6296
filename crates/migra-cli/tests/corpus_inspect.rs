//! Introspection of real schemas from `../shared/corpus`, loaded with each server's own client:
//! the model's counts must match the catalog's.
#![allow(clippy::unwrap_used)]

mod common;
use common::Project;
use common::db::Kind;
use std::process::Command;

/// The corpus script without its `DROP/CREATE DATABASE` and `\c`/`USE` lines (they act on a
/// database of their own name).
fn script(file: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(common::corpus().join(file)).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !(l.contains(" DATABASE ") || l.starts_with("\\c") || l.starts_with("USE ")))
        .collect();
    let out = std::env::temp_dir().join(format!(
        "migra-corpus-{}-{}",
        std::process::id(),
        file.replace('/', "_")
    ));
    std::fs::write(&out, kept.join("\n")).unwrap();
    out
}

fn counts(p: &Project) -> [usize; 6] {
    let db = p.migra(&["inspect", "--json"]).code(0).json();
    let tables: Vec<&serde_json::Value> = db["namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|n| n["tables"].as_array().unwrap())
        .collect();
    let sum = |key: &str| {
        tables
            .iter()
            .map(|t| t[key].as_array().unwrap().len())
            .sum::<usize>()
    };
    let views: usize = db["namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["views"].as_array().unwrap().len())
        .sum();
    [
        tables.len(),
        sum("columns"),
        sum("indexes"),
        sum("foreign_keys"),
        sum("checks"),
        views,
    ]
}

fn number(p: &Project, sql: &str) -> usize {
    p.query(sql)[0].parse().unwrap()
}

#[test]
fn chinook_on_postgres_matches_the_catalog() {
    let Some(p) = Project::on(Kind::Postgres) else {
        return;
    };
    let file = script("chinook/Chinook_PostgreSql.sql");
    let ok = Command::new("psql")
        .args([&p.url(), "-q", "-v", "ON_ERROR_STOP=1", "-f"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let catalog = [
        number(
            &p,
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
        ),
        number(
            &p,
            "SELECT count(*) FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name) WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'",
        ),
        number(
            &p,
            "SELECT count(*) FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT x.indisprimary",
        ),
        number(
            &p,
            "SELECT count(*) FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace WHERE n.nspname = 'public' AND k.contype = 'f'",
        ),
        number(
            &p,
            "SELECT count(*) FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace WHERE n.nspname = 'public' AND k.contype = 'c'",
        ),
        number(
            &p,
            "SELECT count(*) FROM information_schema.views WHERE table_schema = 'public'",
        ),
    ];
    assert_eq!(counts(&p), catalog);
    assert_eq!(catalog[0], 11);
    assert_eq!(catalog[3], 11);
}

#[test]
fn chinook_on_mariadb_matches_the_catalog() {
    let Some(p) = Project::on(Kind::Mysql) else {
        return;
    };
    let file = script("chinook/Chinook_MySql.sql");
    // mysql://user:password@host:port/db
    let url = p.url();
    let (creds, rest) = url.trim_start_matches("mysql://").split_once('@').unwrap();
    let (user, password) = creds.split_once(':').unwrap();
    let (hostport, db) = rest.split_once('/').unwrap();
    let (host, port) = hostport.split_once(':').unwrap();
    let ok = Command::new("mariadb")
        .args([
            "-h",
            host,
            "-P",
            port,
            "-u",
            user,
            &format!("-p{password}"),
            db,
        ])
        .stdin(std::fs::File::open(&file).unwrap())
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let catalog = [
        number(
            &p,
            "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'",
        ),
        number(
            &p,
            "SELECT count(*) FROM information_schema.COLUMNS c JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'",
        ),
        number(
            &p,
            "SELECT count(DISTINCT TABLE_NAME, INDEX_NAME) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME <> 'PRIMARY'",
        ),
        number(
            &p,
            "SELECT count(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()",
        ),
        number(
            &p,
            "SELECT count(*) FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()",
        ),
        number(
            &p,
            "SELECT count(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()",
        ),
    ];
    assert_eq!(counts(&p), catalog);
    assert_eq!(catalog[0], 11);
    assert_eq!(catalog[3], 11);
}
