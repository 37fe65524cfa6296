//! `migra validate` and `migra rules` through the real binary: the crates.io corpus, allow
//! directives, outputs and exit codes.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{Project, corpus};

/// Every crates.io migration, replayed in order: the three known bugs are found, nothing is
/// left unanalysed without being said, and the counts per rule are kept as a snapshot.
#[test]
fn crates_io_findings() {
    let p = Project::new();
    let dir = corpus().join("crates-io/migrations");
    let run = p.migra_raw(&[
        "validate",
        "--dialect",
        "postgres",
        "--format",
        "diesel",
        "--dir",
        dir.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let v = run.json();
    let all: Vec<&serde_json::Value> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .chain(v["warnings"].as_array().unwrap())
        .collect();
    let find = |code: &str, file: &str| {
        all.iter()
            .any(|e| e["type"] == code && e["location"].as_str().unwrap().starts_with(file))
    };
    assert!(
        find("TX701", "2024-04-12-144536_remove-downloads-column/"),
        "CREATE INDEX CONCURRENTLY in a transaction"
    );
    assert!(
        find(
            "TX708",
            "2024-10-25-112826_make-unique-version-unique/down.sql"
        ),
        "the down that drops a constraint its up made as an index"
    );
    assert!(
        find("TX707", "20170318181441_downloads_need_no_id/down.sql"),
        "the down with a syntax error"
    );
    // Every unanalysed statement is reported as TX705 or TX707.
    let summary = &v["summary"];
    let said = summary["by_rule"]["TX705"].as_u64().unwrap_or(0)
        + summary["by_rule"]["TX707"].as_u64().unwrap_or(0);
    assert_eq!(summary["unanalysed"].as_u64().unwrap(), said);
    assert_eq!(
        summary["scripts"].as_u64().unwrap(),
        285 + 276,
        "285 ups and the 276 non-empty downs"
    );
    insta::assert_json_snapshot!("crates_io_summary", summary);
}

#[test]
fn allow_needs_a_reason_and_silences_one_statement() {
    let p = Project::new();
    p.native(
        "20260101_000000",
        "init",
        "CREATE TABLE users (id int, legacy_token text, old text);",
        None,
    );
    p.native(
        "20260102_000000",
        "drop",
        "-- migra:allow DL103 reason=\"unused since v2.3\"\nALTER TABLE users DROP COLUMN legacy_token;\nALTER TABLE users DROP COLUMN old;",
        Some("ALTER TABLE users ADD COLUMN legacy_token text;\nALTER TABLE users ADD COLUMN old text;"),
    );
    let run = p.migra_raw(&["validate", "--dialect", "sqlite", "--json"]);
    assert_eq!(run.code, 3);
    let v = run.json();
    let allowed = v["allowed"].as_array().unwrap();
    assert_eq!(allowed.len(), 1);
    assert_eq!(allowed[0]["reason"], "unused since v2.3");
    assert!(allowed[0]["object"] == "users.legacy_token");
    let errors: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "DL103")
        .map(|e| e["object"].as_str().unwrap())
        .collect();
    assert_eq!(errors, vec!["users.old"]);

    // Without a reason, the directive allows nothing and is itself an error.
    p.native(
        "20260102_000000",
        "drop",
        "-- migra:allow DL103\nALTER TABLE users DROP COLUMN legacy_token;",
        None,
    );
    let v = p
        .migra_raw(&["validate", "--dialect", "sqlite", "--json"])
        .code(3)
        .json();
    let codes: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"AL000") && codes.contains(&"DL103"),
        "{codes:?}"
    );
}

#[test]
fn a_safe_directory_exits_zero_and_human_output_quotes_the_line() {
    let p = Project::new();
    p.native(
        "20260101_000000",
        "init",
        "CREATE TABLE users (id int);",
        Some("DROP TABLE users;"),
    );
    let run = p.migra_raw(&["validate", "--dialect", "sqlite"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("safe: 0 error(s)"), "{}", run.stdout);

    p.native(
        "20260102_000000",
        "add",
        "ALTER TABLE users ADD COLUMN plan text NOT NULL;",
        Some("ALTER TABLE users DROP COLUMN plan;"),
    );
    let run = p.migra_raw(&["validate", "--dialect", "sqlite"]);
    assert_eq!(run.code, 3);
    insta::assert_snapshot!("human_add_required_column", run.stdout);
}

#[test]
fn sarif_output() {
    let p = Project::new();
    let file = p.path().join("one.sql");
    std::fs::write(
        &file,
        "CREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);\nDROP TABLE t;\n",
    )
    .unwrap();
    let run = p.migra_raw(&[
        "validate",
        "--dialect",
        "postgres",
        "--format",
        "sarif",
        "one.sql",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), migra_validate_rule_count());
    insta::assert_json_snapshot!("sarif_results", v["runs"][0]["results"]);
}

/// The number of rules `migra rules --json` lists (with unique codes).
fn migra_validate_rule_count() -> usize {
    let p = Project::new();
    let v = p.migra_raw(&["rules", "--json"]).code(0).json();
    let codes: std::collections::BTreeSet<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), v.as_array().unwrap().len());
    codes.len()
}

#[test]
fn bad_input_is_a_usage_error() {
    let p = Project::new();
    p.migra_raw(&["validate", "--dialect", "oracle"]).code(2);
    p.migra_raw(&["validate", "--dialect", "postgres", "--output", "xml"])
        .code(2);
    p.migra_raw(&["validate", "--dialect", "postgres", "missing.sql"])
        .code(2);
    std::fs::write(
        p.path().join("migra.toml"),
        "[validate]\nrules = { XX999 = \"off\" }\n",
    )
    .unwrap();
    let run = p.migra_raw(&["validate", "--dialect", "postgres"]).code(2);
    assert!(run.stderr.contains("XX999"), "{}", run.stderr);
}

#[test]
fn apply_validates_first_and_refuses_blocking_findings_unless_allowed_with_a_reason() {
    let p = Project::new();
    p.native(
        "20260101_000000",
        "init",
        "CREATE TABLE users (id int, legacy_token text);\nINSERT INTO users VALUES (1, 'x');",
        Some("DROP TABLE users;"),
    );
    p.migra(&["apply"]).code(0);
    p.native(
        "20260102_000000",
        "drop",
        "ALTER TABLE users DROP COLUMN legacy_token;",
        None,
    );
    let run = p.migra(&["apply"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("DL103"), "{}", run.stderr);
    assert_eq!(
        p.query("SELECT count(*) FROM migra_history"),
        vec!["1"],
        "nothing applied"
    );
    let off = p.migra(&["apply", "--no-validate", "--dry-run"]);
    assert_eq!(off.code, 0, "--no-validate skips the gate: {}", off.stderr);
    p.migra(&["apply", "--allow-unsafe", "token moved to vault in v2.3"])
        .code(0);
    assert_eq!(
        p.query("SELECT count(*) FROM migra_history_log WHERE action = 'apply' AND error LIKE 'allow-unsafe: token moved to vault in v2.3 (overrode DL103 at %'"),
        vec!["1"]
    );
}

#[test]
fn mongodb_migrations_are_json_commands_and_are_validated() {
    let p = Project::new();
    p.write(
        "20260101_000000_init.json",
        r#"-- MIGRATION: init
-- DIRECTION: up
{"create": "users", "validator": {"$jsonSchema": {"required": ["email"]}}}
{"create": "sessions"}
-- DIRECTION: down
{"drop": "sessions"}
{"drop": "users"}
"#,
    );
    let run = p.migra_raw(&["validate", "--dialect", "mongodb"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    p.write(
        "20260102_000000_tighten.json",
        r#"-- MIGRATION: tighten
-- DIRECTION: up
{"collMod": "users",
 "validator": {"$jsonSchema": {"required": ["email", "name"]}}}
-- migra:allow DL109 reason="sessions moved to redis in v4"
{"drop": "sessions"}
{"update": "users", "updates": [{"q": {}, "u": {"$unset": {"legacy": ""}}, "multi": true}]}
db.users.drop()
"#,
    );
    let v = p
        .migra_raw(&["validate", "--dialect", "mongodb", "--json"])
        .code(3)
        .json();
    let found: Vec<(String, String)> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_string(),
                e["location"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let at = |line: u32| format!("20260102_000000_tighten.json:{line}:1");
    assert_eq!(
        found,
        vec![
            ("DD209".to_string(), at(3)),
            ("DL109".to_string(), at(7)),
            ("TX707".to_string(), at(8)),
        ],
        "{v:#}"
    );
    assert_eq!(v["allowed"][0]["type"], "DL109");
    assert_eq!(v["allowed"][0]["location"], at(6));
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("requires name"),
        "{v:#}"
    );
}

/// What a MySQL executable comment holds runs, so it is checked like any statement: a dump's
/// `/*!50001 DROP TABLE ... */` gets every finding a plain one does (the word-level rules, such
/// as the missing lock timeout, included).
#[test]
fn mysql_executable_comments_are_checked() {
    let p = Project::new();
    p.native(
        "20260101_000000",
        "init",
        "CREATE TABLE users (id int);",
        None,
    );
    let codes = |up: &str| {
        p.native("20260102_000000", "drop", up, None);
        let run = p.migra_raw(&["validate", "--dialect", "mysql", "--json"]);
        let v = run.json();
        let mut codes: Vec<String> = ["errors", "warnings"]
            .iter()
            .flat_map(|k| v[*k].as_array().unwrap().clone())
            .map(|e| e["type"].as_str().unwrap().to_string())
            .collect();
        codes.sort();
        codes
    };
    let hidden = codes("/*!50001 DROP TABLE users */;");
    assert!(hidden.contains(&"DL102".to_string()), "{hidden:?}");
    assert_eq!(hidden, codes("DROP TABLE users;"));
}
