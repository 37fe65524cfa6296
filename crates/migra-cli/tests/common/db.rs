//! A fresh database per test, on SQLite or on the PostgreSQL server the test command started.

use sqlx::{AnyConnection, Connection, Row};

/// Which server a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
    Mysql,
}

impl Kind {
    /// The environment variable with the admin URL of this kind's test server.
    fn env(self) -> &'static str {
        match self {
            Kind::Sqlite => "",
            Kind::Postgres => "MIGRA_TEST_PG_URL",
            Kind::Mysql => "MIGRA_TEST_MYSQL_URL",
        }
    }
}

/// The value of `var`, naming what the test server provides (`what`), or `None` when it is not
/// set outside CI (skipping the test, said on stderr); under `CI=true` its absence fails the test.
pub fn required_env(var: &str, what: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) => Some(v),
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!(
                "{var} is not set: under CI the tests needing a {what} must run (use ./scripts/test-all)"
            )
        }
        Err(_) => {
            eprintln!("skipping: no {what} ({var} unset; ./scripts/test-all provides it)");
            None
        }
    }
}

/// One test's database; a PostgreSQL database is dropped when this is.
pub struct TestDb {
    pub kind: Kind,
    url: String,
    admin: Option<(String, String)>,
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    super::block_on(f)
}

impl TestDb {
    /// A new database, or `None` when PostgreSQL is not configured outside CI (under `CI=true`
    /// a missing server fails the test instead).
    pub fn new(kind: Kind, dir: &std::path::Path) -> Option<Self> {
        sqlx::any::install_default_drivers();
        match kind {
            Kind::Sqlite => Some(Self {
                kind,
                url: format!("sqlite://{}", dir.join("app.db").display()),
                admin: None,
            }),
            Kind::Postgres | Kind::Mysql => {
                let admin = required_env(kind.env(), &format!("{kind:?} server"))?;
                static SEQ: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
                let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let name = format!("migra_t_{}_{n}", std::process::id());
                let a = admin.clone();
                let sql = format!("CREATE DATABASE {name}");
                block_on(async move {
                    let mut c = AnyConnection::connect(&a)
                        .await
                        .expect("test server reachable");
                    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                        .execute(&mut c)
                        .await
                        .expect("create test database");
                });
                let base = admin
                    .rsplit_once('/')
                    .map_or(admin.as_str(), |(b, _)| b)
                    .to_string();
                Some(Self {
                    kind,
                    url: format!("{base}/{name}"),
                    admin: Some((admin, name)),
                })
            }
        }
    }

    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Runs a query; the first column of each row as text (NULL as "NULL").
    pub fn query(&self, sql: &str) -> Vec<String> {
        let url = if self.kind == Kind::Sqlite {
            format!("{}?mode=ro", self.url)
        } else {
            self.url.clone()
        };
        let sql = sql.to_string();
        block_on(async move {
            let mut c = AnyConnection::connect(&url).await.expect("connect");
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(&mut c)
                .await
                .expect("query");
            rows.iter()
                .map(|r| {
                    r.try_get::<Option<String>, _>(0)
                        .or_else(|_| {
                            r.try_get::<Option<i64>, _>(0)
                                .map(|o| o.map(|n| n.to_string()))
                        })
                        .or_else(|_| {
                            r.try_get::<Option<i32>, _>(0)
                                .map(|o| o.map(|n| n.to_string()))
                        })
                        .or_else(|_| {
                            r.try_get::<Option<bool>, _>(0)
                                .map(|o| o.map(|b| b.to_string()))
                        })
                        .expect("text, integer or boolean column")
                        .unwrap_or_else(|| "NULL".into())
                })
                .collect()
        })
    }

    /// User tables, sorted (migra's own included).
    pub fn tables(&self) -> Vec<String> {
        self.query(match self.kind {
            Kind::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            Kind::Postgres => "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
            Kind::Mysql => "SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name",
        })
    }

    /// True when the database file exists (always true for a server database).
    pub fn exists(&self) -> bool {
        match self.kind {
            Kind::Sqlite => std::path::Path::new(self.url.trim_start_matches("sqlite://")).exists(),
            Kind::Postgres | Kind::Mysql => true,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.admin.take() {
            let sql = if self.kind == Kind::Postgres {
                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            } else {
                format!("DROP DATABASE IF EXISTS {name}")
            };
            block_on(async move {
                if let Ok(mut c) = AnyConnection::connect(&admin).await {
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                        .execute(&mut c)
                        .await;
                }
            });
        }
    }
}
