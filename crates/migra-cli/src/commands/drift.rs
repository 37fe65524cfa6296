//! `migra drift`: the live schema against the schema its applied migrations produce, replayed
//! on a scratch database. Differences are changes someone made outside migra (or migrations
//! edited after they ran).

use super::source::{read_live, replay};
use crate::config::Settings;
use crate::fail::Failure;
use crate::output::{Out, say};
use migra::core::describe;
use migra::core::{Change, RevisionStatus};
use migra::diff::DiffOptions;
use serde::Serialize;

/// What `--json` prints.
#[derive(Serialize)]
struct DriftReport<'a> {
    /// True when the live schema differs from the replayed one.
    drift: bool,
    /// The version the replay stopped at (the newest applied), if any.
    replayed_to: Option<&'a str>,
    /// Changes that turn the replayed schema into the live one.
    changes: &'a [Change],
}

/// The changes that turn the schema the applied migrations produce into the live one, and the
/// version the replay stopped at.
///
/// Errors: a half-applied migration (resolve it first), a replay failure, connection failures.
pub(crate) async fn compute(
    s: &Settings,
    dev_url: Option<&str>,
) -> Result<(Option<String>, Vec<Change>), Failure> {
    let opts = migra::ConnectOptions {
        table: s.table.clone(),
        read_only: true,
        ..Default::default()
    };
    let history = migra::connect(&s.database, &opts)
        .await?
        .read_history()
        .await?;
    if let Some(r) = history.iter().find(|r| {
        matches!(
            r.status,
            RevisionStatus::Failed | RevisionStatus::Partial | RevisionStatus::RollbackPartial
        )
    }) {
        let fix = if r.status == RevisionStatus::RollbackPartial {
            "migra rollback"
        } else {
            "migra apply"
        };
        return Err(Failure::usage(format!(
            "version {} is half applied ({}): resolve it ({fix}, or migra repair) before checking drift",
            r.version,
            r.status.as_str()
        )));
    }
    let newest = history
        .iter()
        .filter(|r| r.status == RevisionStatus::Applied)
        .max_by(|a, b| a.sort_key.cmp(&b.sort_key))
        .map(|r| r.version.clone());
    let server = dev_url.unwrap_or(&s.database).to_string();
    let ((dialect, expected), (_, live)) = match &newest {
        Some(version) => tokio::try_join!(
            replay(s, &s.dir, &server, Some(version)),
            read_live(s, &s.database)
        )?,
        None => {
            let live = read_live(s, &s.database).await?;
            ((live.0, live.1.emptied()), live)
        }
    };
    let hooks = migra::dialect(dialect).diff_hooks();
    let changes = migra::diff::diff(&expected, &live, &DiffOptions::new(hooks))?;
    Ok((newest, changes))
}

pub async fn run(s: &Settings, out: Out, dev_url: Option<&str>) -> Result<(), Failure> {
    let (newest, changes) = compute(s, dev_url).await?;
    if out.json {
        out.json(&DriftReport {
            drift: !changes.is_empty(),
            replayed_to: newest.as_deref(),
            changes: &changes,
        });
    } else if changes.is_empty() {
        say!(
            "No drift: the schema matches its applied migrations{}.",
            newest
                .as_deref()
                .map(|v| format!(" (up to {v})"))
                .unwrap_or_default()
        );
    } else {
        say!(
            "Drift: the live schema differs from what the applied migrations produce ({} change(s) made outside migra):",
            changes.len()
        );
        for c in &changes {
            say!("  {}", describe(c));
        }
    }
    if changes.is_empty() {
        Ok(())
    } else {
        Err(Failure::drift_found(changes.len()))
    }
}
