//! `migra repair VERSION --mark-applied | --mark-rolled-back [--reason TEXT]`.

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
            "reason": reason,
        }));
    } else {
        let what = if mark == RepairMark::Applied {
            "applied"
        } else {
            "rolled back"
        };
        say!(
            "Recorded {} ({}) as {what}; the repair is in the history log.",
            rev.version,
            rev.name
        );
    }
    Ok(())
}
