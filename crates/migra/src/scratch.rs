//! Scratch databases: a temporary database to replay migrations into and introspect, created
//! on a server migra is given and dropped afterwards.

use crate::connect::{ConnectOptions, connect, dialect_of_url};
use migra_core::{Backend, BackendError, DialectId};

/// A temporary database: a new database on the server of the URL it was made from (PostgreSQL,
/// MySQL/MariaDB), or a temporary SQLite file. [`Scratch::remove`] deletes it; a scratch that is
/// not removed (the process was killed) is named `migra_scratch_*` so it can be found.
#[derive(Debug)]
pub struct Scratch {
    /// URL of the scratch database.
    pub url: String,
    server: Option<String>,
    name: String,
    file: Option<std::path::PathBuf>,
}

/// `url` with its last path segment (the database) replaced by `database`, query kept.
fn with_database(url: &str, database: &str) -> Result<String, BackendError> {
    let mut u = url::Url::parse(url).map_err(|e| BackendError::InvalidUrl {
        url: crate::dialects::redact_url(url),
        reason: e.to_string(),
    })?;
    u.set_path(&format!("/{database}"));
    Ok(u.to_string())
}

/// Creates a scratch database on the server of `server_url` (which must allow creating
/// databases), or a temporary SQLite file when `server_url` is a SQLite URL.
///
/// Errors: the URL is invalid, the server cannot be reached, or creating the database fails.
pub async fn create(server_url: &str) -> Result<Scratch, BackendError> {
    static SEQ: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = format!("migra_scratch_{}_{n}_{nanos}", std::process::id());
    match dialect_of_url(server_url)? {
        DialectId::Sqlite => {
            let file = std::env::temp_dir().join(format!("{name}.db"));
            Ok(Scratch {
                url: format!("sqlite://{}", file.display()),
                server: None,
                name,
                file: Some(file),
            })
        }
        DialectId::Postgres | DialectId::Mysql => {
            let mut admin = connect(server_url, &ConnectOptions::default()).await?;
            admin.execute(&format!("CREATE DATABASE {name}")).await?;
            Ok(Scratch {
                url: with_database(server_url, &name)?,
                server: Some(server_url.to_string()),
                name,
                file: None,
            })
        }
        DialectId::Mongodb => Err(BackendError::Unsupported {
            dialect: "mongodb".into(),
            what: "scratch databases".into(),
        }),
    }
}

impl Scratch {
    /// Deletes the scratch database (closing other sessions on PostgreSQL first).
    ///
    /// Errors: the server refuses the drop; the database is then left behind under its
    /// `migra_scratch_*` name.
    pub async fn remove(self) -> Result<(), BackendError> {
        if let Some(file) = &self.file {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
            return Ok(());
        }
        if let Some(server) = &self.server {
            let mut admin: Box<dyn Backend> = connect(server, &ConnectOptions::default()).await?;
            let sql = match admin.dialect() {
                DialectId::Postgres => {
                    format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)
                }
                _ => format!("DROP DATABASE IF EXISTS {}", self.name),
            };
            admin.execute(&sql).await?;
        }
        Ok(())
    }
}
