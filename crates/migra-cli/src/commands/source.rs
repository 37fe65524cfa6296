//! Schema sources for `diff` and `generate`: a live database URL, or a migration directory
//! replayed on a scratch database and introspected.

use crate::config::Settings;
use crate::fail::Failure;
use migra::core::schema::Database;
use migra::core::{DialectId, LoadOptions};
use std::path::PathBuf;

/// Where a schema comes from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// A live database.
    Live(String),
    /// A migration directory (`dir:PATH`, or a path to a directory holding migrations).
    Dir(PathBuf),
    /// DDL: a `.sql` file, a folder of them (`sql:PATH` for a folder), or a file at a git
    /// revision (`git:REV:PATH`), replayed on a scratch database. The name says where it is from.
    Sql { name: String, text: String },
}

impl Source {
    /// Reads a `--from`/`--to` value.
    ///
    /// Errors: forms not supported yet (`git:`, SQL files) and paths that do not exist.
    pub(crate) fn parse(text: &str) -> Result<Self, Failure> {
        if let Some(path) = text.strip_prefix("dir:") {
            return Ok(Source::Dir(PathBuf::from(path)));
        }
        if text.contains("://") || text.starts_with("sqlite:") {
            return Ok(Source::Live(text.to_string()));
        }
        if let Some(spec) = text.strip_prefix("git:") {
            return git_file(spec);
        }
        if let Some(path) = text.strip_prefix("sql:") {
            return sql_files(&PathBuf::from(path));
        }
        let path = PathBuf::from(text);
        if path.is_dir() {
            return Ok(Source::Dir(path));
        }
        if path.is_file() {
            return sql_files(&path);
        }
        Err(Failure::usage(format!(
            "{text}: not a database URL, and no such directory"
        )))
    }

    fn url(&self) -> Option<&str> {
        match self {
            Source::Live(u) => Some(u),
            _ => None,
        }
    }
}

/// `REV:PATH` read with `git show` in the current directory's repository.
fn git_file(spec: &str) -> Result<Source, Failure> {
    let Some((rev, path)) = spec.split_once(':') else {
        return Err(Failure::usage(format!(
            "git:{spec}: expected git:REVISION:PATH, e.g. git:HEAD~1:db/schema.sql"
        )));
    };
    let out = std::process::Command::new("git")
        .args(["show", &format!("{rev}:{path}")])
        .output()
        .map_err(|e| Failure::usage(format!("git:{spec}: cannot run git: {e}")))?;
    if !out.status.success() {
        return Err(Failure::usage(format!(
            "git:{spec}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let text = String::from_utf8(out.stdout)
        .map_err(|_| Failure::usage(format!("git:{spec}: the file is not UTF-8")))?;
    Ok(Source::Sql {
        name: format!("git:{spec}"),
        text,
    })
}

/// A `.sql` file, or every `.sql` file of a folder in name order, as one script.
fn sql_files(path: &std::path::Path) -> Result<Source, Failure> {
    let read = |p: &std::path::Path| {
        std::fs::read_to_string(p).map_err(|e| Failure::usage(format!("{}: {e}", p.display())))
    };
    let text = if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "sql"))
            .collect();
        files.sort();
        let mut all = String::new();
        for f in files {
            all.push_str(&read(&f)?);
            all.push_str("\n;\n");
        }
        all
    } else {
        read(path)?
    };
    Ok(Source::Sql {
        name: path.display().to_string(),
        text,
    })
}

/// The server a directory is replayed on: `--dev-url`, else the other side's server when it is
/// a live database, else a temporary SQLite file.
pub(crate) fn scratch_server(dev_url: Option<&str>, other: &Source) -> String {
    dev_url
        .map(str::to_string)
        .or_else(|| other.url().map(str::to_string))
        .unwrap_or_else(|| "sqlite::memory:".to_string())
}

/// The schema of a live database, its namespace names neutral (see [`neutral_name`]).
pub(crate) async fn read_live(s: &Settings, url: &str) -> Result<(DialectId, Database), Failure> {
    let dialect = migra::dialect_of_url(url)?;
    let opts = migra::ConnectOptions {
        table: s.table.clone(),
        read_only: true,
        ..Default::default()
    };
    let mut backend = migra::connect(url, &opts).await?;
    Ok((dialect, inspect_current(backend.as_mut(), dialect).await?))
}

/// Rows per table of a live database, as it estimates them (empty for a directory source).
///
/// Errors: connection and permission failures.
pub(crate) async fn table_rows(
    s: &Settings,
    source: &Source,
) -> Result<std::collections::BTreeMap<(String, String), u64>, Failure> {
    let Source::Live(url) = source else {
        return Ok(Default::default());
    };
    let opts = migra::ConnectOptions {
        table: s.table.clone(),
        read_only: true,
        ..Default::default()
    };
    let dialect = migra::dialect_of_url(url)?;
    let mut backend = migra::connect(url, &opts).await?;
    let Some(inspector) = backend.inspector() else {
        return Ok(Default::default());
    };
    Ok(inspector
        .table_rows()
        .await?
        .into_iter()
        .map(|(ns, t, n)| ((neutral_name(dialect, ns), t), n))
        .collect())
}

/// The schema `dir`'s migrations produce (all of them, or up to `to`), replayed on a scratch
/// database on `server` and introspected; the scratch database is removed afterwards, also when
/// the replay fails.
///
/// Errors: the directory is malformed, a migration fails on the scratch database (named), or
/// the scratch database cannot be created.
pub(crate) async fn replay(
    s: &Settings,
    dir: &std::path::Path,
    server: &str,
    to: Option<&str>,
) -> Result<(DialectId, Database), Failure> {
    let dialect = migra::dialect_of_url(server)?;
    let mut load = LoadOptions::new(migra::dialect(dialect).split_options());
    load.layout = s.format;
    load.whole_scripts = s.no_split;
    let migrations = migra::exec::load_dir(dir, &load)?;
    let scratch = migra::scratch::create(server).await?;
    let result = replay_into(s, &scratch.url, &migrations, to).await;
    let removed = scratch.remove().await;
    let db = result?;
    removed?;
    Ok((dialect, db))
}

async fn replay_into(
    s: &Settings,
    url: &str,
    migrations: &[migra::Migration],
    to: Option<&str>,
) -> Result<Database, Failure> {
    let dialect = migra::dialect_of_url(url)?;
    let opts = migra::ConnectOptions {
        table: s.table.clone(),
        ..Default::default()
    };
    let mut backend = migra::connect(url, &opts).await?;
    let mut exec = migra::Executor::new(backend.as_mut(), migrations);
    let mut run = migra::RunOptions::default();
    let target = to.map(str::to_string);
    let result = exec.apply(target.as_deref(), &mut run).await;
    if let Err(e) = result {
        return Err(
            Failure::from(e).context("replaying the migration directory on a scratch database")
        );
    }
    inspect_current(backend.as_mut(), dialect).await
}

/// Reads `source`; a directory is replayed on `server`.
pub(crate) async fn read(
    s: &Settings,
    source: &Source,
    server: &str,
) -> Result<(DialectId, Database), Failure> {
    match source {
        Source::Live(url) => read_live(s, url).await,
        Source::Dir(dir) => replay(s, dir, server, None).await,
        Source::Sql { name, text } => replay_sql(s, name, text, server).await,
    }
}

/// The schema a DDL script creates, run statement by statement on a scratch database on
/// `server` and introspected; the scratch database is removed afterwards.
///
/// Errors: the script does not split, a statement fails (named with its line), or the scratch
/// database cannot be created.
async fn replay_sql(
    s: &Settings,
    name: &str,
    text: &str,
    server: &str,
) -> Result<(DialectId, Database), Failure> {
    let dialect = migra::dialect_of_url(server)?;
    let statements = migra::core::split::split(text, 1, &migra::dialect(dialect).split_options())
        .map_err(|e| Failure::usage(format!("{name}:{}: {}", e.line, e.kind)))?;
    let scratch = migra::scratch::create(server).await?;
    let result = async {
        let opts = migra::ConnectOptions {
            table: s.table.clone(),
            ..Default::default()
        };
        let mut backend = migra::connect(&scratch.url, &opts).await?;
        for st in &statements {
            backend
                .execute(&st.sql)
                .await
                .map_err(|e| Failure::from(e).context(&format!("{name}:{}", st.line)))?;
        }
        inspect_current(backend.as_mut(), dialect).await
    }
    .await;
    let removed = scratch.remove().await;
    let db = result?;
    removed?;
    Ok((dialect, db))
}

/// MySQL and SQLite name their one namespace after the database (which differs between the
/// two sides of a diff), so it is compared as the unnamed current one.
fn neutral_name(dialect: DialectId, name: String) -> String {
    if dialect == DialectId::Postgres {
        name
    } else {
        String::new()
    }
}

/// `backend`'s inspector.
///
/// Errors: the backend has none (a typed "unsupported" naming the dialect).
pub(crate) fn inspector(
    backend: &mut dyn migra::Backend,
    dialect: DialectId,
) -> Result<&mut dyn migra::core::Inspector, Failure> {
    backend.inspector().ok_or_else(|| {
        migra::BackendError::Unsupported {
            dialect: dialect.name().into(),
            what: "introspection is not written yet".into(),
        }
        .into()
    })
}

/// The schema `backend` is connected to, its namespace names neutral (see [`neutral_name`]).
pub(crate) async fn inspect_current(
    backend: &mut dyn migra::Backend,
    dialect: DialectId,
) -> Result<Database, Failure> {
    let mut db = inspector(backend, dialect)?.inspect(&[]).await?;
    if db.namespaces.len() == 1 {
        let name = std::mem::take(&mut db.namespaces[0].name);
        db.namespaces[0].name = neutral_name(dialect, name);
    }
    Ok(db)
}
