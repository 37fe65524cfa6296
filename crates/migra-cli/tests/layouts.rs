//! Every directory layout applies on SQLite; the real corpora load in the right order.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
use common::{Project, corpus, repo_root};

fn versions(plan: &serde_json::Value) -> Vec<String> {
    plan["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["version"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_layout_applies_and_rolls_back() {
    for (layout, reversible) in [
        ("native", 2),
        ("paired", 2),
        ("sqlx", 0),
        ("diesel", 2),
        ("dbmate", 2),
        ("flyway", 1),
    ] {
        let p = Project::new();
        let dir = repo_root().join("tests/fixtures/layouts").join(layout);
        let dir = dir.to_str().unwrap();
        let plan = p.migra(&["plan", "--dir", dir, "--json"]).code(0).json();
        assert_eq!(
            plan["pending"].as_array().unwrap().len(),
            2,
            "{layout}: {plan}"
        );
        let r = p.migra(&["apply", "--dir", dir, "--json"]).code(0).json();
        assert_eq!(r["steps_completed"], 2, "{layout}");
        let tables = p.tables();
        assert!(
            tables.contains(&"authors".into()) && tables.contains(&"books".into()),
            "{layout}: {tables:?}"
        );
        // Forced layout gives the same result as detection.
        p.migra(&["plan", "--dir", dir, "--format", layout]).code(0);
        let rb = p.migra(&["rollback", "--dir", dir, "--steps", "2", "--json"]);
        if reversible == 2 {
            rb.code(0);
            assert_eq!(
                p.tables(),
                vec![
                    "migra_history",
                    "migra_history_kv",
                    "migra_history_lock",
                    "migra_history_log"
                ],
                "{layout}"
            );
        } else {
            let j = rb.code(3).json();
            assert_eq!(j["error"]["kind"], "irreversible", "{layout}");
        }
    }
}

#[test]
fn transaction_options_of_each_layout_are_read() {
    let p = Project::new();
    for layout in ["diesel", "dbmate"] {
        let dir = repo_root().join("tests/fixtures/layouts").join(layout);
        let plan = p
            .migra(&["plan", "--dir", dir.to_str().unwrap(), "--json"])
            .code(0)
            .json();
        let tx: Vec<bool> = plan["pending"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["transaction"].as_bool().unwrap())
            .collect();
        assert_eq!(tx, vec![true, false], "{layout}");
    }
}

#[test]
fn native_trigger_bodies_survive_splitting() {
    let p = Project::new();
    let dir = repo_root().join("tests/fixtures/layouts/native");
    p.migra(&["apply", "--dir", dir.to_str().unwrap()]).code(0);
    let triggers = p.query("SELECT name FROM sqlite_master WHERE type = 'trigger'");
    assert_eq!(triggers, vec!["books_title"]);
}

#[test]
fn crates_io_diesel_history_loads_in_diesel_order() {
    let p = Project::new();
    let dir = corpus().join("crates-io/migrations");
    let plan = p
        .migra(&["plan", "--dir", dir.to_str().unwrap(), "--json"])
        .code(0)
        .json();
    let got = versions(&plan);
    assert_eq!(got.len(), 285);
    // Diesel's order: the version with every `-` removed, compared as text.
    let mut expected: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().join("up.sql").is_file())
        .map(|e| {
            e.file_name()
                .to_string_lossy()
                .split('_')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    expected.sort_by_key(|v| v.replace('-', ""));
    assert_eq!(got, expected);
    let pos = |v: &str| got.iter().position(|g| g == v).unwrap();
    assert!(
        pos("20170318181441") < pos("2017-08-31-230457"),
        "a plain name sort would get this wrong"
    );
    let names: Vec<&str> = plan["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Add email notifications to crate owners"),
        "the folder with a space loads"
    );
    let no_tx = plan["pending"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["transaction"] == false)
        .count();
    assert_eq!(no_tx, 7, "metadata.toml run_in_transaction = false");
}

#[test]
fn authelia_paired_files_load_for_all_three_dialects() {
    let p = Project::new();
    for dialect in ["sqlite", "postgres", "mysql"] {
        let dir = corpus()
            .join("authelia/internal/storage/migrations")
            .join(dialect);
        let plan = p
            .migra(&["plan", "--dir", dir.to_str().unwrap(), "--json"])
            .code(0)
            .json();
        let got = versions(&plan);
        let expected: Vec<String> = (1..=26).map(|n| format!("{n:04}")).collect();
        assert_eq!(got, expected, "{dialect}");
    }
}

#[test]
fn authelia_sqlite_first_version_applies_and_rolls_back() {
    // From V0002 on, authelia's SQLite files call BIN2B64, a function the application registers
    // on its own connection; plain SQLite lacks it. V0001 is plain SQL.
    let p = Project::new();
    let dir = corpus().join("authelia/internal/storage/migrations/sqlite");
    let dir = dir.to_str().unwrap();
    p.migra(&["apply", "--dir", dir, "--to", "0001"]).code(0);
    assert!(p.tables().contains(&"authentication_logs".into()));
    let r = p.migra(&["apply", "--dir", dir, "--json"]).code(1).json();
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("BIN2B64"),
        "{r}"
    );
    assert_eq!(r["errors"][0]["version"], "0002");
    p.migra(&["rollback", "--dir", dir]).code(0);
    assert_eq!(
        p.tables(),
        vec![
            "migra_history",
            "migra_history_kv",
            "migra_history_lock",
            "migra_history_log"
        ]
    );
}
