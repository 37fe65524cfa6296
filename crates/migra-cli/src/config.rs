//! `migra.toml` and how settings are resolved: flag, then environment, then config file, then default.

use crate::args::Global;
use crate::fail::Failure;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Keys of `migra.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Database URL.
    pub database: Option<String>,
    /// Migration directory (relative to the config file).
    #[serde(alias = "migrations_dir")]
    pub dir: Option<PathBuf>,
    /// History table name.
    pub table: Option<String>,
    /// Directory layout.
    pub format: Option<String>,
    /// Seconds to wait for another runner's lock.
    pub lock_timeout: Option<u64>,
    /// Send scripts whole.
    pub no_split: Option<bool>,
    /// `[validate]`: thresholds and rule settings.
    pub validate: Option<migra::validate::Config>,
}

/// Settings after resolution.
#[derive(Debug)]
pub struct Settings {
    pub database: String,
    pub dir: PathBuf,
    pub table: String,
    pub format: Option<migra::Layout>,
    pub lock_timeout: u64,
    pub no_split: bool,
    /// True when the database URL was given (flag, environment or config), not defaulted.
    pub database_given: bool,
    /// Validator settings.
    pub validate: migra::validate::Config,
}

/// Resolves settings. Errors (exit 2): unreadable or invalid config file, unknown layout.
pub fn resolve(g: &Global) -> Result<Settings, Failure> {
    let (file, base) = load_file(g.config.as_deref())?;
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let given = g
        .database
        .clone()
        .or_else(|| env("DATABASE_URL"))
        .or_else(|| env("DB_URL"))
        .or(file.database);
    let database_given = given.is_some();
    let database = given.unwrap_or_else(|| "sqlite://migra.db".into());
    let dir = g
        .dir
        .clone()
        .or_else(|| file.dir.map(|d| base.join(d)))
        .unwrap_or_else(|| PathBuf::from("migrations"));
    let format_name = g.format.clone().or(file.format);
    let format = match format_name {
        None => None,
        Some(n) => Some(migra::Layout::from_name(&n).ok_or_else(|| {
            Failure::usage(format!("unknown --format `{n}` (native, paired, golang-migrate, sqlx, diesel, dbmate, flyway)"))
        })?),
    };
    Ok(Settings {
        database,
        dir,
        table: g
            .table
            .clone()
            .or(file.table)
            .unwrap_or_else(|| "migra_history".into()),
        format,
        lock_timeout: g.lock_timeout.or(file.lock_timeout).unwrap_or(60),
        no_split: g.no_split || file.no_split.unwrap_or(false),
        database_given,
        validate: file.validate.unwrap_or_default(),
    })
}

fn load_file(explicit: Option<&Path>) -> Result<(FileConfig, PathBuf), Failure> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None if Path::new("migra.toml").is_file() => PathBuf::from("migra.toml"),
        None => return Ok((FileConfig::default(), PathBuf::new())),
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Failure::usage(format!("cannot read config {}: {e}", path.display())))?;
    let cfg: FileConfig = toml::from_str(&text)
        .map_err(|e| Failure::usage(format!("invalid config {}: {e}", path.display())))?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok((cfg, base))
}
