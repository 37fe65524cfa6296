//! The commands, and what they share: settings, loading the directory, opening the database.

mod apply;
mod backups;
mod diff;
pub(crate) mod drift;
mod gate;
mod generate;
mod hints;
mod inspect;
mod new;
mod plan;
mod plan_rollback;
mod progress;
mod repair;
mod rules;
mod source;
mod validate;
mod verify;

use crate::args::{Cli, Command};
use crate::config::{Settings, resolve};
use crate::fail::Failure;
use crate::output::Out;
use migra::{Backend, LoadOptions, Migration};
use std::time::Duration;

/// Runs the parsed command.
pub async fn run(mut cli: Cli, out: Out) -> Result<(), Failure> {
    // `migra validate --format sarif`: for validate, --format names the output when it is one.
    let mut output_format = None;
    if matches!(cli.command, Command::Validate { .. })
        && let Some(f) = &cli.global.format
        && validate::OUTPUTS.contains(&f.as_str())
    {
        output_format = cli.global.format.take();
    }
    let settings = resolve(&cli.global)?;
    match cli.command {
        Command::Validate {
            paths,
            dialect,
            server_version,
            all,
            output,
        } => {
            let args = validate::Args {
                paths,
                dialect,
                server_version,
                all,
                output: output.or(output_format),
            };
            validate::run(&settings, out, args).await
        }
        Command::Rules { markdown } => rules::run(out, markdown),
        Command::New { name } => new::run(&settings, &name.join(" "), out),
        Command::Plan {
            check_schema,
            dev_url,
        } => plan::plan(&settings, out, check_schema, dev_url.as_deref()).await,
        Command::Status => plan::status(&settings, out).await,
        Command::Backups {
            remove,
            remove_version,
        } => backups::run(&settings, out, remove.as_deref(), remove_version.as_deref()).await,
        Command::PlanRollback { migration } => {
            plan_rollback::run(&settings, out, migration.as_deref()).await
        }
        Command::Verify {
            migration,
            all,
            no_record,
        } => {
            let which = match migration {
                Some(v) if !all => migra::verify::Which::One(v),
                _ => migra::verify::Which::All,
            };
            verify::run(&settings, out, &which, !no_record).await
        }
        Command::Inspect => inspect::run(&settings, out).await,
        Command::Diff {
            from,
            to_dialect: Some(dialect),
            dev_url,
            ..
        } => diff::to_dialect(&settings, out, &from, &dialect, dev_url.as_deref()).await,
        Command::Diff {
            from,
            to,
            dev_url,
            rename,
            ..
        } => {
            let to = to.unwrap_or_default();
            diff::run(&settings, out, &from, &to, dev_url.as_deref(), &rename).await
        }
        Command::Drift { dev_url } => drift::run(&settings, out, dev_url.as_deref()).await,
        Command::Generate {
            from,
            to,
            name,
            dev_url,
            rename,
        } => {
            generate::run(
                &settings,
                out,
                &from,
                &to,
                name.as_deref(),
                dev_url.as_deref(),
                &rename,
            )
            .await
        }
        Command::Repair {
            migration,
            mark_applied,
            reason,
            ..
        } => {
            let mark = if mark_applied {
                migra::exec::RepairMark::Applied
            } else {
                migra::exec::RepairMark::RolledBack
            };
            repair::run(&settings, out, &migration, mark, reason.as_deref()).await
        }
        Command::Apply {
            dry_run,
            to,
            allow_drift,
            no_validate,
            allow_unsafe,
            backup,
            rollback_on_failure,
            batch,
        } => {
            let validate = !no_validate && settings.validate.on_apply;
            let gate = validate.then_some(allow_unsafe.as_deref());
            let flags = apply::Flags {
                dry_run,
                allow_drift,
                batch: batch.options(),
                backup: backup || settings.validate.require_backup_for_drops,
                rollback_on_failure,
            };
            apply::run(
                &settings,
                out,
                apply::Action::Apply(to.as_deref(), gate),
                flags,
            )
            .await
        }
        Command::Rollback {
            steps,
            to,
            dry_run,
            allow_drift,
            batch,
        } => {
            let flags = apply::Flags {
                dry_run,
                allow_drift,
                batch: batch.options(),
                backup: false,
                rollback_on_failure: false,
            };
            let target = match to {
                Some(v) => migra::RollbackTarget::To(v),
                None => migra::RollbackTarget::Steps(steps.unwrap_or(1)),
            };
            apply::run(&settings, out, apply::Action::Rollback(&target), flags).await
        }
    }
}

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

/// The directory and the database, ready for the executor.
pub(crate) struct Context {
    pub migrations: Vec<Migration>,
    pub backend: Box<dyn Backend>,
    pub lock_wait: Duration,
    /// History as read while the directory was parsed (plan and status use it as is).
    pub history: Vec<migra::core::Revision>,
    /// The history digest, read instead of the history when `open` was not asked for it.
    pub digest: Option<migra::core::HistoryDigest>,
}

impl Context {
    /// Loads the directory for the database's dialect and opens the database read-only (nothing is
    /// created or changed, even when a file turns out to be malformed); `history` also reads the
    /// whole history, else only its digest. Commands that write call [`Context::writable`] afterwards.
    pub async fn open(s: &Settings, history: bool) -> Result<Self, Failure> {
        let read_only = true;
        let dialect = migra::dialect_of_url(&s.database)?;
        if !s.dir.is_dir() {
            return Err(Failure::usage(format!(
                "migration directory {} does not exist (use --dir, or `migra new NAME` to start one)",
                s.dir.display()
            )));
        }
        let load = load_options(s, dialect);
        let dir = s.dir.clone();
        let cache = cache_dir();
        let files = tokio::task::spawn_blocking(move || match cache {
            Some(c) => migra::exec::load_dir_cached(&dir, &load, &c),
            None => migra::exec::load_dir(&dir, &load),
        });
        // Connect and read history while the directory is read and parsed on another thread:
        // the first query makes SQLite load the whole schema, which dominates on big databases.
        let opts = migra::ConnectOptions {
            table: s.table.clone(),
            read_only,
            ..Default::default()
        };
        let (backend, files) = tokio::join!(
            async {
                let mut b = migra::connect(&s.database, &opts).await?;
                let (h, digest) = if history {
                    (b.read_history().await?, None)
                } else {
                    // Also warms the connection (SQLite loads its schema on the first read); a
                    // failure surfaces when the executor reads.
                    let digest = b.read_digest().await.ok().flatten();
                    if digest.is_none() {
                        let _ = b.read_fingerprints().await;
                    }
                    (Vec::new(), digest)
                };
                Ok::<_, migra::BackendError>((b, h, digest))
            },
            files
        );
        let migrations = files
            .map_err(|e| Failure::io(format!("reading the migration directory failed: {e}")))??;
        let (backend, history, digest) = backend?;
        Ok(Self {
            migrations,
            backend,
            lock_wait: Duration::from_secs(s.lock_timeout),
            history,
            digest,
        })
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
            ..Default::default()
        };
        self.backend = migra::connect(&s.database, &opts).await?;
        Ok(())
    }
}

/// Prints a failure: one JSON document, or `error: ...` on stderr.
pub fn print_failure(out: &Out, f: &Failure) {
    if out.json {
        let mut doc = match &f.report {
            Some(r) => serde_json::to_value(r).unwrap_or_default(),
            None => serde_json::json!({}),
        };
        if let Some(obj) = doc.as_object_mut() {
            obj.insert("success".into(), serde_json::Value::Bool(false));
            obj.insert("error".into(), serde_json::to_value(f).unwrap_or_default());
        }
        out.json(&doc);
        return;
    }
    if let Some(report) = &f.report {
        if report.steps_completed > 0 {
            eprintln!(
                "{} migration(s) completed before the failure.",
                report.steps_completed
            );
        }
        for e in &report.errors {
            if let Some(stmt) = &e.statement {
                eprintln!(
                    "failing statement ({}):\n    {}",
                    e.location.as_deref().unwrap_or("?"),
                    stmt.replace('\n', "\n    ")
                );
            }
        }
    }
    eprintln!("{} {}", out.paint("31;1", "error:"), f.message);
}
