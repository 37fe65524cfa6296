//! `migra diff --from SRC --to DST`: the typed changes between two schemas and the statements
//! that carry them out, with the statements that go back.

use super::source::{Source, read, scratch_server, table_rows};
use crate::config::Settings;
use crate::fail::Failure;
use crate::output::Out;
use crate::output::{say, say_raw};
use migra::core::{Change, DialectId, Plan, describe};
use migra::diff::{DiffOptions, Renames};
use serde::Serialize;

/// What `--json` prints.
#[derive(Serialize)]
struct DiffReport<'a> {
    dialect: &'static str,
    changes: &'a [Change],
    up: &'a Plan,
    /// `None` when going back cannot be planned; `down_unsupported` says why.
    down: Option<&'a Plan>,
    up_script: String,
    down_script: Option<String>,
    down_unsupported: Option<String>,
}

pub(crate) fn script(plan: &Plan) -> String {
    plan.steps
        .iter()
        .map(|s| format!("{};\n", s.command))
        .collect()
}

/// Both schemas, the changes between them, and the plans both ways.
pub(crate) struct Computed {
    pub dialect: DialectId,
    /// Rows per table of the source, when asked for and the source is a live database.
    pub rows: std::collections::BTreeMap<(String, String), u64>,
    pub changes: Vec<Change>,
    pub up: Plan,
    /// Going back may be impossible (PostgreSQL cannot remove an enum value): that is reported,
    /// it does not stop the forward plan.
    pub down: Result<Plan, migra::core::PlanError>,
}

/// Reads both sides, diffs them both ways (renames reversed for the way back) and plans;
/// `with_rows` also reads the source's table sizes (for `generate`'s estimate).
pub(crate) async fn compute(
    s: &Settings,
    from: &str,
    to: &str,
    dev_url: Option<&str>,
    rename: &[String],
    with_rows: bool,
) -> Result<Computed, Failure> {
    let (from, to) = (Source::parse(from)?, Source::parse(to)?);
    let (from_server, to_server) = (scratch_server(dev_url, &to), scratch_server(dev_url, &from));
    // Both sides (and the source's table sizes) at once: that time is mostly the servers' work.
    let ((d1, a), (d2, b), rows) = tokio::try_join!(
        read(s, &from, &from_server),
        read(s, &to, &to_server),
        async {
            if with_rows {
                table_rows(s, &from).await
            } else {
                Ok(Default::default())
            }
        }
    )?;
    if d1 != d2 {
        return Err(Failure::usage(format!(
            "--from is {} and --to is {}: both sides must be the same dialect",
            d1.name(),
            d2.name()
        )));
    }
    let dialect = migra::dialect(d1);
    let default_ns = if d1 == DialectId::Postgres {
        "public"
    } else {
        ""
    };
    let mut renames = Renames::default();
    // Hints written in target DDL (`-- migra:renamed-from old`) count like --rename.
    let written = match &to {
        Source::Sql { text, .. } => super::hints::renamed_from(text),
        _ => Vec::new(),
    };
    for r in rename.iter().chain(&written) {
        renames.add_hint(default_ns, r)?;
    }
    let back_renames = renames.inverse();
    let hooks = dialect.diff_hooks();
    let forward = DiffOptions {
        hooks,
        renames: Some(&renames),
    };
    let changes = migra::diff::diff(&a, &b, &forward)?;
    let back = migra::diff::diff(
        &b,
        &a,
        &DiffOptions {
            hooks,
            renames: Some(&back_renames),
        },
    )?;
    let planner = dialect.planner().ok_or_else(|| {
        Failure::from(migra::BackendError::Unsupported {
            dialect: d1.name().into(),
            what: "turning changes into statements is not written yet".into(),
        })
    })?;
    let up = planner.plan(&a, &changes)?;
    let down = planner.plan(&b, &back);
    Ok(Computed {
        dialect: d1,
        rows,
        changes,
        up,
        down,
    })
}

pub async fn run(
    s: &Settings,
    out: Out,
    from: &str,
    to: &str,
    dev_url: Option<&str>,
    rename: &[String],
) -> Result<(), Failure> {
    let Computed {
        dialect: d1,
        changes,
        up,
        down,
        ..
    } = compute(s, from, to, dev_url, rename, false).await?;
    if out.json {
        out.json(&DiffReport {
            dialect: d1.name(),
            changes: &changes,
            up_script: script(&up),
            down_script: down.as_ref().ok().map(script),
            down_unsupported: down.as_ref().err().map(|e| e.to_string()),
            up: &up,
            down: down.as_ref().ok(),
        });
        return Ok(());
    }
    if changes.is_empty() {
        say!("No differences.");
        return Ok(());
    }
    say!("-- {} change(s):", changes.len());
    for c in &changes {
        say!("--   {}", describe(c));
    }
    for step in &up.steps {
        for h in &step.hazards {
            say!("-- {}: {}", h.kind.label(), h.message);
        }
        say!("{};", step.command);
    }
    if let Err(e) = &down {
        say!("-- going back cannot be planned: {e}");
    }
    Ok(())
}

/// What `--to-dialect --json` prints.
#[derive(Serialize)]
struct Converted<'a> {
    dialect: &'static str,
    changes: &'a [Change],
    up_script: String,
    not_carried_over: &'a [String],
}

/// `migra diff --from SRC --to-dialect D`: the source schema as DDL for another dialect.
pub async fn to_dialect(
    s: &Settings,
    out: Out,
    from: &str,
    dialect: &str,
    dev_url: Option<&str>,
) -> Result<(), Failure> {
    let target = DialectId::from_scheme(dialect)
        .filter(|d| *d != DialectId::Mongodb)
        .ok_or_else(|| {
            Failure::usage(format!(
                "--to-dialect {dialect}: expected postgres, mysql or sqlite"
            ))
        })?;
    let from = Source::parse(from)?;
    let server = scratch_server(dev_url, &from);
    let (source_dialect, db) = read(s, &from, &server).await?;
    let (converted, lost) = migra::dialects::convert::convert(&db, source_dialect, target);
    // Created into an empty database of the target, which has the same (empty) namespaces.
    let empty = converted.emptied();
    let hooks = migra::dialect(target).diff_hooks();
    let changes = migra::diff::diff(&empty, &converted, &DiffOptions::new(hooks))?;
    let planner = migra::dialect(target).planner().ok_or_else(|| {
        Failure::from(migra::BackendError::Unsupported {
            dialect: target.name().into(),
            what: "turning changes into statements".into(),
        })
    })?;
    let up = planner.plan(&empty, &changes)?;
    if out.json {
        out.json(&Converted {
            dialect: target.name(),
            changes: &changes,
            up_script: script(&up),
            not_carried_over: &lost,
        });
        return Ok(());
    }
    say!(
        "-- The schema of {} for {} ({} change(s)).",
        source_dialect.name(),
        target.name(),
        changes.len()
    );
    for l in &lost {
        say!("-- not carried over as is: {l}");
    }
    say_raw!("{}", script(&up));
    Ok(())
}
