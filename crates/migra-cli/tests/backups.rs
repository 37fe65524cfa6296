//! `migra apply --backup`: a dropped column and a dropped table are copied aside first, recorded,
//! put back by `migra rollback` (data identical), listed by `migra backups`, and removed only on
//! request. On every dialect.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
use common::Project;
use common::db::Kind;

fn snapshot(p: &Project) -> Vec<Vec<String>> {
    vec![
        p.query("SELECT id FROM users ORDER BY id"),
        p.query("SELECT COALESCE(email, '<null>') FROM users ORDER BY id"),
        p.query("SELECT name FROM users ORDER BY id"),
        p.query("SELECT msg FROM old_log ORDER BY id"),
    ]
}

fn drop_with_backup_then_rollback_restores_the_data(p: &Project, _kind: Kind) {
    p.native(
        "20260101_000001",
        "users",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100), name VARCHAR(100));\n\
         INSERT INTO users (id, email, name) VALUES (1, 'a@example.com', 'A'), (2, NULL, 'B'), (3, 'c@example.com', 'C');\n\
         CREATE TABLE old_log (id INTEGER PRIMARY KEY, msg VARCHAR(100));\n\
         INSERT INTO old_log (id, msg) VALUES (1, 'hello'), (2, 'it''s');",
        Some("DROP TABLE old_log;\nDROP TABLE users;"),
    );
    p.native(
        "20260101_000002",
        "drop_email",
        "ALTER TABLE users DROP COLUMN email;\nDROP TABLE old_log;",
        Some("CREATE TABLE old_log (id INTEGER PRIMARY KEY, msg VARCHAR(100));\nALTER TABLE users ADD COLUMN email VARCHAR(100);"),
    );
    p.migra(&["apply", "--to", "20260101_000001"]).code(0);
    let before = snapshot(p);
    // Without --backup the drops are refused; with it their data-loss findings only warn.
    let refused = p.migra(&["apply"]).code(3);
    assert!(refused.stderr.contains("DL103"), "{}", refused.stderr);
    let r = p.migra(&["apply", "--backup"]).code(0);
    assert!(r.stderr.contains("validation passed with"), "{}", r.stderr);
    let listed = p.migra(&["backups", "--json"]).code(0).json();
    let tables: Vec<&str> = listed["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["backup_table"].as_str().unwrap())
        .collect();
    assert_eq!(
        tables,
        [
            "migra_history_bk_20260101_000002_old_log",
            "migra_history_bk_20260101_000002_users_email"
        ]
    );
    // Backup tables are migra's own: inspection (and so drift) leaves them out.
    let model = p.migra(&["inspect", "--json"]).code(0).json().to_string();
    assert!(!model.contains("_bk_"), "{model}");
    let plan = p.migra(&["plan-rollback", "--json"]).code(0).json();
    let recovery = plan["data_recovery"].as_array().unwrap();
    assert!(recovery.iter().all(|d| d["recoverable"] == true), "{plan}");
    assert_eq!(
        plan["steps"].as_array().unwrap().len(),
        4,
        "2 down steps + 2 restores: {plan}"
    );

    p.migra(&["rollback"]).code(0);
    assert_eq!(snapshot(p), before, "data identical after the rollback");
    // The restores' verification queries agree.
    for step in &plan["steps"].as_array().unwrap()[2..] {
        let q = step["verification"].as_str().unwrap();
        assert!(matches!(p.query(q)[0].as_str(), "1" | "true"), "{q}");
    }
    // Kept until removed on request.
    assert!(
        p.tables()
            .iter()
            .any(|t| t == "migra_history_bk_20260101_000002_users_email")
    );
    let listed = p.migra(&["backups", "--json"]).code(0).json();
    assert!(listed["backups"][0]["restored_at"].is_string(), "{listed}");
    p.migra(&["backups", "--remove-version", "20260101_000002"])
        .code(0);
    assert!(
        !p.tables().iter().any(|t| t.contains("_bk_")),
        "{:?}",
        p.tables()
    );
    assert_eq!(
        p.migra(&["backups", "--json"]).code(0).json()["backups"],
        serde_json::json!([])
    );
}

macro_rules! on_each {
    ($name:ident, $kind:expr) => {
        mod $name {
            use super::*;
            #[test]
            fn drop_with_backup_then_rollback_restores_the_data() {
                if let Some(p) = Project::on($kind) {
                    super::drop_with_backup_then_rollback_restores_the_data(&p, $kind);
                }
            }
        }
    };
}

on_each!(sqlite, Kind::Sqlite);
on_each!(postgres, Kind::Postgres);
on_each!(mysql, Kind::Mysql);
