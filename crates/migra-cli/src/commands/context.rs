//! Opening the directory and the database together, for the commands that need both.

use crate::config::Settings;
use crate::fail::Failure;
use migra::exec::DirSummary;
use migra::{Backend, LoadOptions, Migration};
use std::time::Duration;

/// How the directory is read for `dialect`, per the settings.
fn load_options(s: &Settings, dialect: migra::core::DialectId) -> LoadOptions {
    let mut load = LoadOptions::new(migra::dialect(dialect).split_options());
    load.layout = s.format;
    load.whole_scripts = s.no_split;
    load
}

/// Where the parsed directory is cached: `MIGRA_CACHE_DIR`, else `$XDG_CACHE_HOME/migra`, else
/// `~/.cache/migra`; `None` (no cache) when `MIGRA_NO_CACHE` is set to anything but `0` or empty.
fn cache_dir() -> Option<std::path::PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if var("MIGRA_NO_CACHE").is_some_and(|v| v != "0") {
        return None;
    }
    if let Some(d) = var("MIGRA_CACHE_DIR") {
        return Some(d.into());
    }
    if let Some(d) = var("XDG_CACHE_HOME") {
        return Some(std::path::PathBuf::from(d).join("migra"));
    }
    var("HOME").map(|h| std::path::PathBuf::from(h).join(".cache").join("migra"))
}

/// Loads `dir`, through the cache in `cache` when there is one.
///
/// Errors: those of [`migra::exec::load_dir`].
fn load_dir(
    dir: &std::path::Path,
    load: &LoadOptions,
    cache: Option<&std::path::Path>,
) -> Result<Vec<Migration>, migra::core::SourceErrors> {
    match cache {
        Some(c) => migra::exec::load_dir_cached(dir, load, c),
        None => migra::exec::load_dir(dir, load),
    }
}

/// The directory and the database, ready for the executor.
pub(crate) struct Context {
    pub migrations: Vec<Migration>,
    pub backend: Box<dyn Backend>,
    pub lock_wait: Duration,
    /// History as read while the directory was parsed (plan and status use it as is).
    pub history: Vec<migra::core::Revision>,
    /// True when `history` was read (it may be empty).
    pub history_read: bool,
    /// The history digest, read instead of the history when `open` was not asked for it.
    pub digest: Option<migra::core::HistoryDigest>,
}

impl Context {
    /// Loads the directory for the database's dialect and opens the database read-only (nothing is
    /// created or changed, even when a file turns out to be malformed); `history` also reads the
    /// whole history, else only its digest. Commands that write call [`Context::writable`] afterwards.
    ///
    /// Errors: a bad URL or directory, a failed connection or read, malformed files.
    pub async fn open(s: &Settings, history: bool) -> Result<Self, Failure> {
        let (load, cache) = prepare(s)?;
        let dir = s.dir.clone();
        let read = if history {
            Read::History
        } else {
            Read::Digest {
                else_history: false,
            }
        };
        let remember = Remember::of(s, cache.as_deref());
        let (db, files) = connect_while(s, read, remember, move || {
            load_dir(&dir, &load, cache.as_deref())
        })
        .await?;
        Ok(Self::new(s, db, files?))
    }

    /// Like [`Context::open`] without history, but when the directory's cached summary and the
    /// history digest show every migration applied and unchanged, no migration is decoded: that
    /// is the answer, [`Opened::UpToDate`]. `status` and `apply` start here. Where the backend
    /// has no digest, `else_history` reads the whole history instead (status needs it then).
    ///
    /// Errors: as [`Context::open`].
    pub async fn open_or_up_to_date(s: &Settings, else_history: bool) -> Result<Opened, Failure> {
        let (load, cache) = prepare(s)?;
        // Without a digest to compare it with, the migrations are needed anyway, and are best
        // read while (on SQLite) the database loads its schema.
        let digest_expected = migra::dialect(migra::dialect_of_url(&s.database)?)
            .capabilities()
            .history_digest;
        let remember = Remember::of(s, cache.as_deref());
        if let Some(r) = &remember
            && let Some(summary) = r.up_to_date(s, &load)
        {
            let target = r.stamp.target.clone();
            return Ok(Opened::UpToDate { target, summary });
        }
        let dir = s.dir.clone();
        let later = (s.dir.clone(), load, cache.clone());
        let read = Read::Digest { else_history };
        let (db, files) = connect_while(s, read, remember, move || {
            let summary = cache
                .as_deref()
                .filter(|_| digest_expected)
                .and_then(|c| migra::exec::dir_summary_cached(&dir, &load, c));
            match summary {
                Some(summary) => Ok(Files::Summary(summary)),
                None => load_dir(&dir, &load, cache.as_deref()).map(Files::Loaded),
            }
        })
        .await?;
        let migrations = match files? {
            Files::Loaded(migrations) => migrations,
            Files::Summary(summary) if db.digest == Some(summary.digest) => {
                return Ok(Opened::UpToDate {
                    target: db.backend.target(),
                    summary,
                });
            }
            // Something to do or show: the migrations themselves are needed after all.
            Files::Summary(_) => {
                let (dir, load, cache) = later;
                tokio::task::spawn_blocking(move || load_dir(&dir, &load, cache.as_deref()))
                    .await
                    .map_err(thread_died)??
            }
        };
        Ok(Opened::Loaded(Self::new(s, db, migrations)))
    }

    fn new(s: &Settings, db: Db, migrations: Vec<Migration>) -> Self {
        Self {
            migrations,
            backend: db.backend,
            lock_wait: Duration::from_secs(s.lock_timeout),
            history: db.history,
            history_read: db.history_read,
            digest: db.digest,
        }
    }

    /// Reads the directory again from disk, past the cache: what is about to run (or be
    /// recorded) comes from the files themselves, whatever a cache says.
    ///
    /// Errors: the directory cannot be read or has malformed files.
    pub fn reload_files(&mut self, s: &Settings) -> Result<(), Failure> {
        let load = load_options(s, self.backend.dialect());
        self.migrations = migra::exec::load_dir(&s.dir, &load)?;
        Ok(())
    }

    /// Replaces the read-only connection with one that may write (creating the database if missing).
    pub async fn writable(&mut self, s: &Settings) -> Result<(), Failure> {
        let opts = migra::ConnectOptions {
            table: s.table.clone(),
            read_only: false,
            // This runtime has one thread and nothing else to run while a step waits.
            spin: Some(Duration::from_millis(3)),
            in_thread: true,
            ..Default::default()
        };
        self.backend = migra::connect(&s.database, &opts).await?;
        Ok(())
    }
}

/// What [`Context::open_or_up_to_date`] found.
pub(crate) enum Opened {
    /// Every migration applied and unchanged; nothing was decoded, and on SQLite perhaps not
    /// even the database opened.
    UpToDate {
        /// How the backend names the database.
        target: String,
        summary: DirSummary,
    },
    /// Anything else, as [`Context::open`] gives it.
    Loaded(Context),
}

enum Files {
    Summary(DirSummary),
    Loaded(Vec<Migration>),
}

/// The read-only connection and what was read on it.
struct Db {
    backend: Box<dyn Backend>,
    history: Vec<migra::core::Revision>,
    history_read: bool,
    digest: Option<migra::core::HistoryDigest>,
}

/// What [`connect_while`] reads.
#[derive(Clone, Copy)]
enum Read {
    /// The whole history.
    History,
    /// The digest; where there is none, the history (`else_history`) or the fingerprints.
    Digest { else_history: bool },
}

/// The load options and cache directory for `s`.
///
/// Errors: a URL of no known dialect; the directory is missing.
fn prepare(s: &Settings) -> Result<(LoadOptions, Option<std::path::PathBuf>), Failure> {
    let dialect = migra::dialect_of_url(&s.database)?;
    if !s.dir.is_dir() {
        return Err(Failure::usage(format!(
            "migration directory {} does not exist (use --dir, or `migra new NAME` to start one)",
            s.dir.display()
        )));
    }
    Ok((load_options(s, dialect), cache_dir()))
}

/// Where a database file's history digest can be remembered, and the file's stamp taken before
/// anything of it was read (SQLite files, with a cache directory).
struct Remember {
    cache: std::path::PathBuf,
    stamp: migra::core::FileStamp,
}

impl Remember {
    /// For the database of `s` when it has a stamp and no server computes its digest.
    fn of(s: &Settings, cache: Option<&std::path::Path>) -> Option<Self> {
        let dialect = migra::dialect_of_url(&s.database).ok()?;
        if migra::dialect(dialect).capabilities().history_digest {
            return None;
        }
        Some(Self {
            cache: cache?.to_path_buf(),
            stamp: migra::file_stamp(&s.database)?,
        })
    }

    /// The directory's summary when the digest remembered for the file as it stands is the one
    /// the directory implies: every migration applied and unchanged, without opening the file.
    fn up_to_date(&self, s: &Settings, load: &LoadOptions) -> Option<DirSummary> {
        let known = migra::exec::remembered_digest(&self.cache, &self.stamp, &s.table)?;
        let summary = migra::exec::dir_summary_cached(&s.dir, load, &self.cache)?;
        (summary.digest == known).then_some(summary)
    }

    /// Remembers the digest of `history` if no commit came between the stamp and now.
    fn history_read(&self, s: &Settings, history: &[migra::core::Revision]) {
        if migra::file_stamp(&s.database).as_ref() == Some(&self.stamp) {
            let digest = migra::core::HistoryDigest::of_history(history);
            migra::exec::remember_digest(&self.cache, &self.stamp, &s.table, &digest);
        }
    }
}

/// Connects read-only (nothing is created or changed) and reads what `read` says while `files`
/// runs on another thread: the first query makes SQLite load the whole schema, which dominates
/// on big databases. With `remember`, the history is read (not only its fingerprints) and its
/// digest remembered for the next run.
///
/// Errors: the connection or the read failed; the directory thread died.
async fn connect_while<T: Send + 'static>(
    s: &Settings,
    read: Read,
    remember: Option<Remember>,
    files: impl FnOnce() -> T + Send + 'static,
) -> Result<(Db, T), Failure> {
    let files = tokio::task::spawn_blocking(files);
    let opts = migra::ConnectOptions {
        table: s.table.clone(),
        read_only: true,
        ..Default::default()
    };
    let (db, files) = tokio::join!(
        async {
            let mut backend = migra::connect(&s.database, &opts).await?;
            let digest = match read {
                Read::History => None,
                // A failure surfaces when the history is read.
                Read::Digest { .. } => backend.read_digest().await.ok().flatten(),
            };
            let history = match (read, digest) {
                (Read::History, _) | (Read::Digest { else_history: true }, None) => {
                    Some(backend.read_history().await?)
                }
                (Read::Digest { .. }, None) if remember.is_some() => {
                    Some(backend.read_history().await?)
                }
                (
                    Read::Digest {
                        else_history: false,
                    },
                    None,
                ) => {
                    // Warms the connection (SQLite loads its schema on the first read).
                    let _ = backend.read_fingerprints().await;
                    None
                }
                (Read::Digest { .. }, Some(_)) => None,
            };
            if let (Some(r), Some(h)) = (&remember, &history) {
                r.history_read(s, h);
            }
            Ok::<_, migra::BackendError>(Db {
                backend,
                history_read: history.is_some(),
                history: history.unwrap_or_default(),
                digest,
            })
        },
        files
    );
    Ok((db?, files.map_err(thread_died)?))
}

/// The directory-reading thread panicked or was cancelled.
fn thread_died(e: tokio::task::JoinError) -> Failure {
    Failure::io(format!("reading the migration directory failed: {e}"))
}
