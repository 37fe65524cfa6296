//! The MySQL lock on a real multi-primary cluster: 8 runners spread over the 3 nodes of a
//! MariaDB Galera cluster (`scripts/galera.sh`), every migration applied exactly once. `GET_LOCK`
//! would let two nodes hold "the" lock at once; migra's committed lock row does not.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
use common::Project;
use sqlx::{AnyConnection, Connection};
use std::process::Stdio;

fn nodes() -> Option<Vec<String>> {
    match std::env::var("MIGRA_TEST_GALERA_URLS") {
        Ok(v) => Some(v.split(',').map(str::to_string).collect()),
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!(
                "MIGRA_TEST_GALERA_URLS is not set: under CI the Galera test must run (use ./scripts/test-all)"
            )
        }
        Err(_) => {
            eprintln!(
                "skipping: no Galera cluster (MIGRA_TEST_GALERA_URLS unset; ./scripts/test-all starts one)"
            );
            None
        }
    }
}

fn on_node(url: &str, sql: &str) -> Vec<String> {
    sqlx::any::install_default_drivers();
    let (url, sql) = (url.to_string(), sql.to_string());
    common::block_on(async move {
        let mut c = AnyConnection::connect(&url).await.expect("node reachable");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut c)
            .await
            .expect("query");
        rows.iter()
            .map(|r| {
                use sqlx::Row;
                r.try_get::<i64, _>(0)
                    .map(|n| n.to_string())
                    .or_else(|_| r.try_get::<String, _>(0))
                    .unwrap_or_default()
            })
            .collect()
    })
}

#[test]
fn eight_runners_on_three_nodes_apply_each_migration_once() {
    let Some(nodes) = nodes() else { return };
    let db = format!("migra_galera_{}", std::process::id());
    on_node(&nodes[0], &format!("CREATE DATABASE {db}"));
    let urls: Vec<String> = nodes
        .iter()
        .map(|n| format!("{}/{db}", n.rsplit_once('/').unwrap().0))
        .collect();
    let p = Project::new();
    let n = 12;
    for i in 1..=n {
        p.native(
            &format!("20260101_0000{i:02}"),
            &format!("g{i}"),
            &format!("CREATE TABLE g_{i} (id INTEGER PRIMARY KEY, v VARCHAR(20));\nINSERT INTO g_{i} VALUES (1, 'a'), (2, 'b');"),
            None,
        );
    }
    let runners: Vec<_> = (0..8)
        .map(|r| {
            let url = &urls[r % 3];
            p.command(&["--database", url, "apply", "--json"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut steps = 0;
    for r in runners {
        steps += common::Run::from(r.wait_with_output().unwrap())
            .code(0)
            .json()["steps_completed"]
            .as_u64()
            .unwrap();
    }
    assert_eq!(steps, n, "each migration ran once across the 8 runners");
    for url in &urls {
        assert_eq!(
            on_node(
                url,
                "SELECT count(*) FROM migra_history_log WHERE action = 'apply'"
            ),
            vec![n.to_string()],
            "{url}"
        );
        assert_eq!(
            on_node(
                url,
                "SELECT count(DISTINCT version) FROM migra_history_log WHERE action = 'apply'"
            ),
            vec![n.to_string()]
        );
        assert_eq!(
            on_node(url, "SELECT count(*) FROM migra_history_lock"),
            vec!["0"],
            "lock released"
        );
        assert_eq!(
            on_node(url, &format!("SELECT count(*) FROM g_{n}")),
            vec!["2"]
        );
    }
    on_node(&nodes[0], &format!("DROP DATABASE {db}"));
}
