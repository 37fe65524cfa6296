//! apply, apply again, rollback, irreversible, dry run: the real binary on real SQLite files.
#![allow(clippy::unwrap_used)]

mod common;
use common::Project;

fn three(p: &Project) {
    p.native("20260101_000001", "users", "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\nCREATE INDEX users_email ON users (email);", Some("DROP TABLE users;"));
    p.native("20260101_000002", "posts", "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));\nINSERT INTO posts (id) VALUES (1), (2);", Some("DROP TABLE posts;"));
    p.native(
        "20260101_000003",
        "tags",
        "CREATE TABLE tags (name TEXT PRIMARY KEY);",
        Some("DROP TABLE tags;"),
    );
}

#[test]
fn apply_then_apply_again_is_a_no_op() {
    let p = Project::new();
    three(&p);
    let r = p.migra(&["apply", "--json"]).code(0).json();
    assert_eq!(r["success"], true);
    assert_eq!(r["steps_completed"], 3);
    assert_eq!(r["rows_affected"], 2);
    assert_eq!(r["rollback_triggered"], false);
    assert_eq!(
        p.tables(),
        vec![
            "migra_history",
            "migra_history_kv",
            "migra_history_lock",
            "migra_history_log",
            "posts",
            "tags",
            "users"
        ]
    );
    assert_eq!(
        p.query("SELECT status FROM migra_history ORDER BY sort_key"),
        vec!["applied"; 3]
    );
    assert_eq!(
        p.query("SELECT count(*) FROM migra_history_lock"),
        vec!["0"],
        "lock released"
    );

    let before = std::fs::read(p.db_path()).unwrap();
    let again = p.migra(&["apply", "--json"]).code(0).json();
    assert_eq!(
        std::fs::read(p.db_path()).unwrap(),
        before,
        "a no-op apply writes nothing, not even the lock"
    );
    assert_eq!(again["steps_completed"], 0);
    assert_eq!(
        p.query("SELECT count(*) FROM migra_history_log"),
        vec!["3"],
        "no new log rows"
    );
    let human = p.migra(&["apply"]).code(0);
    assert!(
        human.stdout.contains("Nothing to apply"),
        "{}",
        human.stdout
    );
}

#[test]
fn apply_to_a_version_then_the_rest() {
    let p = Project::new();
    three(&p);
    p.migra(&["apply", "--to", "20260101_000002"]).code(0);
    assert_eq!(
        p.query("SELECT version FROM migra_history ORDER BY sort_key"),
        vec!["20260101_000001", "20260101_000002"]
    );
    p.migra(&["apply", "--to", "20260101000003"]).code(0);
    assert_eq!(
        p.query("SELECT count(*) FROM migra_history WHERE status = 'applied'"),
        vec!["3"]
    );
    let bad = p.migra(&["apply", "--to", "20991231_000000"]).code(2);
    assert!(
        bad.stderr.contains("unknown version 20991231_000000"),
        "{}",
        bad.stderr
    );
}

#[test]
fn dry_run_changes_nothing_at_all() {
    let p = Project::new();
    three(&p);
    // On a database that does not exist yet: it is not created.
    let r = p.migra(&["apply", "--dry-run"]).code(0);
    assert!(!p.db_path().exists(), "dry run created the database");
    let expected = "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\nCREATE INDEX users_email ON users (email);";
    assert!(r.stdout.contains(expected), "{}", r.stdout);

    // On an existing database: byte-identical afterwards, for apply and rollback.
    p.migra(&["apply", "--to", "20260101_000002"]).code(0);
    let before = std::fs::read(p.db_path()).unwrap();
    let j = p.migra(&["apply", "--dry-run", "--json"]).code(0).json();
    assert_eq!(j["dry_run"], true);
    assert_eq!(
        j["migrations"][0]["statements"][0],
        "CREATE TABLE tags (name TEXT PRIMARY KEY)"
    );
    let r = p.migra(&["rollback", "--steps", "2", "--dry-run"]).code(0);
    let posts = r.stdout.find("DROP TABLE posts;").unwrap();
    let users = r.stdout.find("DROP TABLE users;").unwrap();
    assert!(posts < users, "newest first:\n{}", r.stdout);
    p.migra(&["plan"]).code(0);
    p.migra(&["status", "--json"]).code(0);
    assert_eq!(
        std::fs::read(p.db_path()).unwrap(),
        before,
        "database file changed"
    );
}

#[test]
fn plan_and_status_report_pending_and_current() {
    let p = Project::new();
    three(&p);
    p.migra(&["apply", "--to", "20260101_000001"]).code(0);
    let plan = p.migra(&["plan", "--json"]).code(0).json();
    assert_eq!(plan["applied"].as_array().unwrap().len(), 1);
    let pending: Vec<_> = plan["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["version"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(pending, vec!["20260101_000002", "20260101_000003"]);
    let status = p.migra(&["status", "--json"]).code(0).json();
    assert_eq!(status["current_version"], "20260101_000001");
    assert_eq!(status["applied"], 1);
    assert_eq!(status["pending"], 2);
}

#[test]
fn new_creates_a_native_file_that_loads_once_filled() {
    let p = Project::new();
    let r = p
        .migra(&["new", "Add", "payment retry!", "--json"])
        .code(0)
        .json();
    let path = std::path::PathBuf::from(r["path"].as_str().unwrap());
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.ends_with("_add_payment_retry.sql")
            && name.len() == "YYYYMMDD_HHMMSS_add_payment_retry.sql".len(),
        "{name}"
    );
    // Empty up part: a clear error naming the file until it is filled in.
    let e = p.migra(&["plan"]).code(2);
    assert!(
        e.stderr.contains(&name) && e.stderr.contains("the up part is empty"),
        "{}",
        e.stderr
    );
    let text = std::fs::read_to_string(p.path().join(&path))
        .unwrap()
        .replace(
            "-- DIRECTION: up\n",
            "-- DIRECTION: up\nCREATE TABLE pay (id INT);\n",
        );
    std::fs::write(p.path().join(&path), text).unwrap();
    p.migra(&["apply"]).code(0);
    assert!(p.tables().contains(&"pay".to_string()));
    // A second `new` in the same second gets a later version.
    let a = p.migra(&["new", "x", "--json"]).code(0).json();
    let b = p.migra(&["new", "x", "--json"]).code(0).json();
    assert_ne!(a["version"], b["version"]);
}
