//! PostgreSQL-only behaviour: the advisory lock's holder message, `CREATE INDEX CONCURRENTLY`
//! with two runners, and connection errors that say what failed without the password.
#![allow(clippy::unwrap_used)]

mod common;
use common::Project;
use common::db::Kind;
use std::process::Stdio;

#[test]
fn a_held_advisory_lock_names_its_holder() {
    let Some(p) = Project::on(Kind::Postgres) else {
        return;
    };
    for i in 1..=6 {
        p.native(
            &format!("20260101_00000{i}"),
            &format!("slow{i}"),
            &format!("CREATE TABLE s{i} (x INTEGER);\nSELECT pg_sleep(0.3);"),
            None,
        );
    }
    let url = p.url();
    let first = p
        .command(&["--database", &url, "apply"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut tries = 0;
    while p.tables().iter().all(|t| t != "migra_history")
        || p.query("SELECT count(*) FROM migra_history")
            .first()
            .is_none_or(|c| c == "0")
    {
        tries += 1;
        assert!(tries < 400, "the first runner never started");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let j = p
        .migra(&["apply", "--lock-timeout", "0", "--json"])
        .code(3)
        .json();
    assert_eq!(j["error"]["kind"], "lock_held");
    let msg = j["error"]["message"].as_str().unwrap();
    assert!(
        msg.starts_with("migration lock is held by `migra ") && msg.contains("server pid"),
        "{msg}"
    );
    common::Run::from(first.wait_with_output().unwrap()).code(0);
    // Released: the next runner gets it at once.
    assert_eq!(
        p.migra(&["apply", "--lock-timeout", "0", "--json"])
            .code(0)
            .json()["steps_completed"],
        0
    );
}

#[test]
fn create_index_concurrently_with_two_runners_does_not_deadlock() {
    let Some(p) = Project::on(Kind::Postgres) else {
        return;
    };
    p.native("20260101_000001", "table", "CREATE TABLE big (id INTEGER PRIMARY KEY, v TEXT);\nINSERT INTO big SELECT g, 'v' || g FROM generate_series(1, 200000) g;", None);
    p.native(
        "20260101_000002",
        "index",
        "-- migra:no-transaction\nCREATE INDEX CONCURRENTLY big_v ON big (v);",
        Some("DROP INDEX CONCURRENTLY big_v;"),
    );
    let url = p.url();
    let kids: Vec<_> = (0..2)
        .map(|_| {
            p.command(&["--database", &url, "apply", "--json"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
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
    assert_eq!(steps, 2);
    assert_eq!(
        p.query(
            "SELECT indexname::text FROM pg_indexes WHERE tablename = 'big' AND indexname = 'big_v'"
        ),
        vec!["big_v"]
    );
    assert_eq!(
        p.query("SELECT status FROM migra_history ORDER BY sort_key"),
        vec!["applied", "applied"]
    );
}

#[test]
fn connection_errors_say_what_failed_without_the_password() {
    let Some(p) = Project::on(Kind::Postgres) else {
        return;
    };
    p.native("20260101_000001", "a", "SELECT 1;", None);
    p.check_login_errors("password authentication failed");
    let good = p.url();
    // The server is reachable: a root certificate that is not there is what failed.
    let sep = if good.contains('?') { '&' } else { '?' };
    let missing = p.dir.path().join("no-such-root.crt");
    let tls = format!(
        "{good}{sep}sslmode=verify-full&sslrootcert={}",
        missing.display()
    );
    let msg = p.connect_error(&tls, 1);
    let unreadable = format!(
        "cannot read the TLS file `{}` named by `sslrootcert`",
        missing.display()
    );
    assert!(
        msg.contains(&unreadable) && !msg.contains("cannot reach"),
        "{msg}"
    );
    // A socket directory with no server in it: the socket's path is what cannot be reached.
    let sockets = p.dir.path().join("sockets");
    std::fs::create_dir(&sockets).unwrap();
    let socket_url = format!(
        "postgres:///postgres?host={}&user=migra_test&port=5432",
        sockets.display()
    );
    let msg = p.connect_error(&socket_url, 1);
    let socket = format!("cannot reach {}/.s.PGSQL.5432 (", sockets.display());
    assert!(msg.contains(&socket), "{msg}");
    let msg = p.connect_error("postgres://u@/db?host=/run/postgresql", 2);
    let hint = "empty host (a user needs a host after it; for a Unix socket: `postgres:///DB?host=";
    assert!(msg.contains(hint), "{msg}");
    let msg = p.connect_error(&format!("{good}{sep}sslmode=bogus"), 2);
    assert!(
        msg.ends_with(": unknown value \"bogus\" for `ssl_mode`"),
        "{msg}"
    );
}

#[test]
fn the_crates_io_history_applies_rolls_back_and_refuses_an_empty_down() {
    let Some(p) = Project::on(Kind::Postgres) else {
        return;
    };
    let dir = common::corpus().join("crates-io/migrations");
    let dir = dir.to_str().unwrap();
    let r = p.migra(&["apply", "--dir", dir, "--json"]).code(0).json();
    assert_eq!(r["steps_completed"], 285);
    assert_eq!(
        p.query("SELECT count(*) FROM migra_history WHERE status = 'applied'"),
        vec!["285"]
    );
    assert_eq!(
        p.migra(&["rollback", "--dir", dir, "--steps", "10", "--json"])
            .code(0)
            .json()["steps_completed"],
        10
    );
    assert_eq!(
        p.migra(&["apply", "--dir", dir, "--json"]).code(0).json()["steps_completed"],
        10
    );
    // Nine real downs are empty: a full walk back is refused before anything runs.
    let j = p
        .migra(&["rollback", "--dir", dir, "--to", "0", "--json"])
        .code(3)
        .json();
    assert!(
        j["error"]["message"]
            .as_str()
            .unwrap()
            .contains("drop_email_from_user"),
        "{j}"
    );
    assert_eq!(
        p.query("SELECT count(*) FROM migra_history WHERE status = 'applied'"),
        vec!["285"]
    );
}

#[test]
fn tls_options_come_from_the_url() {
    let Some(p) = Project::on(Kind::Postgres) else {
        return;
    };
    p.native("20260101_000001", "a", "CREATE TABLE a (x INTEGER);", None);
    // The server's certificate is self-signed: `require` encrypts, `verify-full` refuses it.
    let require = format!("{}?sslmode=require", p.url());
    p.migra_raw(&["apply", "-d", &require]).code(0);
    // It applied over TLS (verify-full below shows TLS is really negotiated: it checks the certificate).
    assert!(p.tables().contains(&"a".to_string()));
    let verify = format!("{}?sslmode=verify-full", p.url());
    let r = p.migra_raw(&["status", "-d", &verify, "--json"]).code(1);
    let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(
        msg.contains("TLS with 127.0.0.1:") && msg.contains("certificate"),
        "{msg}"
    );
    assert!(
        !r.stdout.contains("migra_test:migra_test"),
        "password shown: {}",
        r.stdout
    );
    // With the server's own (self-signed) certificate as the root, verify-ca accepts it:
    // `sslrootcert` is read and used, not only checked for existence.
    let cert = std::path::Path::new(&p.query("SHOW data_directory")[0])
        .join(&p.query("SHOW ssl_cert_file")[0]);
    let rooted = format!(
        "{}?sslmode=verify-ca&sslrootcert={}",
        p.url(),
        cert.display()
    );
    let j = p
        .migra_raw(&["status", "-d", &rooted, "--json"])
        .code(0)
        .json();
    assert_eq!(j["applied"], 1, "{j}");
}

const PG_SCHEMA: &str = "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE people (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email VARCHAR(200) NOT NULL,
    mood mood NOT NULL DEFAULT 'ok',
    score NUMERIC(5,2) CONSTRAINT score_positive CHECK (score >= 0),
    tags TEXT[],
    email_lower TEXT GENERATED ALWAYS AS (lower(email)) STORED,
    joined TIMESTAMPTZ NOT NULL DEFAULT now()
);
COMMENT ON TABLE people IS 'who is who';
COMMENT ON COLUMN people.email IS 'login';
CREATE UNIQUE INDEX people_email ON people (email) INCLUDE (mood);
CREATE INDEX people_lower ON people (lower(email) DESC) WHERE score > 1;
CREATE INDEX people_tags ON people USING gin (tags);
CREATE TABLE posts (
    id SERIAL PRIMARY KEY,
    person_id BIGINT NOT NULL,
    CONSTRAINT posts_person FOREIGN KEY (person_id) REFERENCES people (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);
CREATE MATERIALIZED VIEW happy AS SELECT id, email FROM people WHERE mood = 'happy';
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER posts_touch BEFORE INSERT ON posts FOR EACH ROW EXECUTE FUNCTION touch();";

#[test]
fn inspect_reads_the_catalog_into_the_model() {
    let Some(p) = Project::on(Kind::Postgres) else {
        return;
    };
    p.native("20260101_000001", "schema", PG_SCHEMA, None);
    p.migra(&["apply"]).code(0);
    let out = p.migra(&["inspect", "--json"]).code(0).stdout;
    let db: serde_json::Value = serde_json::from_str(&out).unwrap();
    let public = db["namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == "public")
        .unwrap();
    let tables: Vec<&str> = public["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        tables,
        vec!["people", "posts"],
        "migra's own tables are left out"
    );
    insta::assert_snapshot!(
        "pg_inspect_public",
        serde_json::to_string_pretty(public).unwrap()
    );
    insta::assert_snapshot!(
        "pg_inspect_unmodelled",
        serde_json::to_string_pretty(&db["unmodelled"]).unwrap()
    );
}

/// A server that ends idle sessions (`idle_session_timeout`, here 1 s from the URL's options)
/// does not end the lock's connection, idle while a longer statement runs on the other one:
/// the run keeps its lock to the end instead of stopping with "lock lost" after it.
#[test]
fn the_lock_connection_outlives_idle_session_timeout() {
    let Some(p) = Project::on(Kind::Postgres) else {
        return;
    };
    p.native("20260101_000001", "slow", "SELECT pg_sleep(2.5);", None);
    p.native(
        "20260101_000002",
        "after",
        "CREATE TABLE after_it (x INT);",
        None,
    );
    let url = format!("{}?options=-c%20idle_session_timeout%3D1000", p.url());
    p.migra_raw(&["apply", "-d", &url]).code(0);
    assert!(p.tables().contains(&"after_it".to_string()));
}

/// A runner waiting for the lock longer than the server's `idle_session_timeout` loses its
/// idle main connection meanwhile: once it has the lock it goes on over a new one (it used to
/// fail with the lost connection), finding the other runner's migration applied.
#[test]
fn a_runner_whose_connection_idled_out_while_waiting_goes_on() {
    let Some(p) = Project::on(Kind::Postgres) else {
        return;
    };
    p.native("20260101_000001", "slow", "SELECT pg_sleep(3);", None);
    let url = p.url();
    let first = p
        .command(&["--database", &url, "apply"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Started once the first runner holds the lock and is in its migration.
    let started = std::time::Instant::now();
    while p
        .query("SELECT count(*)::int FROM pg_stat_activity WHERE query LIKE '%pg_sleep(3)%' AND pid <> pg_backend_pid()")
        != vec!["1"]
    {
        assert!(started.elapsed().as_secs() < 20, "the first run never started");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let idle = format!("{url}?options=-c%20idle_session_timeout%3D1000");
    let second = p.migra_raw(&["apply", "-d", &idle, "--lock-timeout", "20"]);
    let mut first = first;
    assert!(first.wait().unwrap().success());
    second.code(0);
    assert_eq!(p.query("SELECT status FROM migra_history"), vec!["applied"]);
}
