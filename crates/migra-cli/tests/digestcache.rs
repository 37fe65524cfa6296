//! The remembered history digest of a SQLite file: `status` and `apply` answer from it without
//! opening the database while the file's stamp holds, and never once any commit touched the
//! file, from migra or anyone else, or the database runs in WAL mode.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
use common::Project;
use std::path::PathBuf;

/// The remembered-digest files in the project's cache directory.
fn remembered(p: &Project) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(p.path().join(".cache"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|f| f.file_name().unwrap().to_string_lossy().starts_with("db-"));
    v
}

fn counts(status: &serde_json::Value) -> (serde_json::Value, serde_json::Value) {
    (status["applied"].clone(), status["pending"].clone())
}

fn two_migrations() -> Project {
    let p = Project::new();
    p.native(
        "20260101_000001",
        "users",
        "CREATE TABLE users (id INT);",
        Some("DROP TABLE users;"),
    );
    p.native(
        "20260101_000002",
        "posts",
        "CREATE TABLE posts (id INT);",
        Some("DROP TABLE posts;"),
    );
    // Files younger than this are never cached (their timestamps could repeat).
    std::thread::sleep(migra::exec::SETTLE + std::time::Duration::from_millis(200));
    p
}

#[test]
fn status_answers_from_the_remembered_digest_only_while_the_file_is_unchanged() {
    let p = two_migrations();
    p.migra(&["apply"]).code(0);
    assert!(
        remembered(&p).is_empty(),
        "no file before the first apply, so no stamp"
    );
    let status = p.migra(&["status", "--json"]).code(0).json();
    assert_eq!(counts(&status), (2.into(), 0.into()));
    let files = remembered(&p);
    assert_eq!(files.len(), 1, "{files:?}");
    let all_applied = std::fs::read_to_string(&files[0]).unwrap();
    let human = p.migra(&["status"]).code(0).stdout;
    assert!(
        human.contains(&format!(
            "Database:        sqlite://{}",
            p.db_path().display()
        )),
        "{human}"
    );

    // A rollback commits: the stamp moves on, and the database itself answers.
    p.migra(&["rollback"]).code(0);
    let status = p.migra(&["status", "--json"]).code(0).json();
    assert_eq!(counts(&status), (1.into(), 1.into()));

    // What answers while the stamp holds is the remembered digest: given the digest of the
    // fully applied history under the current stamp, status believes it (this is the trust).
    let current = std::fs::read_to_string(&files[0]).unwrap();
    let stamp =
        |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap()["stamp"].clone();
    let forged = all_applied.replace(
        stamp(&all_applied).as_str().unwrap(),
        stamp(&current).as_str().unwrap(),
    );
    std::fs::write(&files[0], forged).unwrap();
    let status = p.migra(&["status", "--json"]).code(0).json();
    assert_eq!(
        counts(&status),
        (2.into(), 0.into()),
        "answered from the cache"
    );
    let apply = p.migra(&["apply", "--json"]).code(0).json();
    assert_eq!(apply["steps_completed"], 0, "{apply}");

    // Anyone's commit, outside migra, ends that trust at once.
    p.exec("CREATE TABLE other_tool (id INT)");
    let status = p.migra(&["status", "--json"]).code(0).json();
    assert_eq!(counts(&status), (1.into(), 1.into()));
    p.migra(&["apply"]).code(0);
    let status = p.migra(&["status", "--json"]).code(0).json();
    assert_eq!(counts(&status), (2.into(), 0.into()));

    // A new migration file is pending at once, whatever was remembered.
    p.native(
        "20260101_000003",
        "tags",
        "CREATE TABLE tags (id INT);",
        None,
    );
    let status = p.migra(&["status", "--json"]).code(0).json();
    assert_eq!(counts(&status), (2.into(), 1.into()));
}

#[test]
fn history_changed_by_hand_is_seen_even_in_the_same_clock_tick() {
    let p = two_migrations();
    p.migra(&["apply"]).code(0);
    p.migra(&["status"]).code(0);
    assert_eq!(remembered(&p).len(), 1);
    // Two commits straight after the remembered read: the change counter tells them apart
    // where file times may not.
    p.exec("DELETE FROM migra_history WHERE version = '20260101_000002'");
    let status = p.migra(&["status", "--json"]).code(0).json();
    assert_eq!(counts(&status), (1.into(), 1.into()));
    p.exec("UPDATE migra_history SET checksum = 'edited' WHERE version = '20260101_000001'");
    let status = p.migra(&["status", "--json"]).code(0).json();
    let drift = serde_json::to_string(&status["drift"]).unwrap();
    assert!(drift.contains("20260101_000001"), "{status}");
}

#[test]
fn nothing_is_remembered_in_wal_mode_or_without_a_cache() {
    let p = two_migrations();
    p.migra(&["apply"]).code(0);
    p.exec("PRAGMA journal_mode=WAL");
    p.migra(&["status"]).code(0);
    assert!(remembered(&p).is_empty(), "WAL mode has no stamp");
    p.migra(&["rollback"]).code(0);
    let status = p.migra(&["status", "--json"]).code(0).json();
    assert_eq!(counts(&status), (1.into(), 1.into()));

    let p = two_migrations();
    p.migra(&["apply"]).code(0);
    let out = p
        .command(&["--database", &p.url(), "status"])
        .env("MIGRA_NO_CACHE", "1")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        remembered(&p).is_empty(),
        "MIGRA_NO_CACHE=1 remembers nothing"
    );
}
