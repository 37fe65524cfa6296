//! `migra repair VERSION --mark-applied | --mark-rolled-back | --mark-progress N [--reason TEXT]`.

use super::Context;
use crate::config::Settings;
use crate::fail::Failure;
use crate::output::Out;
use crate::output::say;
use migra::Executor;
use migra::exec::RepairMark;

pub async fn run(
    s: &Settings,
    out: Out,
    version: &str,
    mark: RepairMark,
    reason: Option<&str>,
) -> Result<(), Failure> {
    let mut ctx = Context::open(s, false).await?;
    // The checksum recorded must be the file's own, whatever the directory cache says.
    ctx.reload_files(s)?;
    ctx.writable(s).await?;
    let wait = ctx.lock_wait;
    let rev = Executor::new(ctx.backend.as_mut(), &ctx.migrations)
        .repair(version, mark, reason, wait)
        .await?;
    if out.json {
        out.json(&serde_json::json!({
            "version": rev.version,
            "name": rev.name,
            "status": rev.status,
            "applied_statements": rev.applied_statements,
            "reason": reason,
        }));
    } else {
        let what = mark.describe(rev.total_statements);
        let next = match mark {
            RepairMark::Progress(n) => {
                format!("; `migra apply` resumes it at statement {}", n + 1)
            }
            _ => String::new(),
        };
        say!(
            "Recorded {} ({}) as {what}{next}; the repair is in the history log.",
            rev.version,
            rev.name
        );
    }
    Ok(())
}
