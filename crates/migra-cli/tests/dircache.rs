//! The parsed-directory cache: used when nothing changed, never trusted over a changed file
//! (even one edited back to its old size and modification time), and never an error source.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
use common::Project;
use std::path::PathBuf;

/// The directory cache files in `dir` (`summaries`: the summary files instead).
fn cache_files_of(dir: &std::path::Path, summaries: bool) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        name.starts_with("dir-")
            && name.ends_with(".json")
            && name.ends_with(".sum.json") == summaries
    });
    v
}

fn cache_files(dir: &std::path::Path) -> Vec<PathBuf> {
    cache_files_of(dir, false)
}

/// Replaces `from` by `to` in migration `file`, then sets its modification time back: only the
/// change time (which cannot be set back) still tells.
fn edit_keeping_size_and_mtime(p: &Project, file: &str, from: &str, to: &str) {
    let path = p.path().join("migrations").join(file);
    let meta = std::fs::metadata(&path).unwrap();
    let edited = std::fs::read_to_string(&path).unwrap().replace(from, to);
    assert_eq!(edited.len() as u64, meta.len(), "the edit keeps the size");
    std::fs::write(&path, edited).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(meta.modified().unwrap())
        .unwrap();
}

#[test]
fn the_cache_is_used_when_nothing_changed_and_never_over_a_changed_file() {
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
        None,
    );
    p.native(
        "20260101_000003",
        "tags",
        "CREATE TABLE tags (id INT);",
        None,
    );
    let cache_dir = p.path().join(".cache");

    // Fresh files are not cached: two versions of a file could share its timestamps.
    p.migra(&["apply", "--to", "20260101_000002"]).code(0);
    assert!(cache_files(&cache_dir).is_empty());
    std::thread::sleep(migra::exec::SETTLE + std::time::Duration::from_millis(200));
    p.migra(&["status"]).code(0);
    let files = cache_files(&cache_dir);
    assert_eq!(files.len(), 1, "{files:?}");

    // A hit: what the cache says is what migra sees (the name below exists only in the cache).
    let text = std::fs::read_to_string(&files[0]).unwrap();
    std::fs::write(&files[0], text.replace("\"tags\"", "\"tags-from-cache\"")).unwrap();
    let plan = p.migra(&["plan", "--json"]).code(0).json();
    assert_eq!(plan["pending"][0]["name"], "tags-from-cache", "{plan}");
    // What runs always comes from the files themselves.
    let dry = p.migra(&["apply", "--dry-run", "--json"]).code(0).json();
    assert_eq!(dry["migrations"][0]["name"], "tags", "{dry}");

    // An edit of an applied file, same size and modification time restored: still drift.
    edit_keeping_size_and_mtime(&p, "20260101_000001_users.sql", "(id INT)", "(ix INT)");
    let status = p.migra(&["status", "--json"]).code(0).json();
    let drift = serde_json::to_string(&status["drift"]).unwrap();
    assert!(drift.contains("20260101_000001"), "{status}");
    let plan = p.migra(&["plan", "--json"]).code(0).json();
    assert_eq!(plan["pending"][0]["name"], "tags", "re-read, not cached");

    // A new file is seen at once.
    p.native(
        "20260101_000004",
        "notes",
        "CREATE TABLE notes (id INT);",
        None,
    );
    let plan = p.migra(&["plan", "--json"]).code(0).json();
    assert_eq!(plan["pending"].as_array().unwrap().len(), 2, "{plan}");

    // A damaged cache is a miss, not an error.
    std::fs::write(&files[0], "{ not json").unwrap();
    p.migra(&["plan"]).code(0);
}

#[test]
fn no_cache_when_disabled_or_unwritable() {
    let p = Project::new();
    p.native(
        "20260101_000001",
        "users",
        "CREATE TABLE users (id INT);",
        None,
    );
    std::thread::sleep(migra::exec::SETTLE + std::time::Duration::from_millis(200));
    let off = p.path().join("off");
    let out = p
        .command(&["--database", &p.url(), "apply"])
        .env("MIGRA_CACHE_DIR", &off)
        .env("MIGRA_NO_CACHE", "1")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!off.exists(), "MIGRA_NO_CACHE=1 writes no cache");

    // A cache "directory" that is a file: the command works as without a cache.
    let blocked = p.path().join("blocked");
    std::fs::write(&blocked, "x").unwrap();
    let out = p
        .command(&["--database", &p.url(), "status"])
        .env("MIGRA_CACHE_DIR", &blocked)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&blocked).unwrap(), "x");
}

/// On a server, an unchanged directory whose every migration is applied is answered from the
/// cached summary and the history digest alone; any change on either side takes the full path.
fn summary_answers_only_while_nothing_changed(kind: common::db::Kind) {
    let Some(p) = Project::on(kind) else {
        return;
    };
    p.native(
        "20260101_000001",
        "users",
        "CREATE TABLE users (id INT)",
        Some("DROP TABLE users"),
    );
    p.native(
        "20260101_000002",
        "posts",
        "CREATE TABLE posts (id INT)",
        Some("DROP TABLE posts"),
    );
    std::thread::sleep(migra::exec::SETTLE + std::time::Duration::from_millis(200));
    p.migra(&["apply"]).code(0);
    let summaries = cache_files_of(&p.path().join(".cache"), true);
    assert_eq!(summaries.len(), 1, "{summaries:?}");

    // The summary is what answers (the version below exists only in it).
    let text = std::fs::read_to_string(&summaries[0]).unwrap();
    std::fs::write(
        &summaries[0],
        text.replace("\"20260101_000002\"", "\"20260101_000002-from-summary\""),
    )
    .unwrap();
    let status = p.migra(&["status", "--json"]).code(0).json();
    assert_eq!(status["current_version"], "20260101_000002-from-summary");
    assert_eq!(
        (status["applied"].clone(), status["pending"].clone()),
        (2.into(), 0.into())
    );
    std::fs::write(&summaries[0], text).unwrap();

    // History changed behind the directory's back: the digest differs, the full path answers.
    p.migra(&["rollback"]).code(0);
    let status = p.migra(&["status", "--json"]).code(0).json();
    assert_eq!(
        (status["applied"].clone(), status["pending"].clone()),
        (1.into(), 1.into())
    );
    p.migra(&["apply"]).code(0);

    // An applied file edited, size and modification time restored: drift, and apply refuses.
    edit_keeping_size_and_mtime(&p, "20260101_000001_users.sql", "(id INT)", "(ix INT)");
    let status = p.migra(&["status", "--json"]).code(0).json();
    let drift = serde_json::to_string(&status["drift"]).unwrap();
    assert!(drift.contains("20260101_000001"), "{status}");
    p.migra(&["apply"]).code(3);
}

#[test]
fn postgres_summary_answers_only_while_nothing_changed() {
    summary_answers_only_while_nothing_changed(common::db::Kind::Postgres);
}

#[test]
fn mysql_summary_answers_only_while_nothing_changed() {
    summary_answers_only_while_nothing_changed(common::db::Kind::Mysql);
}
