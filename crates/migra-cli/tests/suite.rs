//! The generic suite: the same tests on every dialect with a backend, each on a fresh database,
//! driving the real `migra` binary. `suite!` instantiates it per dialect.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
use common::Project;
use common::db::Kind;

fn three(p: &Project) {
    p.native("20260101_000001", "users", "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\nCREATE INDEX users_email ON users (email);", Some("DROP TABLE users;"));
    p.native("20260101_000002", "posts", "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));\nINSERT INTO posts (id) VALUES (1), (2);", Some("DROP TABLE posts;"));
    p.native(
        "20260101_000003",
        "tags",
        "CREATE TABLE tags (name VARCHAR(100) PRIMARY KEY);",
        Some("DROP TABLE tags;"),
    );
}

fn user_tables(p: &Project) -> Vec<String> {
    p.tables()
        .into_iter()
        .filter(|t| !t.starts_with("migra_history"))
        .collect()
}

fn apply_is_idempotent_and_rollback_walks_back(p: &Project) {
    three(p);
    let r = p.migra(&["apply", "--json"]).code(0).json();
    assert_eq!(
        (r["steps_completed"].as_u64(), r["rows_affected"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(user_tables(p), vec!["posts", "tags", "users"]);
    assert_eq!(
        p.query("SELECT status FROM migra_history ORDER BY sort_key"),
        vec!["applied"; 3]
    );
    assert_eq!(
        p.migra(&["apply", "--json"]).code(0).json()["steps_completed"],
        0
    );
    assert_eq!(
        p.query("SELECT count(*) FROM migra_history_log"),
        vec!["3"],
        "a no-op apply logs nothing"
    );
    p.migra(&["rollback"]).code(0);
    assert_eq!(user_tables(p), vec!["posts", "users"]);
    p.migra(&["rollback", "--steps", "2"]).code(0);
    assert!(user_tables(p).is_empty());
    p.migra(&["apply", "--to", "20260101_000002"]).code(0);
    assert_eq!(user_tables(p), vec!["posts", "users"]);
    p.migra(&["apply"]).code(0);
    p.migra(&["rollback", "--to", "20260101_000001"]).code(0);
    assert_eq!(user_tables(p), vec!["users"]);
    p.migra(&["rollback", "--to", "0"]).code(0);
    assert!(user_tables(p).is_empty());
    let actions = p.query("SELECT action FROM migra_history_log ORDER BY id");
    assert_eq!(
        actions.iter().filter(|a| *a == "apply").count(),
        actions.iter().filter(|a| *a == "rollback").count()
    );
}

fn irreversible_rollback_is_refused(p: &Project) {
    p.native(
        "20260101_000001",
        "a",
        "CREATE TABLE a (x INTEGER);",
        Some("DROP TABLE a;"),
    );
    p.native("20260101_000002", "b", "CREATE TABLE b (x INTEGER);", None);
    p.migra(&["apply"]).code(0);
    let j = p
        .migra(&["rollback", "--steps", "2", "--json"])
        .code(3)
        .json();
    assert_eq!(j["error"]["kind"], "irreversible");
    assert_eq!(user_tables(p), vec!["a", "b"], "nothing was rolled back");
}

fn a_failure_leaves_nothing_of_the_failed_migration(p: &Project) {
    p.native("20260101_000001", "a", "CREATE TABLE a (x INTEGER);", None);
    p.native(
        "20260101_000002",
        "b",
        "CREATE TABLE b (x INTEGER);\nINSERT INTO b VALUES (1);\nINSERT INTO nope VALUES (1);",
        None,
    );
    p.native("20260101_000003", "c", "CREATE TABLE c (x INTEGER);", None);
    let j = p.migra(&["apply", "--json"]).code(1).json();
    assert_eq!(j["steps_completed"], 1);
    assert_eq!(j["errors"][0]["location"], "20260101_000002_b.sql:5");
    assert_eq!(j["errors"][0]["statement"], "INSERT INTO nope VALUES (1)");
    assert!(
        j["errors"][0]["message"].as_str().unwrap().contains("nope"),
        "{j}"
    );
    assert_eq!(
        p.query("SELECT action FROM migra_history_log ORDER BY id"),
        vec!["apply", "failure"]
    );
    if p.db.kind == Kind::Mysql {
        // DDL commits implicitly: the first two statements stay and history says exactly that.
        assert_eq!(user_tables(p), vec!["a", "b"]);
        assert_eq!(p.query("SELECT concat(status, ' ', applied_statements, '/', total_statements) FROM migra_history ORDER BY sort_key"), vec!["applied 1/1", "failed 2/3"]);
        // Fixed file: the run resumes at the failed statement, after checking that the two
        // that ran are unchanged.
        p.native(
            "20260101_000002",
            "b",
            "CREATE TABLE b (x INTEGER);\nINSERT INTO b VALUES (1);\nINSERT INTO b VALUES (2);",
            None,
        );
        let human = p.migra(&["apply"]).code(0).stdout;
        assert!(
            human.contains("Applying 20260101_000002 b (resuming at statement 3) ... ok"),
            "{human}"
        );
        assert_eq!(p.query("SELECT count(*) FROM b"), vec!["2"]);
        assert_eq!(user_tables(p), vec!["a", "b", "c"]);
        return;
    }
    assert_eq!(user_tables(p), vec!["a"]);
    assert_eq!(
        p.query("SELECT status FROM migra_history ORDER BY sort_key"),
        vec!["applied", "failed"]
    );
    p.native("20260101_000002", "b", "CREATE TABLE b (x INTEGER);", None);
    p.migra(&["apply"]).code(0);
    assert_eq!(user_tables(p), vec!["a", "b", "c"]);
}

fn drift_is_shown_and_refused(p: &Project) {
    p.native("20260101_000001", "a", "CREATE TABLE a (x INTEGER);", None);
    p.migra(&["apply"]).code(0);
    p.native("20260101_000001", "a", "CREATE TABLE a (x BIGINT);", None);
    p.native("20260101_000002", "b", "CREATE TABLE b (x INTEGER);", None);
    assert_eq!(
        p.migra(&["plan", "--json"]).code(0).json()["drift"][0]["kind"],
        "checksum_mismatch"
    );
    assert_eq!(
        p.migra(&["apply", "--json"]).code(3).json()["error"]["kind"],
        "drift"
    );
    assert_eq!(user_tables(p), vec!["a"]);
    p.migra(&["apply", "--allow-drift"]).code(0);
    assert_eq!(user_tables(p), vec!["a", "b"]);
}

fn dry_run_changes_nothing(p: &Project) {
    three(p);
    let r = p.migra(&["apply", "--dry-run"]).code(0);
    assert!(
        r.stdout
            .contains("CREATE INDEX users_email ON users (email);"),
        "{}",
        r.stdout
    );
    if p.db.exists() {
        assert!(
            p.tables().is_empty(),
            "no history table, no user table: {:?}",
            p.tables()
        );
    }
    p.migra(&["apply", "--to", "20260101_000001"]).code(0);
    let before = p.query("SELECT count(*) FROM migra_history_log");
    let r = p.migra(&["rollback", "--dry-run"]).code(0);
    assert!(r.stdout.contains("DROP TABLE users;"), "{}", r.stdout);
    assert_eq!(user_tables(p), vec!["users"]);
    assert_eq!(p.query("SELECT count(*) FROM migra_history_log"), before);
}

fn a_half_applied_migration_resumes_after_a_fix_or_is_repaired(p: &Project) {
    let file = |first: &str, second: &str| {
        format!("-- migra:no-transaction\n{first}\n{second}\nCREATE TABLE z (x INTEGER);")
    };
    p.native(
        "20260101_000001",
        "a",
        &file("CREATE TABLE a (x INTEGER);", "CREATE TABLE a (y INTEGER);"),
        None,
    );
    // The validator sees the second CREATE fail before anything runs...
    let refused = p.migra(&["apply"]).code(3);
    assert!(refused.stderr.contains("TX708"), "{}", refused.stderr);
    assert!(user_tables(p).is_empty());
    // ...and without it the migration stops part-way.
    p.migra(&["apply", "--no-validate"]).code(1);
    let progress =
        "SELECT concat(status, ' ', applied_statements, '/', total_statements) FROM migra_history";
    assert_eq!(p.query(progress), vec!["failed 1/3"]);
    // Status says how far it got and how it goes on, not only the error.
    let s = p.migra(&["status", "--json"]).code(0).json();
    assert_eq!(s["failed"][0]["state"], "failed", "{s}");
    assert_eq!(
        s["failed"][0]["progress"],
        serde_json::json!({"ran": 1, "of": 3}),
        "{s}"
    );
    let human = p.migra(&["status"]).code(0).stdout;
    assert!(
        human.contains("(1 of 3 statements took effect; once the file is fixed, `migra apply` resumes at statement 2)"),
        "{human}"
    );
    // Rollback does not start from a half state.
    let rb = p.migra(&["rollback"]).code(3);
    assert!(
        rb.stderr.contains("is half applied: 1 of 3 statements ran")
            && rb.stderr.contains("roll it forward first"),
        "{}",
        rb.stderr
    );
    // A statement that already ran was edited: refused, with the way out.
    p.native(
        "20260101_000001",
        "a",
        &file("CREATE TABLE a (x BIGINT);", "CREATE TABLE b (y INTEGER);"),
        None,
    );
    let e = p.migra(&["apply"]).code(3);
    assert!(
        e.stderr.contains(
            "cannot be resumed because its first 1 statement(s), which already ran, were changed"
        ),
        "{}",
        e.stderr
    );
    assert!(
        e.stderr
            .contains("migra repair 20260101_000001 --mark-applied"),
        "{}",
        e.stderr
    );
    // Only the failed statement fixed: resumes there.
    p.native(
        "20260101_000001",
        "a",
        &file("CREATE TABLE a (x INTEGER);", "CREATE TABLE b (y INTEGER);"),
        None,
    );
    let run = p.migra(&["apply", "--json"]).code(0);
    let r = run.json();
    assert_eq!(r["migrations"][0]["resumed_at_statement"], 2, "{r}");
    // The progress events say so as it starts.
    assert!(
        run.stderr.lines().any(
            |l| l.contains(r#""event":"started""#) && l.contains(r#""resumed_at_statement":2"#)
        ),
        "{}",
        run.stderr
    );
    assert_eq!(user_tables(p), vec!["a", "b", "z"]);
    assert_eq!(p.query(progress), vec!["applied 3/3"]);

    // A second one, finished by hand and recorded with `repair`.
    p.native(
        "20260101_000002",
        "c",
        "-- migra:no-transaction\nCREATE TABLE c (x INTEGER);\nINSERT INTO nope VALUES (1);",
        None,
    );
    p.migra(&["apply", "--no-validate"]).code(1);
    let j = p
        .migra(&[
            "repair",
            "20260101_000002",
            "--mark-applied",
            "--reason",
            "ran the rest by hand",
            "--json",
        ])
        .code(0)
        .json();
    assert_eq!(j["status"], "applied");
    assert_eq!(
        p.migra(&["apply", "--json"]).code(0).json()["steps_completed"],
        0
    );
    assert_eq!(
        p.query("SELECT error FROM migra_history_log WHERE action = 'repair'"),
        vec!["marked applied by hand: ran the rest by hand"]
    );
    p.migra(&["repair", "20260101_000002", "--mark-rolled-back"])
        .code(0);
    assert_eq!(
        p.query("SELECT status FROM migra_history WHERE version = '20260101_000002'"),
        vec!["rolled_back"]
    );
    let usage = p.migra(&["repair", "20260101_000002"]).code(2);
    assert!(usage.stderr.contains("--mark-applied"), "{}", usage.stderr);
}

fn concurrent_runners_apply_each_migration_once(p: &Project) {
    let n = 30;
    for i in 1..=n {
        let up = format!(
            "CREATE TABLE t_{i} (id INTEGER PRIMARY KEY, v TEXT);\nINSERT INTO t_{i} (id, v) VALUES (1, 'a'), (2, 'b'), (3, 'c');"
        );
        p.native(
            &format!("20260101_0000{i:02}"),
            &format!("t{i}"),
            &up,
            Some(&format!("DROP TABLE t_{i};")),
        );
    }
    let url = p.url();
    let kids: Vec<_> = (0..4)
        .map(|_| {
            p.command(&["--database", &url, "apply", "--json"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut steps = 0;
    for k in kids {
        steps += common::Run::from(k.wait_with_output().unwrap())
            .code(0)
            .json()["steps_completed"]
            .as_u64()
            .unwrap();
    }
    assert_eq!(steps, n);
    assert_eq!(
        p.query("SELECT count(*) FROM migra_history_log WHERE action = 'apply'"),
        vec![n.to_string()]
    );
    assert_eq!(
        p.query("SELECT count(DISTINCT version) FROM migra_history_log WHERE action = 'apply'"),
        vec![n.to_string()]
    );
    assert_eq!(
        p.query("SELECT count(*) FROM migra_history WHERE status = 'applied'"),
        vec![n.to_string()]
    );
}

macro_rules! suite {
    ($name:ident, $kind:expr) => {
        mod $name {
            use super::*;

            fn on(test: fn(&Project)) {
                if let Some(p) = Project::on($kind) {
                    test(&p);
                }
            }

            #[test]
            fn apply_is_idempotent_and_rollback_walks_back() {
                on(super::apply_is_idempotent_and_rollback_walks_back)
            }
            #[test]
            fn irreversible_rollback_is_refused() {
                on(super::irreversible_rollback_is_refused)
            }
            #[test]
            fn a_failure_leaves_nothing_of_the_failed_migration() {
                on(super::a_failure_leaves_nothing_of_the_failed_migration)
            }
            #[test]
            fn drift_is_shown_and_refused() {
                on(super::drift_is_shown_and_refused)
            }
            #[test]
            fn dry_run_changes_nothing() {
                on(super::dry_run_changes_nothing)
            }
            #[test]
            fn a_half_applied_migration_resumes_after_a_fix_or_is_repaired() {
                on(super::a_half_applied_migration_resumes_after_a_fix_or_is_repaired)
            }
            #[test]
            fn concurrent_runners_apply_each_migration_once() {
                on(super::concurrent_runners_apply_each_migration_once)
            }
        }
    };
}

suite!(sqlite, Kind::Sqlite);
suite!(postgres, Kind::Postgres);
suite!(mysql, Kind::Mysql);
