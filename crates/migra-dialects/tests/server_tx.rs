//! The round-trip-saving transaction, bookkeeping and digest paths of the PostgreSQL and MySQL
//! backends (`run_transaction`, `record`, `record_and_start`, `read_digest`), and the MySQL
//! lock's lease through a long statement, on the real servers the test command starts. Under `CI=true`
//! a missing server fails these tests; elsewhere they are skipped with a message.
#![allow(clippy::unwrap_used, clippy::panic)]

use migra_core::{
    Backend, BackendError, HistoryDigest, HistoryStore, LogAction, LogEntry, Revision,
    RevisionStatus, RunnerId, Statement, TxFailure, TxStep,
};
use migra_dialects::mysql::{MysqlBackend, MysqlOptions};
use migra_dialects::postgres::{PostgresBackend, PostgresOptions};
use std::time::Duration;

/// The admin URL in `var`, or `None` (skip) outside CI.
fn admin(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(u) => Some(u),
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{var} is not set: under CI the server tests must run (use ./scripts/test-all)")
        }
        Err(_) => {
            eprintln!("skipping: {var} unset (./scripts/test-all starts the servers)");
            None
        }
    }
}

/// Creates database `name` through `admin` and returns its URL.
async fn fresh(admin: &mut dyn Backend, url: &str, name: &str) -> String {
    admin
        .execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .await
        .unwrap();
    admin
        .execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    format!("{}/{name}", url.rsplit_once('/').unwrap().0)
}

fn runner() -> RunnerId {
    RunnerId {
        id: format!("tx-test-{}", std::process::id()),
        host: "test-host".into(),
        pid: std::process::id(),
        display: "tester".into(),
    }
}

/// A state row whose text fields hold quotes, backslashes, a statement separator and non-ASCII.
fn revision(version: &str) -> Revision {
    Revision {
        version: version.into(),
        sort_key: version.into(),
        name: "it's a \\ name; -- ünïcode".into(),
        checksum: "c".into(),
        checksum_algorithm: "sha256-norm-v1".into(),
        status: RevisionStatus::Applied,
        applied_statements: 2,
        total_statements: 2,
        started_at: "2026-01-01T00:00:00.000Z".into(),
        finished_at: Some("2026-01-01T00:00:01.000Z".into()),
        duration_ms: 1000,
        error: None,
        failing_statement: Some("UPDATE t SET x = 'y'; DROP TABLE t".into()),
        applied_by: "me".into(),
        progress_checksum: Some(String::new()),
    }
}

fn log_entry(version: &str) -> LogEntry {
    LogEntry {
        version: version.into(),
        name: "it's a \\ name; -- ünïcode".into(),
        action: LogAction::Apply,
        checksum: "c".into(),
        at: "2026-01-01T00:00:01.000Z".into(),
        duration_ms: 1000,
        by: "me".into(),
        error: Some("x' OR '1'='1".into()),
        failing_statement: None,
    }
}

fn stmt(sql: &str) -> Statement {
    Statement {
        sql: sql.into(),
        line: 1,
        column: 1,
    }
}

/// `record` keeps both rows exactly, and a second `record` of the same version replaces the
/// state row and appends a log row.
async fn records_exactly(b: &mut dyn Backend) {
    b.ensure_history().await.unwrap();
    b.record(&revision("1"), &log_entry("1")).await.unwrap();
    let mut again = revision("1");
    again.status = RevisionStatus::RolledBack;
    b.record(&again, &log_entry("1")).await.unwrap();
    assert_eq!(b.read_history().await.unwrap(), vec![again]);
    assert_eq!(
        b.read_log().await.unwrap(),
        vec![log_entry("1"), log_entry("1")]
    );
}

/// `record_and_start` writes the record and, in the same commit, the next migration's running
/// row unless that version is applied; `write_revision`'s compare-and-set refuses an applied
/// version and accepts a repeat of the same row. Returns whether `next` was written for a
/// version that was not applied (the backends that save the commit say `true`).
async fn starts_the_next_with_the_record(b: &mut dyn Backend) -> bool {
    b.ensure_history().await.unwrap();
    let log0 = b.read_log().await.unwrap().len();
    let row = |b: &'_ [Revision], key: &str| b.iter().find(|r| r.sort_key == key).cloned();
    let mut running = revision("51");
    running.status = RevisionStatus::Partial;
    running.applied_statements = 0;
    let written = b
        .record_and_start(&revision("50"), &log_entry("50"), &running)
        .await
        .unwrap();
    let history = b.read_history().await.unwrap();
    assert_eq!(row(&history, "50"), Some(revision("50")));
    assert_eq!(row(&history, "51"), written.then(|| running.clone()));
    assert_eq!(b.read_log().await.unwrap().len(), log0 + 1);

    // An applied next version is left as it is; the record is still written.
    let mut over_applied = running.clone();
    over_applied.sort_key = "50".into();
    let restarted = b
        .record_and_start(&revision("52"), &log_entry("52"), &over_applied)
        .await
        .unwrap();
    assert!(!restarted, "an applied version is never restarted");
    let history = b.read_history().await.unwrap();
    assert_eq!(row(&history, "52"), Some(revision("52")));
    assert_eq!(row(&history, "50"), Some(revision("50")));

    // The compare-and-set of a running row: a repeat of the same row passes, an applied version
    // is refused and kept.
    b.write_revision(&running, true).await.unwrap();
    b.write_revision(&running, true).await.unwrap();
    match b.write_revision(&over_applied, true).await {
        Err(BackendError::LockLost { .. }) => {}
        r => panic!("expected LockLost, got {r:?}"),
    }
    let history = b.read_history().await.unwrap();
    assert_eq!(row(&history, "50"), Some(revision("50")));
    written
}

/// The digest the server computes is the one the rows give by definition, whatever the
/// statuses and the text (non-ASCII and backslashes included); an absent table digests as empty.
async fn digest_matches_the_rows(b: &mut dyn Backend, absent: bool) {
    assert!(b.capabilities().history_digest, "declared where computed");
    if absent {
        assert_eq!(
            b.read_digest().await.unwrap(),
            Some(HistoryDigest::default())
        );
        return;
    }
    let mut odd = revision("7\\ü\\x41\\\\");
    odd.sort_key = "0007:\\xü\\101".into();
    odd.checksum = "0f".repeat(32);
    b.write_revision(&odd, false).await.unwrap();
    let history = b.read_history().await.unwrap();
    let digest = b.read_digest().await.unwrap().unwrap();
    assert_eq!(digest, HistoryDigest::of_history(&history));
    assert!(
        digest.rows >= 3 && digest.applied < digest.rows,
        "{digest:?}"
    );
}

/// PostgreSQL's stored terms (added by `ensure_history`) digest as the rows do; a table without
/// them (made by an older migra) is digested by hashing, and gets them at the next ensure.
async fn stored_terms_or_hashing(b: &mut dyn Backend) {
    b.ensure_history().await.unwrap();
    let has_terms = "SELECT digest_term FROM migra_history LIMIT 0";
    b.execute(has_terms).await.unwrap();
    digest_matches_the_rows(b, false).await;
    b.execute("ALTER TABLE migra_history DROP COLUMN digest_term")
        .await
        .unwrap();
    assert!(b.execute(has_terms).await.is_err());
    digest_matches_the_rows(b, false).await;
    b.ensure_history().await.unwrap();
    b.execute(has_terms).await.unwrap();
    digest_matches_the_rows(b, false).await;

    // The query sums the column when there is one (it does not hash anyway): a plain column of
    // zeros digests to a zero sum.
    b.execute("ALTER TABLE migra_history DROP COLUMN digest_term")
        .await
        .unwrap();
    b.execute("ALTER TABLE migra_history ADD COLUMN digest_term BIGINT NOT NULL DEFAULT 0")
        .await
        .unwrap();
    let zeros = b.read_digest().await.unwrap().unwrap();
    assert!(zeros.rows >= 3 && zeros.sum == 0, "{zeros:?}");
    b.execute("ALTER TABLE migra_history DROP COLUMN digest_term")
        .await
        .unwrap();
    b.ensure_history().await.unwrap();
    digest_matches_the_rows(b, false).await;
}

/// `run_transaction`: units and bookkeeping commit together; an applied version, a failing
/// first or later unit, and a lost lock each leave nothing of the step.
async fn transaction_steps(b: &mut dyn Backend, version_base: &str) {
    b.ensure_history().await.unwrap();
    let (h0, l0) = (
        b.read_history().await.unwrap().len(),
        b.read_log().await.unwrap().len(),
    );
    b.lock(&runner(), Duration::from_secs(5)).await.unwrap();
    let v1 = format!("{version_base}1");
    let units = vec![
        stmt("CREATE TABLE t (x INT) -- trailing comment"),
        stmt("INSERT INTO t VALUES (1), (2)"),
    ];
    assert_eq!(run_step(b, &units, &v1, (false, true)).await.unwrap(), 2);
    assert_eq!(b.read_history().await.unwrap().len(), h0 + 1);
    assert_eq!(b.read_log().await.unwrap().len(), l0 + 1);
    // Quotes, backslashes, separators and non-ASCII in the rows arrive exactly.
    assert!(b.read_history().await.unwrap().contains(&revision(&v1)));
    assert_eq!(b.read_log().await.unwrap().last(), Some(&log_entry(&v1)));

    // The same version again, whether believed fresh or not: refused, and its unit rolled back.
    let other = vec![stmt("CREATE TABLE u (x INT)")];
    for fresh in [true, false] {
        match run_step(b, &other, &v1, (false, fresh)).await {
            Err(TxFailure::Backend(BackendError::LockLost { message })) => {
                assert!(message.contains("applied by another runner"), "{message}")
            }
            r => panic!("expected LockLost, got {r:?}"),
        }
        assert!(b.execute("SELECT * FROM u").await.is_err(), "u rolled back");
        assert_eq!(b.read_log().await.unwrap().len(), l0 + 1);
    }

    for (bad, index) in [
        (
            vec![stmt("INSERT INTO nope VALUES (1)"), stmt("SELECT 1")],
            0,
        ),
        (
            vec![
                stmt("CREATE TABLE v (x INT)"),
                stmt("INSERT INTO nope VALUES (1)"),
            ],
            1,
        ),
        (
            vec![
                stmt("CREATE TABLE v (x INT);"),
                stmt("SELECT 1 -- ; SELECT 2"),
                stmt("INSERT INTO nope VALUES (1)"),
            ],
            2,
        ),
    ] {
        let v2 = format!("{version_base}2");
        match run_step(b, &bad, &v2, (false, false)).await {
            Err(TxFailure::Statement { index: i, .. }) => assert_eq!(i, index),
            r => panic!("expected unit {index} to fail, got {r:?}"),
        }
        assert!(b.execute("SELECT * FROM v").await.is_err(), "v rolled back");
        assert_eq!(b.read_history().await.unwrap().len(), h0 + 1);
        assert_eq!(b.read_log().await.unwrap().len(), l0 + 1);
    }
    b.unlock(&runner()).await.unwrap();
}

/// A deferred constraint checked at `COMMIT` (which travels with the bookkeeping) fails the
/// step as a whole: nothing of it stays, history included.
async fn postgres_commit_failure_leaves_nothing(b: &mut dyn Backend) {
    let (h0, l0) = (
        b.read_history().await.unwrap().len(),
        b.read_log().await.unwrap().len(),
    );
    b.lock(&runner(), Duration::from_secs(5)).await.unwrap();
    let units = vec![
        stmt("CREATE TABLE parent (id INT PRIMARY KEY)"),
        stmt("CREATE TABLE child (p INT REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)"),
        stmt("INSERT INTO child VALUES (1)"),
    ];
    match run_step(b, &units, "60", (false, false)).await {
        Err(TxFailure::Backend(BackendError::Statement { code, .. })) => {
            assert_eq!(code.as_deref(), Some("23503"), "foreign key violation")
        }
        r => panic!("expected the COMMIT to fail, got {r:?}"),
    }
    assert!(b.execute("SELECT * FROM parent").await.is_err());
    assert_eq!(b.read_history().await.unwrap().len(), h0);
    assert_eq!(b.read_log().await.unwrap().len(), l0);
    b.unlock(&runner()).await.unwrap();
}

/// A whole-file unit (several statements in one) counts every statement's rows, and any of
/// them failing fails it as unit 0, with nothing left.
async fn whole_file_units(b: &mut dyn Backend) {
    b.lock(&runner(), Duration::from_secs(5)).await.unwrap();
    for (sql, v, ok) in [
        (
            "CREATE TABLE wa (x INT);\nINSERT INTO wa VALUES (1), (2), (3);",
            "80",
            true,
        ),
        (
            "CREATE TABLE wb (x INT);\nINSERT INTO nope VALUES (1)",
            "81",
            false,
        ),
    ] {
        match (run_step(b, &[stmt(sql)], v, (true, false)).await, ok) {
            (Ok(rows), true) => assert_eq!(rows, 3),
            (Err(TxFailure::Statement { index: 0, .. }), false) => {}
            (r, _) => panic!("{sql}: unexpected {r:?}"),
        }
    }
    assert!(
        b.execute("SELECT * FROM wb").await.is_err(),
        "wb rolled back"
    );
    let history = b.read_history().await.unwrap();
    assert!(history.contains(&revision("80")));
    assert!(!history.iter().any(|h| h.version == "81"));
    b.unlock(&runner()).await.unwrap();
}

/// `units` as one transactional step (`whole`: each a multi-statement script) recorded as
/// version `v` of [`revision`] and [`log_entry`], refused if `v` is applied; `fresh` says `v` had
/// no state row.
async fn run_step(
    b: &mut dyn Backend,
    units: &[Statement],
    v: &str,
    (whole, fresh): (bool, bool),
) -> Result<u64, TxFailure> {
    let book = || (revision(v), log_entry(v));
    let r = runner();
    let step = TxStep {
        units,
        whole,
        runner: &r,
        expect_not_applied: true,
        fresh,
        bookkeeping: &book,
        annotations: &[],
    };
    b.run_transaction(&step).await
}

/// One statement as a transactional step, believed fresh.
async fn one_step(b: &mut dyn Backend, v: &str, sql: &str) -> Result<u64, TxFailure> {
    run_step(b, &[stmt(sql)], v, (false, true)).await
}

/// The bookkeeping is prepared once per session: a `DEALLOCATE ALL` between steps, or inside
/// one, costs a second preparation, not a failure.
async fn postgres_survives_deallocate(b: &mut dyn Backend) {
    b.lock(&runner(), Duration::from_secs(5)).await.unwrap();
    let r = runner();
    one_step(b, "70", "CREATE TABLE d1 (x INT)").await.unwrap();
    b.execute("DEALLOCATE ALL").await.unwrap();
    one_step(b, "71", "CREATE TABLE d2 (x INT)").await.unwrap();
    let history = b.read_history().await.unwrap();
    assert!(history.contains(&revision("70")) && history.contains(&revision("71")));
    // A step that deallocates them itself is run again on the statements it left.
    one_step(b, "72", "DEALLOCATE ALL").await.unwrap();
    assert!(b.read_history().await.unwrap().contains(&revision("72")));
    // The driver's own prepared statements are prepared again too.
    b.record(&revision("73"), &log_entry("73")).await.unwrap();
    b.execute("DEALLOCATE ALL").await.unwrap();
    b.record(&revision("74"), &log_entry("74")).await.unwrap();
    assert!(b.read_history().await.unwrap().contains(&revision("74")));
    b.unlock(&r).await.unwrap();
}

#[tokio::test]
async fn postgres_saves_round_trips_and_keeps_the_contract() {
    let Some(url) = admin("MIGRA_TEST_PG_URL") else {
        return;
    };
    let opts = PostgresOptions::default();
    let mut a = PostgresBackend::connect(&url, &opts).await.unwrap();
    let db = format!("migra_tx_{}", std::process::id());
    let db_url = fresh(&mut a, &url, &db).await;
    {
        let mut b = PostgresBackend::connect(&db_url, &opts).await.unwrap();
        digest_matches_the_rows(&mut b, true).await;
        records_exactly(&mut b).await;
        starts_the_next_with_the_record(&mut b).await;
        transaction_steps(&mut b, "2").await;
        postgres_commit_failure_leaves_nothing(&mut b).await;
        whole_file_units(&mut b).await;
        stored_terms_or_hashing(&mut b).await;

        // The lock's session ends under a step: the step is refused and rolled back.
        b.lock(&runner(), Duration::from_secs(5)).await.unwrap();
        let mut killer = PostgresBackend::connect(&db_url, &opts).await.unwrap();
        killer
            .execute(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' \
                 AND pid <> pg_backend_pid() \
                 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            )
            .await
            .unwrap();
        let units = vec![stmt("CREATE TABLE w (x INT)")];
        match run_step(&mut b, &units, "39", (false, false)).await {
            Err(TxFailure::Backend(BackendError::LockLost { .. })) => {}
            r => panic!("expected LockLost, got {r:?}"),
        }
        assert!(b.execute("SELECT * FROM w").await.is_err(), "w rolled back");
    }
    {
        // Last, on its own session: `DEALLOCATE ALL` also drops the driver's statements.
        let mut b = PostgresBackend::connect(&db_url, &opts).await.unwrap();
        postgres_survives_deallocate(&mut b).await;
    }
    a.execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .await
        .unwrap();
}

#[tokio::test]
async fn mysql_records_in_one_round_trip_with_any_text() {
    let Some(url) = admin("MIGRA_TEST_MYSQL_URL") else {
        return;
    };
    let opts = MysqlOptions::default();
    let mut a = MysqlBackend::connect(&url, &opts).await.unwrap();
    let db = format!("migra_tx_{}", std::process::id());
    let db_url = fresh(&mut a, &url, &db).await;
    {
        let mut b = MysqlBackend::connect(&db_url, &opts).await.unwrap();
        digest_matches_the_rows(&mut b, true).await;
        // Backslashes must stay bytes even when the server would read them as escapes.
        b.execute("SET SESSION sql_mode = REPLACE(@@sql_mode, 'NO_BACKSLASH_ESCAPES', '')")
            .await
            .unwrap();
        records_exactly(&mut b).await;
        b.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')")
            .await
            .unwrap();
        let mut rev = revision("2");
        rev.name = "a \\' b".into();
        b.record(&rev, &log_entry("2")).await.unwrap();
        assert!(b.read_history().await.unwrap().contains(&rev));
        assert!(
            starts_the_next_with_the_record(&mut b).await,
            "MySQL writes the next running row with the record"
        );
        digest_matches_the_rows(&mut b, false).await;
    }
    a.execute(&format!("DROP DATABASE IF EXISTS {db}"))
        .await
        .unwrap();
}

/// No MySQL catalog query makes MariaDB open the tables of other databases: each
/// `information_schema` table is looked up by schema (`EXPLAIN` says "Scanned 1 database"), so
/// inspecting (and the validator's gate before apply) costs the same on a server holding
/// thousands of tables elsewhere. MySQL's data dictionary has no such column: skipped there.
#[tokio::test]
async fn mysql_catalog_queries_scan_only_their_database() {
    let Some(url) = admin("MIGRA_TEST_MYSQL_URL") else {
        return;
    };
    let mut b = MysqlBackend::connect(&url, &MysqlOptions::default())
        .await
        .unwrap();
    let version = format!("{:?}", b.query_value("SELECT VERSION()").await.unwrap());
    if !version.contains("MariaDB") {
        eprintln!("skipping: {version} is not MariaDB");
        return;
    }
    let queries = [
        ("tables", include_str!("../src/mysql/queries/tables.sql")),
        ("columns", include_str!("../src/mysql/queries/columns.sql")),
        ("indexes", include_str!("../src/mysql/queries/indexes.sql")),
        (
            "foreign_keys",
            include_str!("../src/mysql/queries/foreign_keys.sql"),
        ),
        ("checks", include_str!("../src/mysql/queries/checks.sql")),
        ("others", include_str!("../src/mysql/queries/others.sql")),
    ];
    for (name, text) in queries {
        let sql: Vec<&str> = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect();
        let plan = b
            .query_rows(&format!("EXPLAIN {}", sql.join("\n")))
            .await
            .unwrap();
        let plan = format!("{plan:?}");
        assert!(plan.contains("Scanned 1 database"), "{name}: {plan}");
        assert!(!plan.contains("Scanned all databases"), "{name}: {plan}");
    }
}

/// Two runners on fresh database `name` with a 0.8 s lease, `a` holding the lock, and the
/// admin connection that made the database.
async fn lease_runners(url: &str, name: &str) -> (MysqlBackend, MysqlBackend, MysqlBackend) {
    let mut admin_b = MysqlBackend::connect(url, &MysqlOptions::default())
        .await
        .unwrap();
    let db_url = fresh(&mut admin_b, url, name).await;
    let opts = MysqlOptions {
        lease: Duration::from_millis(800),
        ..MysqlOptions::default()
    };
    let mut a = MysqlBackend::connect(&db_url, &opts).await.unwrap();
    let b = MysqlBackend::connect(&db_url, &opts).await.unwrap();
    a.lock(&runner_named("a"), Duration::ZERO).await.unwrap();
    (admin_b, a, b)
}

/// Runner `a` runs a statement three times longer than its lease while `b` waits 2 s for the
/// lock and `meanwhile` runs beside them: `b` must not get it, and `a` still holds it after.
async fn a_keeps_the_lock(
    a: &mut MysqlBackend,
    b: &mut MysqlBackend,
    meanwhile: impl std::future::Future<Output = ()>,
) {
    let rb = runner_named("b");
    let (slept, waited, ()) = tokio::join!(
        a.execute("SELECT SLEEP(2.4)"),
        b.lock(&rb, Duration::from_millis(2000)),
        meanwhile
    );
    slept.unwrap();
    assert!(
        matches!(waited, Err(BackendError::LockHeld { .. })),
        "{waited:?}"
    );
    a.refresh_lock(&runner_named("a")).await.unwrap();
}

fn runner_named(id: &str) -> RunnerId {
    RunnerId {
        id: format!("lease-test-{}-{id}", std::process::id()),
        ..runner()
    }
}

/// A live runner keeps the MySQL lock through a statement three times longer than its lease:
/// the lease is extended on a connection of its own meanwhile, so a second runner waiting all
/// that time does not take it over; released, the lock goes to the second runner at once.
#[tokio::test]
async fn mysql_lock_outlives_a_statement_longer_than_its_lease() {
    let Some(url) = admin("MIGRA_TEST_MYSQL_URL") else {
        return;
    };
    let db = format!("migra_lease_{}", std::process::id());
    let (mut admin_b, mut a, mut b) = lease_runners(&url, &db).await;
    a_keeps_the_lock(&mut a, &mut b, async {}).await;
    a.unlock(&runner_named("a")).await.unwrap();
    b.lock(&runner_named("b"), Duration::ZERO).await.unwrap();
    b.unlock(&runner_named("b")).await.unwrap();
    admin_b
        .execute(&format!("DROP DATABASE IF EXISTS {db}"))
        .await
        .unwrap();
}

/// The lease's heartbeat outlives its own connection: killed (as `wait_timeout` or a restart
/// would end it), the connection is opened again and the lease goes on being extended.
#[tokio::test]
async fn mysql_lease_heartbeat_reconnects() {
    let Some(url) = admin("MIGRA_TEST_MYSQL_URL") else {
        return;
    };
    let db = format!("migra_beat_{}", std::process::id());
    let (mut killer, mut a, mut b) = lease_runners(&url, &db).await;
    let id = "SELECT CAST(CONNECTION_ID() AS SIGNED)";
    let (a_id, b_id) = (
        a.query_value(id).await.unwrap().unwrap().as_i64().unwrap(),
        b.query_value(id).await.unwrap().unwrap().as_i64().unwrap(),
    );
    let kill = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let others = format!(
            "SELECT CAST(id AS SIGNED) FROM information_schema.processlist WHERE db = '{db}' AND id NOT IN ({a_id}, {b_id})"
        );
        let rows = killer.query_rows(&others).await.unwrap();
        assert_eq!(rows.len(), 1, "the heartbeat's connection: {rows:?}");
        let victim = rows[0][0].as_i64().unwrap();
        killer.execute(&format!("KILL {victim}")).await.unwrap();
    };
    a_keeps_the_lock(&mut a, &mut b, kill).await;
    a.unlock(&runner_named("a")).await.unwrap();
    killer
        .execute(&format!("DROP DATABASE IF EXISTS {db}"))
        .await
        .unwrap();
}

/// While a statement runs longer than the lock ping interval, the lock's connection is pinged
/// (its session's `state_change` keeps moving), so a proxy or NAT that drops idle TCP does not
/// drop it: on both paths, a transaction step and a statement run on its own.
#[tokio::test]
async fn postgres_lock_connection_is_pinged_through_a_long_statement() {
    let Some(url) = admin("MIGRA_TEST_PG_URL") else {
        return;
    };
    let mut admin_b = PostgresBackend::connect(&url, &PostgresOptions::default())
        .await
        .unwrap();
    let db = format!("migra_ping_{}", std::process::id());
    let db_url = fresh(&mut admin_b, &url, &db).await;
    let opts = PostgresOptions {
        lock_ping: Duration::from_millis(200),
        ..PostgresOptions::default()
    };
    let mut b = PostgresBackend::connect(&db_url, &opts).await.unwrap();
    let mut watch = PostgresBackend::connect(&db_url, &opts).await.unwrap();
    b.lock(&runner(), Duration::ZERO).await.unwrap();
    b.ensure_history().await.unwrap();
    let (alone, idle_alone) = tokio::join!(b.execute("SELECT pg_sleep(1.5)"), idle_ms(&mut watch));
    alone.unwrap();
    assert!(idle_alone < 600, "idle {idle_alone} ms beside a statement");
    let (step, idle_step) = tokio::join!(
        one_step(&mut b, "p1", "SELECT pg_sleep(1.5)"),
        idle_ms(&mut watch)
    );
    step.unwrap();
    assert!(
        idle_step < 600,
        "idle {idle_step} ms beside a transaction step"
    );
    b.unlock(&runner()).await.unwrap();
    drop((b, watch));
    admin_b
        .execute(&format!("DROP DATABASE IF EXISTS {db}"))
        .await
        .unwrap();
}

/// How long the lock's session (application name `migra tester`) has been idle, in ms, 1.2 s
/// from now (into a 1.5 s statement run beside this).
async fn idle_ms(watch: &mut PostgresBackend) -> i64 {
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let sql = "SELECT (extract(epoch FROM clock_timestamp() - state_change) * 1000)::bigint \
               FROM pg_stat_activity \
               WHERE application_name = 'migra tester' AND datname = current_database()";
    watch
        .query_value(sql)
        .await
        .unwrap()
        .unwrap()
        .as_i64()
        .unwrap()
}
