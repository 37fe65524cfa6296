//! `migra verify [VERSION | --all]`: round trips on a scratch database.

use super::Context;
use crate::config::Settings;
use crate::fail::Failure;
use crate::output::{Out, say};
use migra::verify::{VerifyReport, VerifyRun, Which};

pub async fn run(s: &Settings, out: Out, which: &Which, record: bool) -> Result<(), Failure> {
    let ctx = Context::open(s, false).await?;
    drop(ctx.backend);
    let opts = migra::ConnectOptions {
        table: s.table.clone(),
        ..Default::default()
    };
    let run = migra::verify::verify(&s.database, &ctx.migrations, which, &opts).await?;
    if record {
        migra::verify::record(&s.database, &opts, &run.migrations)
            .await
            .map_err(|e| Failure::from(e).context("recording the results in history"))?;
    }
    if out.json {
        out.json(&run);
    } else {
        render(&out, &run);
    }
    let failed = run.migrations.iter().filter(|r| !r.passed).count();
    if run.passed {
        Ok(())
    } else {
        Err(Failure::verify_failed(failed.max(1)))
    }
}

fn render(out: &Out, run: &VerifyRun) {
    for r in &run.migrations {
        render_one(out, r);
    }
    if let Some(w) = &run.walk_back {
        match &w.stopped {
            None => say!("Walk back: all {} migration(s) rolled back.", w.rolled_back),
            Some(why) => say!(
                "Walk back: {} after {} rollback(s): {why}",
                out.paint("31", "stopped"),
                w.rolled_back
            ),
        }
    }
    let verdict = if run.passed {
        out.paint("32", "passed")
    } else {
        out.paint("31", "FAILED")
    };
    say!("Verify {verdict} on a scratch {} database.", run.dialect);
}

fn render_one(out: &Out, r: &VerifyReport) {
    let mark = if r.passed {
        out.paint("32", "ok    ")
    } else {
        out.paint("31", "FAILED")
    };
    let stages: Vec<String> = r
        .stages
        .iter()
        .map(|s| {
            if s.ok {
                s.stage.clone()
            } else {
                format!("{} failed", s.stage)
            }
        })
        .collect();
    say!("{mark} {} {}  ({})", r.version, r.name, stages.join(" > "));
    for s in r.stages.iter().filter(|s| !s.ok) {
        if let Some(d) = &s.detail {
            say!("         {}: {d}", s.stage);
        }
    }
    for d in r.schema_differences.iter().chain(&r.data_differences) {
        say!("         {d}");
    }
}
