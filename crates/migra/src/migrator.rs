//! Running embedded migrations at application startup.

use crate::connect::{ConnectOptions, connect, dialect_of_url};
use crate::embed::EmbeddedMigrations;
use migra_core::{
    Backend, BackendError, DataMigration, DialectId, LoadOptions, Migration, SourceErrors,
};
use migra_exec::{ExecError, ExecutionResult, Executor, RunOptions};
use std::time::Duration;

/// Why [`Migrator::run`] failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The embedded directory could not be read (every problem, with file and line).
    #[error("{0}")]
    Source(#[from] SourceErrors),
    /// The database could not be reached.
    #[error("{0}")]
    Backend(#[from] BackendError),
    /// Running failed or was refused.
    #[error("{0}")]
    Exec(#[from] ExecError),
}

/// Applies embedded migrations at startup; cheap when nothing is pending (one read of history,
/// no lock, no write).
pub struct Migrator {
    migrations: &'static EmbeddedMigrations,
    table: String,
    lock_wait: Duration,
    data: Vec<Box<dyn DataMigration>>,
    spin: Option<Duration>,
    in_thread: bool,
}

impl Migrator {
    /// A migrator for `migrations` with the default history table `migra_history`.
    pub fn new(migrations: &'static EmbeddedMigrations) -> Self {
        Self {
            migrations,
            table: "migra_history".into(),
            lock_wait: Duration::from_secs(60),
            data: Vec::new(),
            spin: None,
            in_thread: false,
        }
    }

    /// Uses another history table name.
    pub fn table(mut self, name: impl Into<String>) -> Self {
        self.table = name.into();
        self
    }

    /// How long to wait for another instance holding the migration lock.
    pub fn lock_wait(mut self, wait: Duration) -> Self {
        self.lock_wait = wait;
        self
    }

    /// SQLite: each migration step polls for its statements' results for up to `wait` before it
    /// sleeps (see [`migra_dialects::sqlite::SqliteOptions::spin`]; about a quarter faster on
    /// many small migrations). It holds the executor thread meanwhile: use it where nothing
    /// else needs that thread yet, such as before the application starts serving.
    pub fn spin(mut self, wait: Duration) -> Self {
        self.spin = Some(wait);
        self
    }

    /// SQLite: each migration step runs on the calling thread instead of sqlx's worker thread
    /// (see [`migra_dialects::sqlite::SqliteOptions::in_thread`]; about a third faster on many
    /// small migrations). A step blocks the executor thread for as long as its statements
    /// take: use it where nothing else needs that thread yet.
    pub fn in_thread(mut self) -> Self {
        self.in_thread = true;
        self
    }

    /// Adds a Rust data migration, run after the SQL migrations (data migrations in version
    /// order), batch by batch with checkpoints, once.
    pub fn data_migration(mut self, dm: impl DataMigration + 'static) -> Self {
        self.data.push(Box::new(dm));
        self.data.sort_by(|a, b| a.version().cmp(b.version()));
        self
    }

    /// Parses the embedded files for `dialect`.
    ///
    /// Errors: every malformed file, naming file and line.
    pub fn load(&self, dialect: DialectId) -> Result<Vec<Migration>, SourceErrors> {
        let opts = LoadOptions::new(crate::dialect(dialect).split_options());
        migra_core::load(&self.migrations.source_files(), &opts)
    }

    /// Connects to `url` and applies every pending migration.
    ///
    /// Errors: malformed files, connection failures, drift, a held lock (after waiting), and the
    /// first failing migration (earlier ones stay applied).
    pub async fn run(&self, url: &str) -> Result<ExecutionResult, Error> {
        let dialect = dialect_of_url(url)?;
        let migrations = self.load(dialect)?;
        let opts = ConnectOptions {
            table: self.table.clone(),
            spin: self.spin,
            in_thread: self.in_thread,
            ..Default::default()
        };
        let mut backend = connect(url, &opts).await?;
        self.run_on(backend.as_mut(), &migrations).await
    }

    /// Applies pending migrations using one connection of an existing sqlx SQLite pool.
    ///
    /// Errors: as [`Migrator::run`].
    #[cfg(feature = "sqlite")]
    pub async fn run_with_pool(&self, pool: &sqlx::SqlitePool) -> Result<ExecutionResult, Error> {
        let migrations = self.load(DialectId::Sqlite)?;
        let opts = migra_dialects::sqlite::SqliteOptions {
            table: self.table.clone(),
            spin: self.spin,
            in_thread: self.in_thread,
            ..Default::default()
        };
        let mut backend = migra_dialects::sqlite::SqliteBackend::from_pool(pool, &opts).await?;
        self.run_on(&mut backend, &migrations).await
    }

    /// Applies pending `migrations` on an open backend.
    ///
    /// Errors: as [`Migrator::run`].
    pub async fn run_on(
        &self,
        backend: &mut dyn Backend,
        migrations: &[Migration],
    ) -> Result<ExecutionResult, Error> {
        let mut exec = Executor::new(backend, migrations);
        let mut opts = RunOptions {
            lock_wait: self.lock_wait,
            ..Default::default()
        };
        let mut result = exec.apply(None, &mut opts).await?;
        for dm in &self.data {
            let r = exec.apply_data(dm.as_ref(), &mut opts).await?;
            result.steps_completed += r.steps_completed;
            result.rows_affected += r.rows_affected;
            result.migrations.extend(r.migrations);
        }
        Ok(result)
    }
}
