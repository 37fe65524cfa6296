//! `migra verify` on every dialect: a correct down passes; a down that drops the wrong table, one
//! that leaves a column behind, and a round trip that loses data are each caught and named.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
use common::Project;
use common::db::Kind;

fn four(p: &Project) {
    p.native(
        "20260101_000001",
        "users",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100) NOT NULL);\n\
         INSERT INTO users (id, email) VALUES (1, 'a@example.com'), (2, 'b@example.com');",
        Some("DROP TABLE users;"),
    );
    p.native(
        "20260101_000002",
        "teams",
        "CREATE TABLE teams (id INTEGER PRIMARY KEY);",
        Some("DROP TABLE IF EXISTS team;"),
    );
    p.native(
        "20260101_000003",
        "nickname",
        "ALTER TABLE users ADD COLUMN nickname VARCHAR(50);",
        Some("SELECT 1;"),
    );
    p.native(
        "20260101_000004",
        "drop_email",
        "ALTER TABLE users DROP COLUMN email;",
        Some("ALTER TABLE users ADD COLUMN email VARCHAR(100);"),
    );
}

fn differences(r: &serde_json::Value) -> Vec<String> {
    let m = &r["migrations"][0];
    m["schema_differences"]
        .as_array()
        .unwrap()
        .iter()
        .chain(m["data_differences"].as_array().unwrap())
        .map(|d| d.as_str().unwrap().to_string())
        .collect()
}

fn verify_catches_bad_downs_and_passes_a_good_one(p: &Project) {
    four(p);
    let ok = p
        .migra(&["verify", "20260101_000001", "--json"])
        .code(0)
        .json();
    assert_eq!(ok["passed"], true, "{ok}");
    let stages: Vec<&str> = ok["migrations"][0]["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["snapshot", "up", "down", "compare", "up again"]);

    let wrong_table = p
        .migra(&["verify", "20260101_000002", "--json"])
        .code(1)
        .json();
    let d = differences(&wrong_table);
    assert!(
        d.len() == 1 && d[0].contains("drop table") && d[0].ends_with("teams"),
        "{d:?}"
    );

    let left_column = p
        .migra(&["verify", "20260101_000003", "--json"])
        .code(1)
        .json();
    let d = differences(&left_column);
    assert!(
        d.len() == 1 && d[0].ends_with("drop column nickname"),
        "{d:?}"
    );

    let lossy = p
        .migra(&["verify", "20260101_000004", "--json"])
        .code(1)
        .json();
    let d = differences(&lossy);
    assert!(
        d.iter()
            .any(|x| x.ends_with("users: same 2 rows, but their values changed")),
        "{lossy}"
    );

    // Results go to the real database's history, keyed by each file's checksum; the scratch
    // databases are gone and the real database holds no user table.
    let recorded =
        p.query("SELECT body FROM migra_history_kv WHERE kind = 'verified' ORDER BY sort_key");
    let passed: Vec<bool> = recorded
        .iter()
        .map(|b| serde_json::from_str::<serde_json::Value>(b).unwrap()["passed"] == true)
        .collect();
    assert_eq!(passed, [true, false, false, false]);
    assert!(
        p.tables().iter().all(|t| t.starts_with("migra_history")),
        "{:?}",
        p.tables()
    );

    let human = p.migra(&["verify", "20260101_000003"]).code(1);
    assert!(
        human.stdout.contains("FAILED 20260101_000003 nickname"),
        "{}",
        human.stdout
    );
}

fn verify_all_walks_forward_and_back(p: &Project, kind: Kind) {
    p.native(
        "20260101_000001",
        "users",
        "CREATE TABLE users (id INTEGER PRIMARY KEY);",
        Some("DROP TABLE users;"),
    );
    p.native(
        "20260101_000002",
        "posts",
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));",
        Some("DROP TABLE posts;"),
    );
    let r = p
        .migra(&["verify", "--all", "--json", "--no-record"])
        .code(0)
        .json();
    assert_eq!(r["passed"], true, "{r}");
    assert_eq!(r["migrations"].as_array().unwrap().len(), 2);
    assert_eq!(r["walk_back"]["rolled_back"], 2);
    let written = if kind == Kind::Sqlite {
        p.db_path().exists()
    } else {
        p.tables().iter().any(|t| t == "migra_history_kv")
    };
    assert!(!written, "--no-record writes nothing");
}

macro_rules! on_each {
    ($name:ident, $kind:expr) => {
        mod $name {
            use super::*;
            #[test]
            fn verify_catches_bad_downs_and_passes_a_good_one() {
                if let Some(p) = Project::on($kind) {
                    super::verify_catches_bad_downs_and_passes_a_good_one(&p);
                }
            }
            #[test]
            fn verify_all_walks_forward_and_back() {
                if let Some(p) = Project::on($kind) {
                    super::verify_all_walks_forward_and_back(&p, $kind);
                }
            }
        }
    };
}

on_each!(sqlite, Kind::Sqlite);
on_each!(postgres, Kind::Postgres);
on_each!(mysql, Kind::Mysql);

/// A real bug from crates.io: the up part creates a unique *index*, the down part drops a
/// *constraint* of that name, which does not exist.
#[test]
fn crates_io_index_dropped_as_a_constraint_is_caught() {
    let Some(p) = Project::on(Kind::Postgres) else {
        return;
    };
    let dir = common::corpus().join("crates-io/migrations");
    let r = p
        .migra(&[
            "verify",
            "2024-10-25-112826",
            "--dir",
            dir.to_str().unwrap(),
            "--json",
            "--no-record",
        ])
        .code(1)
        .json();
    let down = &r["migrations"][0]["stages"][2];
    assert_eq!(
        (down["stage"].as_str(), down["ok"].as_bool()),
        (Some("down"), Some(false)),
        "{r}"
    );
    assert!(
        down["detail"]
            .as_str()
            .unwrap()
            .contains("versions_crate_id_num_no_build_uindex"),
        "{r}"
    );
}

/// On SQLite, when the live database stands just before the migration, the round trip runs on a
/// copy of it, real rows included; the live file is not touched.
#[test]
fn sqlite_verify_runs_on_a_copy_of_the_live_database() {
    let p = Project::new();
    four(&p);
    p.migra(&["apply", "--to", "20260101_000003", "--no-validate"])
        .code(0);
    p.exec("INSERT INTO users (id, email) VALUES (7, 'live@example.com')");
    let before = std::fs::read(p.db_path()).unwrap();
    let r = p
        .migra(&["verify", "20260101_000004", "--json", "--no-record"])
        .code(1)
        .json();
    assert_eq!(r["data"], "a copy of the live database", "{r}");
    let d = differences(&r);
    assert!(
        d.iter()
            .any(|x| x.ends_with("users: same 3 rows, but their values changed")),
        "the live row is part of the round trip: {d:?}"
    );
    assert_eq!(
        std::fs::read(p.db_path()).unwrap(),
        before,
        "live file unchanged"
    );
}
