//! `embed_migrations!` and `Migrator` against real SQLite files and pools.
#![allow(clippy::unwrap_used)]

use sqlx::{ConnectOptions, Row};

static MIGRATIONS: migra::EmbeddedMigrations =
    migra::embed_migrations!("../../examples/startup-app/migrations");

#[tokio::test]
async fn embedded_files_are_sorted_and_complete() {
    let paths: Vec<&str> = MIGRATIONS.files.iter().map(|f| f.path).collect();
    assert_eq!(
        paths,
        vec![
            "20260101_090000_create_customers.sql",
            "20260102_090000_create_orders.sql",
            "20260103_090000_add_customer_name.sql"
        ]
    );
    let on_disk =
        std::fs::read("../../examples/startup-app/migrations/20260102_090000_create_orders.sql")
            .unwrap();
    assert_eq!(MIGRATIONS.files[1].contents, on_disk.as_slice());
}

#[tokio::test]
async fn run_applies_then_is_a_no_op() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("app.db").display());
    let m = migra::Migrator::new(&MIGRATIONS);
    let first = m.run(&url).await.unwrap();
    assert_eq!(first.steps_completed, 3);
    let second = m.run(&url).await.unwrap();
    assert_eq!(second.steps_completed, 0);
    let mut c = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.path().join("app.db"))
        .connect()
        .await
        .unwrap();
    let cols: Vec<String> =
        sqlx::query("SELECT name FROM pragma_table_info('customers') ORDER BY cid")
            .fetch_all(&mut c)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
    assert_eq!(cols, vec!["id", "email", "created_at", "name"]);
}

#[tokio::test]
async fn run_with_an_application_pool_a_custom_table_and_polling() {
    let pool = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
    let m = migra::Migrator::new(&MIGRATIONS)
        .table("app_schema_history")
        .spin(std::time::Duration::from_millis(3));
    assert_eq!(m.run_with_pool(&pool).await.unwrap().steps_completed, 3);
    assert_eq!(m.run_with_pool(&pool).await.unwrap().steps_completed, 0);
    let n: i64 = sqlx::query("SELECT count(*) FROM app_schema_history WHERE status = 'applied'")
        .fetch_one(&pool)
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 3);
}

/// In-thread steps hand the pooled connection back in working order.
#[tokio::test]
async fn run_in_thread_with_an_application_pool() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("app.db").display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let m = migra::Migrator::new(&MIGRATIONS).in_thread();
    assert_eq!(m.run_with_pool(&pool).await.unwrap().steps_completed, 3);
    assert_eq!(m.run_with_pool(&pool).await.unwrap().steps_completed, 0);
    let n: i64 = sqlx::query("SELECT count(*) FROM migra_history_log")
        .fetch_one(&pool)
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 3);
}

#[tokio::test]
async fn errors_are_typed() {
    let m = migra::Migrator::new(&MIGRATIONS);
    let e = m.run("mongodb://u:secret@127.0.0.1:1/x").await.unwrap_err();
    assert!(
        matches!(
            e,
            migra::Error::Backend(migra::BackendError::Unsupported { .. })
        ),
        "{e}"
    );
    assert!(!e.to_string().contains("secret"));
    let e = m
        .run("postgres://u:secret@127.0.0.1:1/x")
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            migra::Error::Backend(migra::BackendError::Connect { .. })
        ),
        "{e}"
    );
    assert!(
        e.to_string().contains("cannot reach 127.0.0.1:1") && !e.to_string().contains("secret"),
        "{e}"
    );
    let e = m.run("nonsense").await.unwrap_err();
    assert!(
        matches!(
            e,
            migra::Error::Backend(migra::BackendError::InvalidUrl { .. })
        ),
        "{e}"
    );
}
