//! Failing migrations, drift, half-applied migrations, malformed files, bad URLs.
#![allow(clippy::unwrap_used)]

mod common;
use common::Project;

#[test]
fn a_failing_migration_in_the_middle_leaves_nothing_of_itself() {
    let p = Project::new();
    p.native(
        "20260101_000001",
        "a",
        "CREATE TABLE a (x INT);",
        Some("DROP TABLE a;"),
    );
    p.native(
        "20260101_000002",
        "b",
        "CREATE TABLE b (x INT);\nINSERT INTO b VALUES (1);\nINSERT INTO nope VALUES (1);",
        Some("DROP TABLE b;"),
    );
    p.native(
        "20260101_000003",
        "c",
        "CREATE TABLE c (x INT);",
        Some("DROP TABLE c;"),
    );
    let r = p.migra(&["apply", "--json"]).code(1);
    let j = r.json();
    assert_eq!(j["success"], false);
    assert_eq!(j["steps_completed"], 1);
    assert_eq!(j["error"]["kind"], "migration_failed");
    let e = &j["errors"][0];
    assert_eq!(e["version"], "20260101_000002");
    assert_eq!(e["statement"], "INSERT INTO nope VALUES (1)");
    assert_eq!(e["location"], "20260101_000002_b.sql:5");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("no such table: nope")
    );

    let tables = p.tables();
    assert!(
        tables.contains(&"a".into())
            && !tables.contains(&"b".into())
            && !tables.contains(&"c".into()),
        "{tables:?}"
    );
    assert_eq!(
        p.query("SELECT status FROM migra_history WHERE version = '20260101_000002'"),
        vec!["failed"]
    );
    assert_eq!(
        p.query("SELECT failing_statement FROM migra_history WHERE version = '20260101_000002'"),
        vec!["INSERT INTO nope VALUES (1)"]
    );
    assert_eq!(
        p.query("SELECT count(*) FROM migra_history WHERE version = '20260101_000003'"),
        vec!["0"]
    );
    assert_eq!(
        p.query("SELECT action FROM migra_history_log ORDER BY id"),
        vec!["apply", "failure"]
    );
    assert_eq!(
        p.query("SELECT count(*) FROM migra_history_lock"),
        vec!["0"],
        "lock released after failure"
    );
    let mut journal = p.db_path().into_os_string();
    journal.push("-journal");
    assert!(
        !std::path::Path::new(&journal).exists(),
        "the journal kept during the run is gone after the failure too"
    );

    // Human output names the statement and location too.
    let h = p.migra(&["apply"]).code(1);
    assert!(
        h.stderr.contains("20260101_000002_b.sql:5") && h.stderr.contains("INSERT INTO nope"),
        "{}",
        h.stderr
    );
    let s = p.migra(&["status"]).code(0);
    assert!(
        s.stdout
            .contains("20260101_000002 b last run failed: no such table: nope"),
        "{}",
        s.stdout
    );

    // Fixed file: the failed migration and the rest apply.
    p.native(
        "20260101_000002",
        "b",
        "CREATE TABLE b (x INT);\nINSERT INTO b VALUES (1);",
        Some("DROP TABLE b;"),
    );
    p.migra(&["apply"]).code(0);
    assert_eq!(
        p.query("SELECT count(*) FROM migra_history WHERE status = 'applied'"),
        vec!["3"]
    );
}

#[test]
fn an_edited_applied_file_is_drift_and_apply_refuses() {
    let p = Project::new();
    p.native("20260101_000001", "a", "CREATE TABLE a (x INT);", None);
    p.migra(&["apply"]).code(0);
    p.native("20260101_000001", "a", "CREATE TABLE a (x BIGINT);", None);
    p.native("20260101_000002", "b", "CREATE TABLE b (x INT);", None);
    let plan = p.migra(&["plan", "--json"]).code(0).json();
    assert_eq!(plan["drift"][0]["kind"], "checksum_mismatch");
    assert_eq!(plan["drift"][0]["file"], "20260101_000001_a.sql");
    let r = p.migra(&["apply"]).code(3);
    assert!(
        r.stderr
            .contains("20260101_000001_a.sql changed after it was applied"),
        "{}",
        r.stderr
    );
    assert!(!p.tables().contains(&"b".into()), "nothing ran");
    let j = p.migra(&["apply", "--json"]).code(3).json();
    assert_eq!(j["error"]["kind"], "drift");
    assert_eq!(j["error"]["drift"][0]["version"], "20260101_000001");
    p.migra(&["apply", "--allow-drift"]).code(0);
    assert!(p.tables().contains(&"b".into()));
    // Line endings alone are not drift.
    std::fs::write(
        p.path().join("migrations/20260101_000002_b.sql"),
        "-- MIGRATION: b\r\n-- DIRECTION: up\r\nCREATE TABLE b (x INT);   \r\n",
    )
    .unwrap();
    let plan = p.migra(&["plan", "--json"]).code(0).json();
    assert_eq!(plan["drift"].as_array().unwrap().len(), 1, "{plan}");
}

#[test]
fn missing_and_out_of_order_files_are_drift() {
    let p = Project::new();
    p.native("20260101_000001", "a", "CREATE TABLE a (x INT);", None);
    p.native("20260101_000003", "c", "CREATE TABLE c (x INT);", None);
    p.migra(&["apply"]).code(0);
    p.native("20260101_000002", "b", "CREATE TABLE b (x INT);", None);
    std::fs::remove_file(p.path().join("migrations/20260101_000001_a.sql")).unwrap();
    let plan = p.migra(&["plan", "--json"]).code(0).json();
    let kinds: Vec<_> = plan["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds, vec!["missing_file", "out_of_order"]);
    p.migra(&["apply"]).code(3);
}

#[test]
fn malformed_files_exit_2_naming_file_and_line() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "20260101_000001_a.sql",
            "-- DIRECTION: down\nDROP TABLE a;\n-- DIRECTION: up\nSELECT 1;\n",
            "20260101_000001_a.sql:1: `-- DIRECTION: down` comes before `-- DIRECTION: up`",
        ),
        (
            "20260101_000001_a.sql",
            "-- DIRECTION: up\nSELECT 1;\n-- DIRECTION: sideways\n",
            "20260101_000001_a.sql:3: unknown marker `-- DIRECTION: sideways`",
        ),
        (
            "20260101_000001_a.sql",
            "-- DIRECTION: up\n\n-- DIRECTION: down\nSELECT 1;\n",
            "20260101_000001_a.sql:2: the up part is empty",
        ),
        (
            "20260101_000001_a.sql",
            "-- DIRECTION: up\nSELECT 'unterminated;\n",
            "20260101_000001_a.sql:2: unterminated string",
        ),
        (
            "20260101_000001_a.sql",
            "SELECT 1;\n",
            "20260101_000001_a.sql:1: SQL before the `-- DIRECTION: up` marker",
        ),
    ];
    for (name, text, expected) in cases {
        let p = Project::new();
        p.write(name, text);
        let r = p.migra(&["apply"]).code(2);
        assert!(
            r.stderr.contains(expected),
            "expected {expected:?} in:\n{}",
            r.stderr
        );
        assert!(!p.db_path().exists(), "nothing touched the database");
    }
    // Invalid UTF-8 and duplicate versions.
    let p = Project::new();
    std::fs::write(
        p.path().join("migrations/20260101_000001_a.sql"),
        b"-- DIRECTION: up\nSELECT '\xff';\n",
    )
    .unwrap();
    let r = p.migra(&["plan", "--json"]).code(2);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("20260101_000001_a.sql:2: file is not valid UTF-8"),
        "{}",
        r.stdout
    );
    let p = Project::new();
    p.write("1_a.up.sql", "SELECT 1;");
    p.write("01_b.up.sql", "SELECT 1;");
    let r = p.migra(&["plan"]).code(2);
    assert!(r.stderr.contains("duplicate version"), "{}", r.stderr);
}

#[test]
fn bad_urls_and_missing_directories_are_usage_errors() {
    let p = Project::new();
    p.native("20260101_000001", "a", "SELECT 1;", None);
    let r = p
        .migra_raw(&["plan", "-d", "oracle://scott:tiger@db/x"])
        .code(2);
    assert!(
        r.stderr.contains("unknown scheme `oracle`") && !r.stderr.contains("tiger"),
        "{}",
        r.stderr
    );
    let r = p
        .migra_raw(&[
            "plan",
            "-d",
            "postgres://bob:hunter2@127.0.0.1:1/x",
            "--json",
        ])
        .code(1);
    assert!(!r.stdout.contains("hunter2"), "{}", r.stdout);
    assert_eq!(r.json()["error"]["kind"], "connection_failed");
    assert!(
        r.stdout.contains("postgres://bob:***@127.0.0.1:1/x"),
        "{}",
        r.stdout
    );
    let r = p
        .migra_raw(&[
            "plan",
            "-d",
            "mongodb://bob:hunter2@127.0.0.1:1/x",
            "--json",
        ])
        .code(2);
    assert!(!r.stdout.contains("hunter2"));
    assert_eq!(r.json()["error"]["kind"], "unsupported");
    let r = p.migra(&["plan", "--dir", "nowhere"]).code(2);
    assert!(
        r.stderr
            .contains("migration directory nowhere does not exist"),
        "{}",
        r.stderr
    );
    let r = p.migra(&["plan", "--format", "liquibase"]).code(2);
    assert!(
        r.stderr.contains("unknown --format `liquibase`"),
        "{}",
        r.stderr
    );
    let r = p.migra(&["apply", "--json", "--bogus"]).code(2);
    assert_eq!(r.json()["error"]["kind"], "usage");
    let r = p.migra_raw(&["plan", "-d", "sqlite:///nonexistent-dir/sub/x.db"]);
    assert_eq!(
        r.code, 0,
        "read-only plan of a missing file reads as empty: {}",
        r.stderr
    );
    let r = p
        .migra_raw(&["apply", "-d", "sqlite:///nonexistent-dir/sub/x.db"])
        .code(1);
    assert!(
        r.stderr
            .contains("cannot connect to sqlite:///nonexistent-dir/sub/x.db"),
        "{}",
        r.stderr
    );
}

#[test]
fn settings_come_from_flags_then_env_then_config() {
    let p = Project::new();
    p.native("20260101_000001", "a", "CREATE TABLE a (x INT);", None);
    std::fs::create_dir(p.path().join("other")).unwrap();
    std::fs::write(p.path().join("other/1_b.up.sql"), "CREATE TABLE b (x INT);").unwrap();
    std::fs::write(
        p.path().join("migra.toml"),
        "database = \"sqlite://from_config.db\"\ntable = \"app_migrations\"\n",
    )
    .unwrap();
    // Config only.
    p.migra_raw(&["apply"]).code(0);
    assert!(p.path().join("from_config.db").exists());
    // DB_URL, then DATABASE_URL, win over the config file.
    p.command(&["apply"])
        .env("DB_URL", "sqlite://from_db_url.db")
        .status()
        .unwrap();
    assert!(p.path().join("from_db_url.db").exists());
    p.command(&["apply"])
        .env("DB_URL", "sqlite://nope.db")
        .env("DATABASE_URL", "sqlite://from_env.db")
        .status()
        .unwrap();
    assert!(p.path().join("from_env.db").exists() && !p.path().join("nope.db").exists());
    // Flags win over everything; global options go before or after the command.
    let r = p
        .migra_raw(&[
            "--json",
            "apply",
            "--dir",
            "other",
            "-d",
            "sqlite://from_flag.db",
            "--table",
            "t2",
        ])
        .code(0);
    assert_eq!(r.json()["steps_completed"], 1);
    let r = p
        .migra_raw(&[
            "--migrations-dir",
            "other",
            "status",
            "--database",
            "sqlite://from_flag.db",
            "--table",
            "t2",
            "--json",
        ])
        .code(0);
    assert_eq!(r.json()["current_version"], "1");
    // The configured table name is used.
    let url = format!("sqlite://{}", p.path().join("from_config.db").display());
    let t = p
        .migra_raw(&["status", "-d", &url, "--json"])
        .code(0)
        .json();
    assert_eq!(t["applied"], 1);
    // A bad config file is a usage error.
    std::fs::write(p.path().join("bad.toml"), "databse = 1\n").unwrap();
    let r = p.migra_raw(&["plan", "--config", "bad.toml"]).code(2);
    assert!(
        r.stderr.contains("invalid config bad.toml")
            && r.stderr.contains("unknown field `databse`"),
        "{}",
        r.stderr
    );
    let r = p.migra_raw(&["plan", "--table", "x; DROP TABLE a"]).code(2);
    assert!(r.stderr.contains("history table name"), "{}", r.stderr);
}
