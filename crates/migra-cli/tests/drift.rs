//! `migra drift` and directories as schema sources: migrations replayed on a scratch database
//! (a temporary SQLite file, or a temporary database on the same server) and compared.
#![allow(clippy::unwrap_used)]

mod common;
use common::Project;
use common::db::Kind;

const UP: &str = "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100) NOT NULL);\nCREATE INDEX users_email ON users (email);";

fn drift_is_found_and_nothing_is_left_behind(kind: Kind) {
    let Some(p) = Project::on(kind) else {
        return;
    };
    p.native("20260101_000001", "users", UP, Some("DROP TABLE users;"));
    p.native(
        "20260101_000002",
        "posts",
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));",
        Some("DROP TABLE posts;"),
    );
    p.migra(&["apply", "--to", "20260101_000001"]).code(0);
    // Only what is applied is replayed: the pending posts table is not expected.
    let clean = p.migra(&["drift"]).code(0);
    assert!(clean.stdout.contains("No drift"), "{}", clean.stdout);
    p.exec("ALTER TABLE users ADD COLUMN nickname VARCHAR(20)");
    p.exec("CREATE INDEX users_nick ON users (nickname)");
    let r = p.migra(&["drift", "--json"]).code(3).json();
    assert_eq!(r["drift"], true);
    assert_eq!(r["replayed_to"], "20260101_000001");
    let changes = serde_json::to_string(&r["changes"]).unwrap();
    assert!(
        changes.contains("nickname") && changes.contains("users_nick"),
        "{changes}"
    );
    let text = p.migra(&["drift"]).code(3).stdout;
    assert!(text.contains("add column nickname"), "{text}");
    // plan --check-schema reports the same, and plan itself still succeeds.
    let plan = p
        .migra(&["plan", "--check-schema", "--json"])
        .code(0)
        .json();
    assert_eq!(plan["schema_drift"], r["changes"]);
    assert_eq!(plan["pending"].as_array().unwrap().len(), 1);
}

#[test]
fn drift_on_sqlite() {
    drift_is_found_and_nothing_is_left_behind(Kind::Sqlite);
}

#[test]
fn drift_on_postgres() {
    drift_is_found_and_nothing_is_left_behind(Kind::Postgres);
}

#[test]
fn drift_on_mariadb() {
    drift_is_found_and_nothing_is_left_behind(Kind::Mysql);
}

#[test]
fn a_directory_is_a_schema_source() {
    let (Some(p), Some(empty)) = (Project::on(Kind::Postgres), Project::on(Kind::Postgres)) else {
        return;
    };
    p.native("20260101_000001", "users", UP, Some("DROP TABLE users;"));
    // From the directory to an empty database: the changes drop what the directory creates.
    let r = p
        .migra(&[
            "diff",
            "--from",
            "dir:migrations",
            "--to",
            &empty.url(),
            "--json",
        ])
        .code(0)
        .json();
    assert_eq!(r["changes"][0]["type"], "drop_table");
    let err = p
        .migra(&["diff", "--from", "nowhere/at/all", "--to", &empty.url()])
        .code(2);
    assert!(err.stderr.contains("no such directory"), "{}", err.stderr);
}

#[test]
fn sql_files_and_git_revisions_are_schema_sources() {
    let p = Project::new();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(p.path())
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .unwrap();
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
    };
    let write = |name: &str, text: &str| std::fs::write(p.path().join(name), text).unwrap();
    write("schema.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);");
    git(&["init", "-q"]);
    git(&["add", "schema.sql"]);
    git(&["commit", "-qm", "v1"]);
    write(
        "schema.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);\nCREATE INDEX users_email ON users (email);",
    );
    // The file as committed against the file as it is now: the column and index added since.
    let r = p
        .migra(&[
            "diff",
            "--from",
            "git:HEAD:schema.sql",
            "--to",
            "schema.sql",
            "--json",
        ])
        .code(0)
        .json();
    let up = r["up_script"].as_str().unwrap();
    assert!(
        up.contains("ADD COLUMN \"email\"") && up.contains("CREATE INDEX \"users_email\""),
        "{up}"
    );
    // A statement that fails names the file and line.
    write(
        "broken.sql",
        "CREATE TABLE a (id INTEGER);\nCREATE TABLE oops (;",
    );
    let err = p
        .migra(&["diff", "--from", "broken.sql", "--to", "schema.sql"])
        .code(1);
    assert!(err.stderr.contains("broken.sql:2"), "{}", err.stderr);
    let missing = p
        .migra(&["diff", "--from", "git:HEAD:nope.sql", "--to", "schema.sql"])
        .code(2);
    assert!(
        missing.stderr.contains("git:HEAD:nope.sql"),
        "{}",
        missing.stderr
    );
}
