//! `migra plan` and `migra status`: read-only views of history against the directory.

use super::{Context, Opened};
use crate::config::Settings;
use crate::fail::Failure;
use crate::output::say;
use crate::output::{Out, table};
use migra::exec::{Drift, PlanReport, StatusReport, compare};

pub async fn plan(
    s: &Settings,
    out: Out,
    check_schema: bool,
    dev_url: Option<&str>,
) -> Result<(), Failure> {
    let ctx = Context::open(s, true).await?;
    let report = compare(&ctx.migrations, &ctx.history);
    let schema_drift = if check_schema {
        Some(super::drift::compute(s, dev_url).await?.1)
    } else {
        None
    };
    if out.json {
        match &schema_drift {
            None => out.json(&report),
            Some(changes) => {
                let mut doc = serde_json::to_value(&report).unwrap_or_default();
                if let Some(obj) = doc.as_object_mut() {
                    obj.insert(
                        "schema_drift".into(),
                        serde_json::to_value(changes).unwrap_or_default(),
                    );
                }
                out.json(&doc);
            }
        }
        return Ok(());
    }
    say!("Database:  {}", ctx.backend.target());
    say!(
        "Directory: {} ({} migrations)",
        s.dir.display(),
        ctx.migrations.len()
    );
    print_applied(&report);
    print_pending(&report, &out);
    print_drift(&report.drift, &out);
    match &schema_drift {
        Some(changes) if changes.is_empty() => {
            say!("\nSchema: matches what the applied migrations produce.")
        }
        Some(changes) => {
            say!(
                "\nSchema drift: {} change(s) made outside migra:",
                changes.len()
            );
            for c in changes {
                say!("  {}", migra::core::describe(c));
            }
        }
        None => {}
    }
    Ok(())
}

pub async fn status(s: &Settings, out: Out) -> Result<(), Failure> {
    let mut ctx = match Context::open_or_up_to_date(s, true).await? {
        Opened::UpToDate { target, summary } => {
            let report = StatusReport::up_to_date(summary.migrations, summary.last_version);
            return print_status(&report, &target, out);
        }
        Opened::Loaded(ctx) => ctx,
    };
    // Everything applied and unchanged (the usual case) needs no revision: the digest says so.
    let quick = ctx
        .digest
        .as_ref()
        .and_then(|d| StatusReport::from_digest(&ctx.migrations, d));
    let mut report = match quick {
        Some(report) => report,
        None => {
            if !ctx.history_read {
                ctx.history = ctx.backend.read_history().await?;
            }
            StatusReport::from(compare(&ctx.migrations, &ctx.history))
        }
    };
    // Checkpoints are read only when something is in progress: the usual status stays one read.
    if ctx
        .history
        .iter()
        .any(|r| r.status == migra::core::RevisionStatus::Partial)
    {
        let checkpoints = ctx
            .backend
            .read_annotations(migra::core::AnnotationKind::Checkpoint)
            .await?;
        let now = migra::exec::now_rfc3339();
        report.running = migra::exec::running(&ctx.migrations, &ctx.history, &checkpoints, &now);
    }
    print_status(&report, &ctx.backend.target(), out)
}

/// Why a migration stopped, for the human status: its recorded error, and how far it got when
/// some of it is in effect (a run that was killed records no error).
fn stop_reason(f: &migra::exec::PendingItem) -> String {
    let down = f.state == migra::core::RevisionStatus::RollbackPartial.as_str();
    if let Some(e) = &f.last_error {
        return match f.progress {
            Some(p) if !down => format!(
                "{e} ({} of {} statements took effect; once the file is fixed, `migra apply` resumes at statement {})",
                p.ran,
                p.of,
                p.ran + 1
            ),
            Some(p) => format!(
                "{e} ({} of {} down statements ran; `migra rollback` resumes it)",
                p.ran, p.of
            ),
            None => e.clone(),
        };
    }
    match (down, f.progress) {
        (true, Some(p)) => format!(
            "interrupted after {} of {} down statements (`migra rollback` resumes it)",
            p.ran, p.of
        ),
        (_, Some(p)) => format!(
            "interrupted after {} of {} statements (`migra apply` resumes it)",
            p.ran, p.of
        ),
        _ => "no error recorded".to_string(),
    }
}

fn print_status(report: &StatusReport, target: &str, out: Out) -> Result<(), Failure> {
    if out.json {
        out.json(report);
        return Ok(());
    }
    say!("Database:        {target}");
    say!(
        "Current version: {}",
        report.current_version.as_deref().unwrap_or("(none)")
    );
    say!("Applied:         {}", report.applied);
    say!("Pending:         {}", report.pending);
    for f in &report.failed {
        let msg = format!(
            "{} {} last run {}: {}",
            f.version,
            f.name,
            f.state,
            stop_reason(f)
        );
        say!("{}", out.paint("31", &msg));
    }
    for r in &report.running {
        let mut line = format!(
            "Running:         {} {}: statement {} of {}, started {} by {}",
            r.version, r.name, r.statement, r.statements, r.started_at, r.runner
        );
        if let Some(b) = &r.batch {
            let eta = b
                .eta_seconds
                .map_or("unknown".to_string(), |s| format!("{s:.0} s"));
            line.push_str(&format!(
                "
                 batch {} of {}, {} of {} rows, {:.0} rows/s, ETA {eta}, last batch at {}",
                b.batch,
                b.batches,
                b.rows_done,
                b.rows_total,
                b.rows_per_second,
                b.last_progress_at
            ));
        }
        say!("{line}");
    }
    print_drift(&report.drift, &out);
    Ok(())
}

fn print_applied(r: &PlanReport) {
    say!("\nApplied ({}):", r.applied.len());
    if r.applied.is_empty() {
        say!("  (none)");
        return;
    }
    let rows: Vec<Vec<String>> = r
        .applied
        .iter()
        .map(|a| vec![a.version.clone(), a.name.clone(), a.applied_at.clone()])
        .collect();
    say!("{}", table(&["VERSION", "NAME", "APPLIED AT"], &rows));
}

fn print_pending(r: &PlanReport, out: &Out) {
    say!("\nPending ({}):", r.pending.len());
    if r.pending.is_empty() {
        say!("  (none)");
        return;
    }
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    let rows: Vec<Vec<String>> = r
        .pending
        .iter()
        .map(|p| {
            vec![
                p.version.clone(),
                p.name.clone(),
                p.statements.to_string(),
                yes_no(p.transaction),
                yes_no(p.reversible),
                p.state.clone(),
            ]
        })
        .collect();
    say!(
        "{}",
        table(
            &[
                "VERSION",
                "NAME",
                "STATEMENTS",
                "TRANSACTION",
                "REVERSIBLE",
                "STATE"
            ],
            &rows
        )
    );
    for p in r.pending.iter().filter(|p| p.last_error.is_some()) {
        say!(
            "{}",
            out.paint(
                "31",
                &format!(
                    "  {} last failed: {}",
                    p.version,
                    p.last_error.as_deref().unwrap_or("")
                )
            )
        );
    }
}

fn print_drift(drift: &[Drift], out: &Out) {
    if drift.is_empty() {
        say!("\nDrift: none");
        return;
    }
    say!(
        "\n{}",
        out.paint(
            "33;1",
            &format!(
                "Drift ({}): apply refuses until this is resolved (or --allow-drift)",
                drift.len()
            )
        )
    );
    say!("{}", out.paint("33", &Drift::describe_all(drift)));
}
