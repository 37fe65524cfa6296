//! The commands, and what they share: settings, loading the directory, opening the database.

mod apply;
mod backups;
mod context;
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
use crate::config::resolve;
use crate::fail::Failure;
use crate::output::Out;
pub(crate) use context::{Context, Opened};

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
            mark_progress,
            reason,
            ..
        } => {
            let mark = match (mark_applied, mark_progress) {
                (true, _) => migra::exec::RepairMark::Applied,
                (false, Some(n)) => migra::exec::RepairMark::Progress(n),
                (false, None) => migra::exec::RepairMark::RolledBack,
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
