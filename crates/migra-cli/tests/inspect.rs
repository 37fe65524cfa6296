//! `migra inspect`: the live schema in the neutral model (SQLite today).
#![allow(clippy::unwrap_used)]

mod common;
use common::Project;

const SCHEMA: &str = "CREATE TABLE authors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email VARCHAR(200) NOT NULL DEFAULT 'x@example.com',
    score NUMERIC(5,2) CHECK (score >= 0),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    email_lower TEXT GENERATED ALWAYS AS (lower(email)) VIRTUAL
);
CREATE UNIQUE INDEX authors_email ON authors (email);
CREATE INDEX authors_lower ON authors (lower(email) DESC) WHERE score > 1;
CREATE TABLE books (
    author_id INTEGER NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    body BLOB,
    PRIMARY KEY (author_id, slug),
    CONSTRAINT slug_len CHECK (length(slug) < 80)
);
CREATE VIEW author_books AS SELECT a.email, b.slug FROM authors a JOIN books b ON b.author_id = a.id;
CREATE TRIGGER books_touch AFTER INSERT ON books BEGIN UPDATE authors SET score = score WHERE id = NEW.author_id; END;";

#[test]
fn the_model_of_a_real_schema() {
    let p = Project::new();
    p.native("20260101_000001", "schema", SCHEMA, None);
    p.migra(&["apply"]).code(0);
    let r = p.migra(&["inspect", "--json"]).code(0);
    let db = r.json();
    let tables: Vec<&str> = db["namespaces"][0]["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        tables,
        vec!["authors", "books"],
        "migra's own tables are left out"
    );
    insta::assert_snapshot!("inspect_json", r.stdout);
    insta::assert_snapshot!(
        "inspect_human",
        p.migra(&["inspect"])
            .code(0)
            .stdout
            .replace(&p.url(), "[URL]")
    );
}

#[test]
fn chinook_reads_completely() {
    let p = Project::new();
    std::fs::copy(
        common::corpus().join("chinook/Chinook_Sqlite.sqlite"),
        p.db_path(),
    )
    .unwrap();
    let out = p.migra(&["inspect", "--json"]).code(0).stdout;
    insta::assert_snapshot!("chinook_sqlite", out);
    let db: serde_json::Value = serde_json::from_str(&out).unwrap();
    let tables = db["namespaces"][0]["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 11);
    let fks: usize = tables
        .iter()
        .map(|t| t["foreign_keys"].as_array().unwrap().len())
        .sum();
    assert_eq!(fks, 11);
    let track = tables.iter().find(|t| t["name"] == "Track").unwrap();
    assert_eq!(track["columns"][0]["type"]["raw"], "INTEGER");
    assert_eq!(track["columns"][1]["type"]["kind"], "string");
    assert_eq!(track["columns"][1]["type"]["length"], 200);
}

#[test]
fn servers_without_an_inspector_say_so() {
    let p = Project::new();
    let r = p
        .migra_raw(&["inspect", "-d", "mongodb://u:pw@127.0.0.1:1/x", "--json"])
        .code(2);
    assert_eq!(r.json()["error"]["kind"], "unsupported");
}

#[test]
fn sakila_applies_through_the_splitter_and_reads_back_completely() {
    // The upstream SQLite script, triggers and all, sent through migra's own splitter.
    let p = Project::new();
    let schema = std::fs::read_to_string(
        common::corpus().join("sakila/sqlite-sakila-db/sqlite-sakila-schema.sql"),
    )
    .unwrap();
    p.write(
        "20260101_000001_sakila.sql",
        &format!("-- DIRECTION: up\n{schema}"),
    );
    p.migra(&["apply"]).code(0);
    let out = p.migra(&["inspect", "--json"]).code(0).stdout;
    insta::assert_snapshot!("sakila_sqlite", out);
    let db: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ns = &db["namespaces"][0];
    let tables = ns["tables"].as_array().unwrap();
    let sum = |key: &str| {
        tables
            .iter()
            .map(|t| t[key].as_array().unwrap().len())
            .sum::<usize>()
    };
    let mine =
        "m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'migra_history%'";
    let n = |sql: String| p.query(&sql)[0].parse::<usize>().unwrap();
    assert_eq!(
        tables.len(),
        n(format!("SELECT count(*) FROM sqlite_master m WHERE {mine}"))
    );
    assert_eq!(
        sum("columns"),
        n(format!(
            "SELECT count(*) FROM sqlite_master m, pragma_table_xinfo(m.name) WHERE {mine}"
        ))
    );
    assert_eq!(
        sum("indexes"),
        n(format!(
            "SELECT count(*) FROM sqlite_master m, pragma_index_list(m.name) l WHERE {mine} AND l.origin <> 'pk'"
        ))
    );
    assert_eq!(
        sum("foreign_keys"),
        n(format!(
            "SELECT count(DISTINCT m.name || '.' || f.id) FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE {mine}"
        ))
    );
    assert_eq!(
        ns["views"].as_array().unwrap().len(),
        n("SELECT count(*) FROM sqlite_master WHERE type = 'view'".into())
    );
    let triggers = db["unmodelled"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["kind"] == "trigger")
        .count();
    assert_eq!(
        triggers,
        n("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'".into())
    );
    assert!(
        tables.len() >= 16 && triggers > 0,
        "{} tables, {triggers} triggers",
        tables.len()
    );
}
