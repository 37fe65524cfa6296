//! insta snapshots of human and JSON output (times, durations and temp paths filtered).
#![allow(clippy::unwrap_used)]

mod common;
use common::{Project, Run};

fn settings(p: &Project) -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(&regex_escape(&p.path().display().to_string()), "[DIR]");
    s.add_filter(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", "[TIME]");
    s.add_filter(
        r#""duration_seconds": [0-9.e-]+"#,
        r#""duration_seconds": "[SECS]""#,
    );
    s.add_filter(r#""duration_ms": \d+"#, r#""duration_ms": "[MS]""#);
    s.add_filter(r"\(\d+ ms\)", "([MS] ms)");
    s.add_filter(r"in \d+\.\d+ s", "in [SECS] s");
    s.add_filter(r"waited \d+ ms", "waited [MS] ms");
    s.add_filter(r"[0-9a-f]{12}\b", "[HASH]");
    s
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '/' || c == '_' {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect()
}

fn both(r: &Run) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        r.code, r.stdout, r.stderr
    )
}

fn project() -> Project {
    let p = Project::new();
    p.native("20260101_000001", "create users", "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\nCREATE INDEX users_email ON users (email);", Some("DROP TABLE users;"));
    p.native(
        "20260101_000002",
        "seed users",
        "INSERT INTO users (email) VALUES ('a@example.com'), ('b@example.com');",
        Some("DELETE FROM users;"),
    );
    p.native("20260101_000003", "posts", "-- migra:no-transaction\nCREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));", None);
    p
}

#[test]
fn human_output() {
    let p = project();
    settings(&p).bind(|| {
        insta::assert_snapshot!("plan_fresh", both(&p.migra(&["plan"])));
        insta::assert_snapshot!(
            "apply_dry_run",
            both(&p.migra(&["apply", "--dry-run", "--to", "20260101_000002"]))
        );
        insta::assert_snapshot!(
            "apply_to",
            both(&p.migra(&["apply", "--to", "20260101_000002"]))
        );
        insta::assert_snapshot!("status_partial", both(&p.migra(&["status"])));
        insta::assert_snapshot!("apply_rest", both(&p.migra(&["apply"])));
        insta::assert_snapshot!("rollback_irreversible", both(&p.migra(&["rollback"])));
        p.native(
            "20260101_000002",
            "seed users",
            "INSERT INTO users (email) VALUES ('c@example.com');",
            Some("DELETE FROM users;"),
        );
        insta::assert_snapshot!("plan_drift", both(&p.migra(&["plan"])));
        insta::assert_snapshot!("apply_drift_refused", both(&p.migra(&["apply"])));
    });
}

#[test]
fn human_failure_output() {
    let p = Project::new();
    p.native("20260101_000001", "a", "CREATE TABLE a (x INT);", None);
    p.native(
        "20260101_000002",
        "b",
        "CREATE TABLE b (x INT);\nINSERT INTO missing VALUES (1);",
        None,
    );
    settings(&p).bind(|| {
        insta::assert_snapshot!("apply_failure", both(&p.migra(&["apply"])));
        insta::assert_snapshot!("status_after_failure", both(&p.migra(&["status"])));
    });
    let bad = Project::new();
    bad.write(
        "20260101_000001_a.sql",
        "-- DIRECTION: up\nSELECT 1;\n-- DIRECTION: down\nSELECT 2;\n-- DIRECTION: up\n",
    );
    bad.write(
        "20260101_000002_b.sql",
        "-- DIRECTION: up\n-- migra:frobnicate\nSELECT 1;\n",
    );
    settings(&bad).bind(|| insta::assert_snapshot!("malformed", both(&bad.migra(&["plan"]))));
}

#[test]
fn json_output() {
    let p = project();
    settings(&p).bind(|| {
        insta::assert_snapshot!("json_plan_fresh", p.migra(&["plan", "--json"]).stdout);
        insta::assert_snapshot!(
            "json_apply_dry_run",
            p.migra(&["apply", "--dry-run", "--json"]).stdout
        );
        insta::assert_snapshot!("json_apply", p.migra(&["apply", "--json"]).stdout);
        insta::assert_snapshot!("json_status", p.migra(&["status", "--json"]).stdout);
        insta::assert_snapshot!(
            "json_rollback_refused",
            p.migra(&["rollback", "--json"]).stdout
        );
        p.native(
            "20260101_000004",
            "broken",
            "INSERT INTO nowhere VALUES (1);",
            None,
        );
        insta::assert_snapshot!("json_apply_failure", p.migra(&["apply", "--json"]).stdout);
    });
}
