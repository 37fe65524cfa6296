//! A Rust data migration through `Migrator`: batches with checkpoints, a failed batch resumed by
//! the next run, `validate` (a failed one retried without redoing a batch), exactly-once effect,
//! no-op once applied, and `down` through the executor.
#![allow(clippy::unwrap_used)]

use migra::core::{Backend, BackendError, DataBatches, DataMigration, KeyRange, SqlValue};
use sqlx::ConnectOptions;
use std::sync::atomic::{AtomicBool, Ordering};

static MIGRATIONS: migra::EmbeddedMigrations =
    migra::embed_migrations!("../../examples/startup-app/migrations");

/// Fills `customers.name` from the e-mail's local part, capitalised: "ada.l@x" -> "Ada L".
struct NameFromEmail {
    fail_at_1500: &'static AtomicBool,
    /// `validate` says no once while this is set, and clears it.
    reject: &'static AtomicBool,
}

fn name_of(email: &str) -> String {
    email
        .split('@')
        .next()
        .unwrap_or("")
        .split('.')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[migra::core::async_trait]
impl DataMigration for NameFromEmail {
    fn version(&self) -> &str {
        "20260104_090000"
    }
    fn name(&self) -> &str {
        "name from email"
    }
    fn batches(&self) -> DataBatches {
        DataBatches {
            table: vec!["customers".into()],
            key: "id".into(),
            size: 1000,
        }
    }
    async fn up(&self, db: &mut dyn Backend, range: &KeyRange) -> Result<u64, BackendError> {
        let rows = db
            .query_rows(&format!(
                "SELECT id, email FROM customers WHERE {} ORDER BY id",
                range.condition
            ))
            .await?;
        let mut n = 0;
        for row in rows {
            let (SqlValue::Int(id), SqlValue::Text(email)) = (&row[0], &row[1]) else {
                continue;
            };
            if *id == 1500 && self.fail_at_1500.load(Ordering::SeqCst) {
                return Err(BackendError::Statement {
                    message: "simulated failure at customer 1500".into(),
                    code: None,
                });
            }
            let name = name_of(email).replace('\'', "''");
            n += db
                .execute(&format!(
                    "UPDATE customers SET name = '{name}', touched = touched + 1 WHERE id = {id}"
                ))
                .await?;
        }
        Ok(n)
    }
    async fn down(&self, db: &mut dyn Backend, range: &KeyRange) -> Result<u64, BackendError> {
        db.execute(&format!(
            "UPDATE customers SET name = NULL, touched = touched - 1 WHERE {}",
            range.condition
        ))
        .await
    }
    async fn validate(&self, db: &mut dyn Backend) -> Result<bool, BackendError> {
        if self.reject.swap(false, Ordering::SeqCst) {
            return Ok(false);
        }
        let v = db
            .query_value("SELECT count(*) = 0 FROM customers WHERE name IS NULL")
            .await?;
        Ok(v.is_some_and(|v| v.is_true()))
    }
}

static FAIL: AtomicBool = AtomicBool::new(true);
static NO: AtomicBool = AtomicBool::new(false);
static REJECT: AtomicBool = AtomicBool::new(true);

/// A migrated SQLite file with 2,500 customers without names; its directory and URL.
async fn customers() -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.db");
    let url = format!("sqlite://{}", file.display());
    migra::Migrator::new(&MIGRATIONS).run(&url).await.unwrap();
    let mut c = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&file)
        .connect()
        .await
        .unwrap();
    sqlx::raw_sql(
        "ALTER TABLE customers ADD COLUMN touched INTEGER NOT NULL DEFAULT 0;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)
         INSERT INTO customers (id, email) SELECT i, 'ada.l' || i || '@example.com' FROM n;",
    )
    .execute(&mut c)
    .await
    .unwrap();
    (dir, file, url)
}

/// The integer `sql` selects from `file`.
async fn count(file: &std::path::Path, sql: &str) -> i64 {
    let mut c = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(file)
        .connect()
        .await
        .unwrap();
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&mut c)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_failed_validate_is_retried_without_redoing_the_batches() {
    let (_dir, file, url) = customers().await;
    let m = migra::Migrator::new(&MIGRATIONS).data_migration(NameFromEmail {
        fail_at_1500: &NO,
        reject: &REJECT,
    });
    let err = m.run(&url).await.unwrap_err();
    assert!(err.to_string().contains("returned false"), "{err}");
    assert_eq!(
        count(&file, "SELECT count(*) FROM customers WHERE touched = 1").await,
        2500
    );
    let r = m.run(&url).await.unwrap();
    assert_eq!(
        (r.steps_completed, r.rows_affected),
        (1, 0),
        "validated again, no batch redone"
    );
    assert_eq!(
        count(&file, "SELECT count(*) FROM customers WHERE touched <> 1").await,
        0
    );
}

#[tokio::test]
async fn a_rust_data_migration_resumes_after_a_failed_batch_and_rolls_back() {
    let (_dir, file, url) = customers().await;
    let count = |sql: &'static str| {
        let file = file.clone();
        async move { count(&file, sql).await }
    };

    let m = migra::Migrator::new(&MIGRATIONS).data_migration(NameFromEmail {
        fail_at_1500: &FAIL,
        reject: &NO,
    });
    let err = m.run(&url).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("simulated failure at customer 1500"),
        "{err}"
    );
    assert_eq!(
        count("SELECT count(*) FROM customers WHERE touched = 1").await,
        1000
    );

    FAIL.store(false, Ordering::SeqCst);
    let r = m.run(&url).await.unwrap();
    assert_eq!(
        (r.steps_completed, r.rows_affected),
        (1, 1500),
        "the first batch is not redone"
    );
    assert_eq!(
        count("SELECT count(*) FROM customers WHERE touched <> 1").await,
        0
    );
    assert_eq!(
        count("SELECT count(*) FROM customers WHERE name = 'Ada L2500'").await,
        1
    );
    assert_eq!(
        m.run(&url).await.unwrap().steps_completed,
        0,
        "applied once"
    );

    let mut backend = migra::connect(&url, &migra::ConnectOptions::default())
        .await
        .unwrap();
    let migrations = m.load(migra::DialectId::Sqlite).unwrap();
    let dm = NameFromEmail {
        fail_at_1500: &FAIL,
        reject: &NO,
    };
    let r = migra::Executor::new(backend.as_mut(), &migrations)
        .rollback_data(&dm, &mut migra::RunOptions::default())
        .await
        .unwrap();
    assert_eq!(r.rows_affected, 2500);
    assert_eq!(
        count("SELECT count(*) FROM customers WHERE name IS NULL AND touched = 0").await,
        2500
    );
}
