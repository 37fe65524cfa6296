//! `migra plan` and `migra status`: read-only views of history against the directory.

use super::Context;
use crate::config::Settings;
use crate::fail::Failure;
use crate::output::{Out, table};
use migra::exec::{Drift, PlanReport, StatusReport, compare};

pub async fn plan(s: &Settings, out: Out) -> Result<(), Failure> {
    let ctx = Context::open(s, true).await?;
    let report = compare(&ctx.migrations, &ctx.history);
    if out.json {
        out.json(&report);
        return Ok(());
    }
    println!("Database:  {}", ctx.backend.target());
    println!(
        "Directory: {} ({} migrations)",
        s.dir.display(),
        ctx.migrations.len()
    );
    print_applied(&report);
    print_pending(&report, &out);
    print_drift(&report.drift, &out);
    Ok(())
}

pub async fn status(s: &Settings, out: Out) -> Result<(), Failure> {
    let ctx = Context::open(s, true).await?;
    let report = StatusReport::from(compare(&ctx.migrations, &ctx.history));
    if out.json {
        out.json(&report);
        return Ok(());
    }
    println!("Database:        {}", ctx.backend.target());
    println!(
        "Current version: {}",
        report.current_version.as_deref().unwrap_or("(none)")
    );
    println!("Applied:         {}", report.applied);
    println!("Pending:         {}", report.pending);
    for f in &report.failed {
        let msg = format!(
            "{} {} last run {}: {}",
            f.version,
            f.name,
            f.state,
            f.last_error.as_deref().unwrap_or("?")
        );
        println!("{}", out.paint("31", &msg));
    }
    print_drift(&report.drift, &out);
    Ok(())
}

fn print_applied(r: &PlanReport) {
    println!("\nApplied ({}):", r.applied.len());
    if r.applied.is_empty() {
        println!("  (none)");
        return;
    }
    let rows: Vec<Vec<String>> = r
        .applied
        .iter()
        .map(|a| vec![a.version.clone(), a.name.clone(), a.applied_at.clone()])
        .collect();
    println!("{}", table(&["VERSION", "NAME", "APPLIED AT"], &rows));
}

fn print_pending(r: &PlanReport, out: &Out) {
    println!("\nPending ({}):", r.pending.len());
    if r.pending.is_empty() {
        println!("  (none)");
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
    println!(
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
        println!(
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
        println!("\nDrift: none");
        return;
    }
    println!(
        "\n{}",
        out.paint(
            "33;1",
            &format!(
                "Drift ({}): apply refuses until this is resolved (or --allow-drift)",
                drift.len()
            )
        )
    );
    println!("{}", out.paint("33", &Drift::describe_all(drift)));
}
