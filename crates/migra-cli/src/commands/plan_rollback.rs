//! `migra plan-rollback [VERSION]`: the seed's `RollbackPlan`, as JSON or for people.

use super::Context;
use super::source::{Source, table_rows};
use crate::config::Settings;
use crate::fail::Failure;
use crate::output::{Out, say};
use migra::core::{AnnotationKind, RevisionStatus};
use migra::rollback_plan::{RollbackPlan, plan_rollback};
use migra::validate::Target;

pub async fn run(s: &Settings, out: Out, version: Option<&str>) -> Result<(), Failure> {
    let mut ctx = Context::open(s, true).await?;
    let index = match version {
        Some(v) => ctx
            .migrations
            .iter()
            .position(|m| m.version.matches(v))
            .ok_or_else(|| {
                Failure::usage(format!("no migration in the directory has version {v}"))
            })?,
        None => {
            let newest = ctx
                .history
                .iter()
                .filter(|r| r.status == RevisionStatus::Applied)
                .map(|r| r.sort_key.as_str())
                .max()
                .ok_or_else(|| {
                    Failure::usage("nothing is applied: name the VERSION to plan a rollback for")
                })?;
            ctx.migrations
                .iter()
                .position(|m| m.version.sort_key() == newest)
                .ok_or_else(|| {
                    Failure::usage(format!(
                        "the newest applied version ({newest}) has no file in the directory"
                    ))
                })?
        }
    };
    let dialect = ctx.backend.dialect();
    let verified = ctx
        .backend
        .read_annotations(AnnotationKind::Verified)
        .await?;
    let backups = ctx.backend.read_annotations(AnnotationKind::Backup).await?;
    drop(ctx.backend);
    let rows = table_rows(s, &Source::Live(s.database.clone())).await?;
    let mut target = Target::new(dialect);
    target.mariadb = s.database.starts_with("mariadb:");
    let plan = plan_rollback(&ctx.migrations, index, target, &rows, &verified, &backups);
    if out.json {
        out.json(&plan);
    } else {
        say!("{}", render(&plan));
    }
    Ok(())
}

/// The plan for people.
pub fn render(p: &RollbackPlan) -> String {
    let source = if p.source == "down_part" {
        "from its down part"
    } else {
        "generated as the inverse of its changes: it has no down part"
    };
    let tested = if p.tested {
        "yes (verify passed on this exact file)".to_string()
    } else {
        format!("no (run `migra verify {}`)", p.version)
    };
    let mut out = vec![
        format!("Rollback plan for {} {} ({source})", p.version, p.name),
        format!("Tested: {tested}"),
        format!("Estimated duration: {:.1} s", p.estimated_duration),
        String::new(),
    ];
    if p.steps.is_empty() {
        out.push("No steps.".into());
    }
    for st in &p.steps {
        out.push(format!("{}. {}", st.order, st.description));
        for (i, line) in st.sql.lines().enumerate() {
            let label = if i == 0 { "   SQL:    " } else { "           " };
            out.push(format!("{label}{line}"));
        }
        match &st.verification {
            Some(q) => out.push(format!("   Verify: {q}")),
            None => out.push("   Verify: (the catalog cannot tell; check by hand)".into()),
        }
    }
    for u in &p.unplanned {
        out.push(format!("Cannot plan: {u}"));
    }
    if !p.data_recovery.is_empty() {
        out.push(String::new());
        out.push("Data recovery:".into());
        for d in &p.data_recovery {
            let mark = if d.recoverable {
                "recoverable"
            } else {
                "NOT recoverable"
            };
            out.push(format!(
                "  - {} lost by the {} ({mark}): {}",
                d.object, d.lost_by, d.how
            ));
        }
    }
    out.join("\n")
}
