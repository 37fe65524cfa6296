//! The caches of the startup check. The parsed-directory cache: used when nothing changed,
//! never trusted over a changed file (even one edited back to its old size and modification
//! time), and never an error source. The remembered history digest of a SQLite file: `status`
//! and `apply` answer from it without opening the database while the file's stamp holds, and
//! never once any commit touched the file, from migra or anyone else, or in WAL mode.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
use common::Project;
use std::path::PathBuf;

/// The files in cache directory `dir` whose names `keep` accepts.
fn cache_entries(dir: &std::path::Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| keep(&p.file_name().unwrap().to_string_lossy()));
    v
}

/// The directory cache files in `dir` (`summaries`: the summary files instead).
fn cache_files_of(dir: &std::path::Path, summaries: bool) -> Vec<PathBuf> {
    cache_entries(dir, |name| {
        name.starts_with("dir-")
            && name.ends_with(".json")
            && name.ends_with(".summary.json") == summaries
    })
}

fn cache_files(dir: &std::path::Path) -> Vec<PathBuf> {
    cache_files_of(dir, false)
}

/// The remembered-digest files in the project's cache directory.
fn remembered(p: &Project) -> Vec<PathBuf> {
    cache_entries(&p.path().join(".cache"), |name| name.starts_with("db-"))
}

/// Applied and pending counts of a `status --json`.
fn counts(status: &serde_json::Value) -> (serde_json::Value, serde_json::Value) {
    (status["applied"].clone(), status["pending"].clone())
}

/// Two reversible migrations, `users` and `posts` (one statement each, for every dialect).
fn users_and_posts(p: &Project) {
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
    users_and_posts(&p);
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
    users_and_posts(&p);
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
    assert_eq!(counts(&status), (1.into(), 1.into()));
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

fn two_migrations() -> Project {
    let p = Project::new();
    users_and_posts(&p);
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
