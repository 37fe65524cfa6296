//! `migra apply` and `migra rollback` (and their dry runs).

use super::{Context, Opened};
use crate::config::Settings;
use crate::fail::Failure;
use crate::output::Out;
use crate::output::say;
use migra::exec::{Direction, Event, ExecutionResult};
use migra::{Executor, RollbackTarget, RunOptions};

/// What to run.
pub enum Action<'a> {
    /// `apply [--to VERSION] [--validate [--allow-unsafe REASON]]`: the second part is `Some` when
    /// validation gates the run (holding the override reason, if any).
    Apply(Option<&'a str>, Option<Option<&'a str>>),
    /// `rollback`.
    Rollback(&'a RollbackTarget),
}

/// How to run: `--dry-run`, `--allow-drift` and the pacing of batched statements.
pub struct Flags {
    pub dry_run: bool,
    pub allow_drift: bool,
    pub batch: migra::exec::BatchOptions,
    /// Back up tables and columns before statements drop them (`--backup`).
    pub backup: bool,
    /// Run the down part of a failed non-transactional migration.
    pub rollback_on_failure: bool,
}

pub async fn run(s: &Settings, out: Out, action: Action<'_>, flags: Flags) -> Result<(), Failure> {
    let Flags {
        dry_run,
        allow_drift,
        batch,
        backup,
        rollback_on_failure,
    } = flags;
    let quick = !dry_run && matches!(action, Action::Apply(None, _));
    let mut ctx = if quick {
        match Context::open_or_up_to_date(s, false).await? {
            Opened::UpToDate { .. } => {
                finish(&out, &ExecutionResult::up_to_date());
                return Ok(());
            }
            Opened::Loaded(ctx) => ctx,
        }
    } else {
        Context::open(s, false).await?
    };
    if !dry_run {
        if let Action::Apply(to, _) = action {
            // The startup fast path, on the read-only connection already warmed up: when nothing
            // is pending, no writable connection, lock or write is needed.
            if Executor::new(ctx.backend.as_mut(), &ctx.migrations)
                .up_to_date(to)
                .await?
            {
                finish(&out, &ExecutionResult::up_to_date());
                return Ok(());
            }
        }
        ctx.writable(s).await?;
    }
    // Something will run (or be shown): from the files, never from the directory cache.
    ctx.reload_files(s)?;
    let mut gate = match action {
        Action::Apply(_, Some(allow_unsafe)) => Some(super::gate::Gate {
            settings: s,
            out: &out,
            allow_unsafe,
            backup,
        }),
        _ => None,
    };
    let mut watch = super::progress::Progress::new(out);
    let mut progress = |e: &Event<'_>| watch.on(e);
    let mut opts = RunOptions {
        dry_run,
        allow_drift,
        lock_wait: ctx.lock_wait,
        on_event: Some(&mut progress),
        audit_note: None,
        gate: gate.as_mut().map(|g| g as &mut dyn migra::core::ApplyGate),
        batch,
        backups: Vec::new(),
        rollback_on_failure,
    };
    if backup && matches!(action, Action::Apply(..)) {
        let mut target = migra::validate::Target::new(ctx.backend.dialect());
        target.mariadb = s.database.starts_with("mariadb:");
        opts.backups = migra::backup::plan(&ctx.migrations, target, &s.table);
    }
    let mut exec = Executor::new(ctx.backend.as_mut(), &ctx.migrations);
    let result = match action {
        Action::Apply(to, _) => exec.apply(to, &mut opts).await?,
        Action::Rollback(target) => exec.rollback(target, &mut opts).await?,
    };
    finish(&out, &result);
    Ok(())
}

fn finish(out: &Out, r: &ExecutionResult) {
    if out.json {
        out.json(r);
        return;
    }
    let noun = if r.direction == Direction::Up {
        "apply"
    } else {
        "roll back"
    };
    if r.dry_run {
        say!("-- dry run: nothing was changed; these statements would run, in order");
        if r.migrations.is_empty() {
            say!("-- nothing to {noun}");
        }
        for m in &r.migrations {
            let tx = if m.transaction {
                "in one transaction"
            } else {
                "without a transaction"
            };
            let dir = if r.direction == Direction::Up {
                "up"
            } else {
                "down"
            };
            say!("\n-- {} {} ({dir}, {tx})", m.version, m.name);
            for s in &m.statements {
                say!("{s};");
            }
        }
        return;
    }
    if r.steps_completed == 0 && r.direction == Direction::Up {
        say!("Nothing to apply: the database is up to date.");
    } else if r.steps_completed == 0 {
        say!("Nothing to roll back.");
    } else {
        let verb = if r.direction == Direction::Up {
            "Applied"
        } else {
            "Rolled back"
        };
        say!(
            "{verb} {} migration(s) in {:.3} s.",
            r.steps_completed,
            r.duration_seconds
        );
    }
}
