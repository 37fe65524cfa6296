//! Pre/post checks: `-- migra:assert-before/-after` and the automatic row-count baseline. A
//! failing post-assertion rolls the migration back where the database allows it (PostgreSQL,
//! SQLite) and is recorded; on MariaDB `--rollback-on-failure` runs the down part instead.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
use common::Project;
use common::db::Kind;

fn accounts(p: &Project) {
    p.native(
        "20260101_000001",
        "accounts",
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY, email VARCHAR(100));\n\
         INSERT INTO accounts (id, email) VALUES (1, 'a@example.com'), (2, NULL), (3, 'c@example.com');",
        Some("DROP TABLE accounts;"),
    );
    p.native(
        "20260101_000002",
        "verified",
        "-- migra:assert-before SELECT count(*) = 3 FROM accounts\n\
         ALTER TABLE accounts ADD COLUMN verified INTEGER;\n\
         -- migra:assert-after SELECT count(*) = 0 FROM accounts WHERE email IS NULL",
        Some("ALTER TABLE accounts DROP COLUMN verified;"),
    );
}

fn columns(p: &Project) -> Vec<String> {
    p.migra(&["inspect", "--json"]).code(0).json()["namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|n| n["tables"].as_array().unwrap().clone())
        .filter(|t| t["name"] == "accounts")
        .flat_map(|t| t["columns"].as_array().unwrap().clone())
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

fn failed_post_assertion_rolls_back_and_is_recorded(p: &Project) {
    accounts(p);
    let r = p.migra(&["apply", "--json"]).code(1).json();
    let message = r["error"]["message"].as_str().unwrap();
    assert!(message.contains("assert-after failed"), "{r}");
    assert!(message.contains("WHERE email IS NULL"), "{r}");
    assert_eq!(
        columns(p),
        ["id", "email"],
        "the ALTER was rolled back with the migration"
    );
    assert_eq!(
        p.query("SELECT status FROM migra_history ORDER BY sort_key"),
        ["applied", "failed"]
    );
    let failure = p.query("SELECT error FROM migra_history_log WHERE action = 'failure'");
    assert!(failure[0].contains("assert-after failed"), "{failure:?}");

    p.exec("UPDATE accounts SET email = 'b@example.com' WHERE id = 2");
    let r = p.migra(&["apply", "--json"]).code(0).json();
    let checks: Vec<(String, bool)> = r["migrations"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["kind"].as_str().unwrap().to_string(), c["ok"] == true))
        .collect();
    let kinds: Vec<&str> = checks.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kinds, ["assert_before", "row_count", "assert_after"], "{r}");
    assert!(checks.iter().all(|(_, ok)| *ok));
    assert_eq!(
        r["migrations"][0]["checks"][1]["detail"],
        "3 rows before, 3 after"
    );
    assert_eq!(columns(p), ["id", "email", "verified"]);
}

#[test]
fn sqlite_failed_post_assertion_rolls_back_and_is_recorded() {
    failed_post_assertion_rolls_back_and_is_recorded(&Project::new());
}

#[test]
fn postgres_failed_post_assertion_rolls_back_and_is_recorded() {
    if let Some(p) = Project::on(Kind::Postgres) {
        failed_post_assertion_rolls_back_and_is_recorded(&p);
    }
}

#[test]
fn mariadb_failed_post_assertion_runs_the_down_part_on_request() {
    let Some(p) = Project::on(Kind::Mysql) else {
        return;
    };
    accounts(&p);
    let r = p
        .migra(&["apply", "--json", "--rollback-on-failure"])
        .code(1)
        .json();
    assert_eq!(r["rollback_triggered"], true, "{r}");
    assert_eq!(
        columns(&p),
        ["id", "email"],
        "the down part dropped the column"
    );
    assert_eq!(
        p.query("SELECT status FROM migra_history ORDER BY sort_key"),
        ["applied", "rolled_back"]
    );
    // Without the flag the migration stays failed with its statements in effect; once the data
    // is fixed, apply finishes it (the post-check passes).
    let r = p.migra(&["apply", "--json"]).code(1).json();
    assert_eq!(r["rollback_triggered"], false, "{r}");
    assert_eq!(columns(&p), ["id", "email", "verified"]);
    p.exec("UPDATE accounts SET email = 'b@example.com' WHERE id = 2");
    let r = p.migra(&["apply", "--json"]).code(0).json();
    assert_eq!(
        r["migrations"][0]["checks"][0]["kind"], "assert_after",
        "{r}"
    );
    assert_eq!(
        p.query("SELECT status FROM migra_history ORDER BY sort_key"),
        ["applied", "applied"]
    );
}

#[test]
fn a_row_count_changed_behind_the_migrations_back_is_caught() {
    let p = Project::new();
    p.native(
        "20260101_000001",
        "accounts",
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT);\n\
         INSERT INTO accounts (id) VALUES (1), (2), (3);\n\
         CREATE TABLE events (id INTEGER PRIMARY KEY);\n\
         CREATE TRIGGER purge AFTER INSERT ON events BEGIN DELETE FROM accounts WHERE id = 3; END;",
        None,
    );
    p.native(
        "20260101_000002",
        "flag",
        "ALTER TABLE accounts ADD COLUMN flag INTEGER;\nINSERT INTO events (id) VALUES (1);",
        None,
    );
    let r = p
        .migra(&["apply", "--json", "--no-validate"])
        .code(1)
        .json();
    let message = r["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("row count of accounts changed: 3 rows before, 2 after"),
        "{r}"
    );
    assert_eq!(
        p.query("SELECT count(*) FROM accounts"),
        ["3"],
        "rolled back"
    );
    // Saying so lets it through.
    p.native(
        "20260101_000002",
        "flag",
        "-- migra:rows-change accounts\nALTER TABLE accounts ADD COLUMN flag INTEGER;\nINSERT INTO events (id) VALUES (1);",
        None,
    );
    p.migra(&["apply", "--no-validate"]).code(0);
    assert_eq!(p.query("SELECT count(*) FROM accounts"), ["2"]);
}

/// A table the database estimates above 100,000 rows is not counted: the count would hold the
/// ALTER's lock for the whole scan. The result says so.
#[test]
fn postgres_large_tables_are_not_counted_under_the_lock() {
    let Some(p) = Project::on(Kind::Postgres) else {
        return;
    };
    p.exec("CREATE TABLE big (id BIGINT PRIMARY KEY)");
    p.exec("INSERT INTO big SELECT g FROM generate_series(1, 150000) g");
    p.exec("ANALYZE big");
    p.native(
        "20260101_000001",
        "flag",
        "ALTER TABLE big ADD COLUMN flag INT;",
        None,
    );
    let r = p.migra(&["apply", "--json"]).code(0).json();
    let check = &r["migrations"][0]["checks"][0];
    assert_eq!(check["kind"], "row_count", "{r}");
    assert!(
        check["detail"]
            .as_str()
            .unwrap()
            .starts_with("not counted: about 150000 rows"),
        "{r}"
    );
}
