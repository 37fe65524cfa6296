//! Helpers for driving the real `migra` binary against real SQLite files.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

pub mod corpus;
pub mod db;

use sqlx::{Connection, Row, SqliteConnection};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch project: a temp dir with a `migrations` folder and a fresh database.
pub struct Project {
    pub db: db::TestDb,
    pub dir: tempfile::TempDir,
}

impl Project {
    /// A project on a SQLite file.
    pub fn new() -> Self {
        Self::on(db::Kind::Sqlite).unwrap()
    }

    /// A project on a fresh database of `kind`; `None` when that server is not available
    /// outside CI (see [`db::TestDb::new`]).
    pub fn on(kind: db::Kind) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("migrations")).unwrap();
        let db = db::TestDb::new(kind, dir.path())?;
        Some(Self { db, dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn db_path(&self) -> PathBuf {
        self.path().join("app.db")
    }

    pub fn url(&self) -> String {
        self.db.url()
    }

    /// Writes `migrations/<name>`.
    pub fn write(&self, name: &str, text: &str) {
        let p = self.path().join("migrations").join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Writes a native migration with an up part and an optional down part.
    pub fn native(&self, version: &str, name: &str, up: &str, down: Option<&str>) {
        let mut text = format!("-- MIGRATION: {name}\n-- DIRECTION: up\n{up}\n");
        if let Some(d) = down {
            text.push_str(&format!("-- DIRECTION: down\n{d}\n"));
        }
        self.write(&format!("{version}_{name}.sql"), &text);
    }

    /// Runs `migra` in the project directory with `--database` set, no inherited DB env.
    pub fn migra(&self, args: &[&str]) -> Run {
        let url = self.url();
        let mut full = vec!["--database", url.as_str()];
        full.extend_from_slice(args);
        self.migra_raw(&full)
    }

    /// Runs `migra` with exactly `args`.
    pub fn migra_raw(&self, args: &[&str]) -> Run {
        let out = self.command(args).output().unwrap();
        Run::from(out)
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_migra"));
        c.current_dir(self.path())
            .args(args)
            .env_remove("DATABASE_URL")
            .env_remove("DB_URL")
            .env_remove("MIGRA_NO_CACHE")
            .env("MIGRA_CACHE_DIR", self.path().join(".cache"))
            .env("NO_COLOR", "1");
        c
    }

    /// Runs a query on the database and returns the first column of each row as text.
    pub fn query(&self, sql: &str) -> Vec<String> {
        self.db.query(sql)
    }

    /// Like [`Project::query`], but `None` when the database or table is not there yet.
    pub fn try_query(&self, sql: &str) -> Option<Vec<String>> {
        if !self.db_path().exists() {
            return None;
        }
        let url = format!("{}?mode=ro", self.url());
        let sql = sql.to_string();
        block_on(async move {
            let mut c = SqliteConnection::connect(&url).await.ok()?;
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(&mut c)
                .await
                .ok()?;
            Some(
                rows.iter()
                    .map(|r| {
                        r.try_get::<i64, _>(0)
                            .map(|n| n.to_string())
                            .unwrap_or_default()
                    })
                    .collect(),
            )
        })
    }

    /// Table names in the database (excluding the database's own).
    pub fn tables(&self) -> Vec<String> {
        self.db.tables()
    }
}

/// The repository's root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// `shared/corpus`, next to the repository (as on developer machines and in CI).
pub fn corpus() -> PathBuf {
    let p = repo_root().join("../shared/corpus");
    assert!(
        p.is_dir(),
        "the shared corpus is missing at {} (it sits beside the repository)",
        p.display()
    );
    p
}

pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// The outcome of one `migra` process.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Self {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Asserts the exit code, showing the output when it differs.
    pub fn code(self, expected: i32) -> Self {
        assert_eq!(
            self.code, expected,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Parses stdout as exactly one JSON document.
    pub fn json(&self) -> serde_json::Value {
        let mut de =
            serde_json::Deserializer::from_str(&self.stdout).into_iter::<serde_json::Value>();
        let doc = de.next().expect("one JSON document").expect("valid JSON");
        assert!(
            de.next().is_none(),
            "more than one JSON document on stdout:\n{}",
            self.stdout
        );
        doc
    }
}

impl Project {
    /// The message `migra apply --json` fails with on `url` (exit `code`), checked to show no
    /// password.
    pub fn connect_error(&self, url: &str, code: i32) -> String {
        let r = self.migra_raw(&["apply", "-d", url, "--json"]).code(code);
        assert!(
            !r.stdout.contains("s3cret") && !r.stdout.contains("migra_test:migra_test"),
            "password shown: {}",
            r.stdout
        );
        r.json()["error"]["message"].as_str().unwrap().to_string()
    }

    /// Checks what a wrong password (`refused`: the server's reason, after the user) and a
    /// database that does not exist say on this project's server.
    pub fn check_login_errors(&self, refused: &str) {
        let good = self.url();
        let msg = self.connect_error(&good.replacen(":migra_test@", ":wrong-s3cret@", 1), 1);
        let expected = format!("authentication failed for user `migra_test`: {refused}");
        assert!(msg.contains(&expected), "{msg}");
        let (base, _) = good.rsplit_once('/').unwrap();
        let msg = self.connect_error(&format!("{base}/no_such_db_here"), 1);
        assert!(
            msg.contains("database `no_such_db_here` does not exist"),
            "{msg}"
        );
    }
}

impl Project {
    /// Runs `sql` (several statements allowed) on the test database, panicking on error.
    pub fn exec(&self, sql: &str) {
        self.try_exec(sql).expect("statements run");
    }

    /// Like [`Project::exec`], returning the database's error instead of panicking.
    pub fn try_exec(&self, sql: &str) -> Result<(), sqlx::Error> {
        let mut url = self.url();
        if url.starts_with("sqlite:") {
            url.push_str("?mode=rwc");
        }
        let sql = sql.to_string();
        block_on(async move {
            let mut c = sqlx::AnyConnection::connect(&url).await.expect("connect");
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut c)
                .await
                .map(drop)
        })
    }
}

/// A schema of `tests/fixtures/diff` (the diff and generate tests' before/after schemas).
pub fn diff_fixture(name: &str) -> String {
    std::fs::read_to_string(
        repo_root()
            .join("crates/migra-cli/tests/fixtures/diff")
            .join(name),
    )
    .unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}
