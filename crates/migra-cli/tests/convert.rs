//! `migra diff --from SRC --to-dialect D`: a real schema written for another dialect loads on
//! that dialect's server, keeps its tables and foreign keys, and lists what did not carry over.
#![allow(clippy::unwrap_used)]

mod common;
use common::Project;
use common::corpus::{load, script};
use common::db::Kind;

fn dialect(kind: Kind) -> &'static str {
    match kind {
        Kind::Postgres => "postgres",
        Kind::Mysql => "mysql",
        Kind::Sqlite => "sqlite",
    }
}

fn counts(p: &Project) -> (usize, usize) {
    let db = p.migra(&["inspect", "--json"]).code(0).json();
    let tables: Vec<&serde_json::Value> = db["namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|n| n["tables"].as_array().unwrap())
        .collect();
    let fks = tables
        .iter()
        .map(|t| t["foreign_keys"].as_array().unwrap().len())
        .sum();
    (tables.len(), fks)
}

/// Converts `source`'s schema for `to`, runs the script on a fresh `to` database and compares
/// table and foreign-key counts; returns what was listed as not carried over.
fn converts(source: &Project, to: Kind) -> Option<Vec<String>> {
    let target = Project::on(to)?;
    let r = source
        .migra(&[
            "diff",
            "--from",
            &source.url(),
            "--to-dialect",
            dialect(to),
            "--json",
        ])
        .code(0)
        .json();
    assert_eq!(r["dialect"], dialect(to));
    target.exec(r["up_script"].as_str().unwrap());
    assert_eq!(counts(&target), counts(source));
    Some(
        r["not_carried_over"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect(),
    )
}

fn sakila_on_mariadb() -> Option<Project> {
    let p = Project::on(Kind::Mysql)?;
    load(
        &p,
        Kind::Mysql,
        &script(
            &["sakila/mysql-sakila-db/mysql-sakila-schema.sql"],
            &[("sakila.", "")],
        ),
    );
    Some(p)
}

#[test]
fn sakila_from_mariadb_to_postgres() {
    let Some(source) = sakila_on_mariadb() else {
        return;
    };
    let Some(lost) = converts(&source, Kind::Postgres) else {
        return;
    };
    // Views are MySQL queries, routines and triggers are not modelled: listed, not dropped silently.
    assert!(
        lost.iter()
            .any(|l| l == "view actor_info is not carried over (its query is mysql SQL)")
    );
    assert!(
        lost.iter()
            .any(|l| l == "trigger ins_film is not carried over")
    );
    insta::assert_snapshot!(lost.join("\n"));
}

#[test]
fn sakila_from_mariadb_to_sqlite() {
    let Some(source) = sakila_on_mariadb() else {
        return;
    };
    let Some(lost) = converts(&source, Kind::Sqlite) else {
        return;
    };
    assert!(
        lost.iter()
            .any(|l| l.contains("ON UPDATE is not carried over"))
    );
}

#[test]
fn chinook_from_postgres_to_mariadb_and_sqlite() {
    let Some(source) = Project::on(Kind::Postgres) else {
        return;
    };
    load(
        &source,
        Kind::Postgres,
        &script(&["chinook/Chinook_PostgreSql.sql"], &[]),
    );
    for to in [Kind::Mysql, Kind::Sqlite] {
        if let Some(lost) = converts(&source, to) {
            assert!(lost.is_empty(), "{lost:?}");
        }
    }
}

#[test]
fn an_unknown_dialect_is_refused() {
    let p = Project::new();
    p.exec("CREATE TABLE t (id INTEGER)");
    let r = p
        .migra(&["diff", "--from", &p.url(), "--to-dialect", "oracle"])
        .code(2);
    assert!(
        r.stderr.contains("expected postgres, mysql or sqlite"),
        "{}",
        r.stderr
    );
}
