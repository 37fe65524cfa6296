//! `migra plan-rollback`: snapshots of the plan (JSON and for people), `tested` following
//! `migra verify`, and, on every dialect, each step's verification query false before the
//! rollback and true after it.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
use common::Project;
use common::db::Kind;

fn sqlite_history(p: &Project) {
    p.native(
        "20260101_000001",
        "users",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, legacy TEXT);",
        Some("DROP TABLE users;"),
    );
    p.native(
        "20260101_000002",
        "drop_legacy",
        "ALTER TABLE users DROP COLUMN legacy;",
        Some("ALTER TABLE users ADD COLUMN legacy TEXT;"),
    );
    p.native(
        "20260101_000003",
        "audit",
        "CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL);\n\
         CREATE INDEX audit_at ON audit (at);\nALTER TABLE users ADD COLUMN score INTEGER;",
        None,
    );
}

#[test]
fn rollback_plans_snapshot() {
    let p = Project::new();
    sqlite_history(&p);
    p.migra(&["apply", "--no-validate"]).code(0);
    p.migra(&["verify", "20260101_000001"]).code(0);
    let tested = p
        .migra(&["plan-rollback", "20260101_000001", "--json"])
        .code(0)
        .json();
    assert_eq!(tested["tested"], true, "verify passed on this exact file");
    insta::assert_json_snapshot!("plan_from_down_part_tested", tested);
    insta::assert_snapshot!(
        "plan_data_lost_by_the_migration",
        p.migra(&["plan-rollback", "20260101_000002"])
            .code(0)
            .stdout
    );
    let generated = p.migra(&["plan-rollback", "--json"]).code(0).json();
    assert_eq!(generated["source"], "generated");
    insta::assert_json_snapshot!("plan_generated_without_down_part", generated);
    insta::assert_snapshot!(
        "plan_generated_without_down_part_human",
        p.migra(&["plan-rollback"]).code(0).stdout
    );
    // Editing the file after verify: the pass no longer counts.
    p.native(
        "20260101_000001",
        "users",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, legacy TEXT);",
        Some("DROP TABLE users;"),
    );
    let edited = p
        .migra(&["plan-rollback", "20260101_000001", "--json"])
        .code(0)
        .json();
    assert_eq!(edited["tested"], false);
}

#[test]
fn nothing_applied_needs_a_version() {
    let p = Project::new();
    sqlite_history(&p);
    let r = p.migra(&["plan-rollback"]).code(2);
    assert!(r.stderr.contains("nothing is applied"), "{}", r.stderr);
}

fn verifications_flip_when_the_rollback_runs(p: &Project, kind: Kind) {
    p.native(
        "20260101_000001",
        "users",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100));",
        Some("DROP TABLE users;"),
    );
    let drop_index = if kind == Kind::Mysql {
        "ALTER TABLE users DROP INDEX users_nick;"
    } else {
        "DROP INDEX users_nick;"
    };
    p.native(
        "20260101_000002",
        "posts",
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER);\n\
         ALTER TABLE users ADD COLUMN nick VARCHAR(20);\nCREATE INDEX users_nick ON users (nick);",
        Some(&format!(
            "{drop_index}\nALTER TABLE users DROP COLUMN nick;\nDROP TABLE posts;"
        )),
    );
    p.migra(&["apply", "--no-validate"]).code(0);
    let plan = p.migra(&["plan-rollback", "--json"]).code(0).json();
    let checks: Vec<String> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["verification"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(checks.len(), 3, "{plan}");
    let truth = |p: &Project| -> Vec<bool> {
        checks
            .iter()
            .map(|q| matches!(p.query(q)[0].as_str(), "1" | "t" | "true"))
            .collect()
    };
    assert_eq!(truth(p), [false, false, false], "{checks:?}");
    p.migra(&["rollback"]).code(0);
    assert_eq!(truth(p), [true, true, true], "{checks:?}");
}

macro_rules! on_each {
    ($name:ident, $kind:expr) => {
        mod $name {
            use super::*;
            #[test]
            fn verifications_flip_when_the_rollback_runs() {
                if let Some(p) = Project::on($kind) {
                    super::verifications_flip_when_the_rollback_runs(&p, $kind);
                }
            }
        }
    };
}

on_each!(sqlite, Kind::Sqlite);
on_each!(postgres, Kind::Postgres);
on_each!(mysql, Kind::Mysql);
