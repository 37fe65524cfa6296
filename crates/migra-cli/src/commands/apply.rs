//! `migra apply` and `migra rollback` (and their dry runs).

use super::Context;
use crate::config::Settings;
use crate::fail::Failure;
use crate::output::Out;
use migra::exec::{Direction, Event, ExecutionResult};
use migra::{Executor, RollbackTarget, RunOptions};

pub async fn apply(
    s: &Settings,
    out: Out,
    dry_run: bool,
    to: Option<&str>,
    allow_drift: bool,
) -> Result<(), Failure> {
    let mut ctx = Context::open(s, false).await?;
    if !dry_run {
        ctx.writable(s).await?;
    }
    let mut progress = |e: &Event<'_>| report_progress(&out, e);
    let mut opts = RunOptions {
        dry_run,
        allow_drift,
        lock_wait: ctx.lock_wait,
        on_event: None,
    };
    if !out.json {
        opts.on_event = Some(&mut progress);
    }
    let result = Executor::new(ctx.backend.as_mut(), &ctx.migrations)
        .apply(to, &mut opts)
        .await?;
    finish(&out, &result);
    Ok(())
}

pub async fn rollback(
    s: &Settings,
    out: Out,
    target: &RollbackTarget,
    dry_run: bool,
    allow_drift: bool,
) -> Result<(), Failure> {
    let mut ctx = Context::open(s, false).await?;
    if !dry_run {
        ctx.writable(s).await?;
    }
    let mut progress = |e: &Event<'_>| report_progress(&out, e);
    let mut opts = RunOptions {
        dry_run,
        allow_drift,
        lock_wait: ctx.lock_wait,
        on_event: None,
    };
    if !out.json {
        opts.on_event = Some(&mut progress);
    }
    let result = Executor::new(ctx.backend.as_mut(), &ctx.migrations)
        .rollback(target, &mut opts)
        .await?;
    finish(&out, &result);
    Ok(())
}

fn report_progress(out: &Out, e: &Event<'_>) {
    match e {
        Event::Started {
            version,
            name,
            direction,
        } => {
            let verb = if *direction == Direction::Up {
                "Applying"
            } else {
                "Rolling back"
            };
            print!("{verb} {version} {name} ... ");
        }
        Event::Finished { duration_ms, .. } => {
            println!("{} ({duration_ms} ms)", out.paint("32", "ok"))
        }
        Event::Failed { .. } => println!("{}", out.paint("31", "FAILED")),
        _ => {}
    }
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
        println!("-- dry run: nothing was changed; these statements would run, in order");
        if r.migrations.is_empty() {
            println!("-- nothing to {noun}");
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
            println!("\n-- {} {} ({dir}, {tx})", m.version, m.name);
            for s in &m.statements {
                println!("{s};");
            }
        }
        return;
    }
    if r.steps_completed == 0 && r.direction == Direction::Up {
        println!("Nothing to apply: the database is up to date.");
    } else if r.steps_completed == 0 {
        println!("Nothing to roll back.");
    } else {
        let verb = if r.direction == Direction::Up {
            "Applied"
        } else {
            "Rolled back"
        };
        println!(
            "{verb} {} migration(s) in {:.3} s.",
            r.steps_completed, r.duration_seconds
        );
    }
}
