//! The round trip itself: on a scratch database, apply what comes before, snapshot, up, down,
//! compare, up again; and the walks of `--all`.

use super::snapshot::{compare, snapshot};
use super::{Stage, VerifyReport, VerifyRun, WalkBack};
use crate::connect::{ConnectOptions, connect};
use migra_core::{Backend, BackendError, Migration};
use migra_exec::{Executor, RollbackTarget, RunOptions};

/// Runs `m`'s round trip on `b`, where every migration before it is applied.
pub(crate) async fn round_trip(
    b: &mut dyn Backend,
    migrations: &[Migration],
    m: &Migration,
) -> VerifyReport {
    let mut r = VerifyReport {
        version: m.version.to_string(),
        sort_key: m.version.sort_key().to_string(),
        name: m.name.clone(),
        checksum: m.checksum.hex.clone(),
        passed: false,
        stages: Vec::new(),
        schema_differences: Vec::new(),
        data_differences: Vec::new(),
    };
    let before = match snapshot(b, None).await {
        Ok(s) => s,
        Err(e) => return r.failed("snapshot", e.to_string()),
    };
    r.ok("snapshot");
    let v = m.version.to_string();
    if let Err(e) = Executor::new(b, migrations)
        .apply(Some(&v), &mut RunOptions::default())
        .await
    {
        return r.failed("up", e.to_string());
    }
    r.ok("up");
    if let Some(reason) = &m.irreversible_reason {
        return r.failed("down", format!("not reversible: {reason}"));
    }
    let mut exec = Executor::new(b, migrations);
    if let Err(e) = exec
        .rollback(&RollbackTarget::Steps(1), &mut RunOptions::default())
        .await
    {
        return r.failed("down", e.to_string());
    }
    r.ok("down");
    let after = match snapshot(b, Some(&before)).await {
        Ok(s) => s,
        Err(e) => return r.failed("compare", e.to_string()),
    };
    let (schema, data) = compare(b.dialect(), &before, &after);
    let same = schema.is_empty() && data.is_empty();
    r.stages.push(Stage {
        stage: "compare".into(),
        ok: same,
        detail: (!same).then(|| {
            format!(
                "{} schema and {} data difference(s)",
                schema.len(),
                data.len()
            )
        }),
    });
    r.schema_differences = schema;
    r.data_differences = data;
    if let Err(e) = Executor::new(b, migrations)
        .apply(Some(&v), &mut RunOptions::default())
        .await
    {
        return r.failed("up again", e.to_string());
    }
    r.ok("up again");
    r.passed = same;
    r
}

impl VerifyReport {
    fn ok(&mut self, stage: &str) {
        self.stages.push(Stage {
            stage: stage.into(),
            ok: true,
            detail: None,
        });
    }

    fn failed(mut self, stage: &str, detail: String) -> Self {
        self.stages.push(Stage {
            stage: stage.into(),
            ok: false,
            detail: Some(detail),
        });
        self.passed = false;
        self
    }
}

/// For SQLite: when the live database has exactly the migrations before `migrations[i]` applied,
/// copies it (`VACUUM INTO`, a consistent snapshot) to the scratch file, so the round trip runs
/// on its real data. Returns whether it did.
///
/// Errors: the copy fails.
pub(super) async fn copy_sqlite_at(
    url: &str,
    scratch_url: &str,
    migrations: &[Migration],
    i: usize,
    opts: &ConnectOptions,
) -> Result<bool, BackendError> {
    let (Some(path), migra_core::DialectId::Sqlite) = (
        scratch_url.strip_prefix("sqlite://"),
        crate::dialect_of_url(url)?,
    ) else {
        return Ok(false);
    };
    let read_only = ConnectOptions {
        read_only: true,
        ..opts.clone()
    };
    // A live file that is missing or unreadable: verify on an empty scratch instead.
    let Ok(mut live) = connect(url, &read_only).await else {
        return Ok(false);
    };
    let history = live.read_history().await?;
    let applied: Vec<&str> = history
        .iter()
        .filter(|r| r.status == migra_core::RevisionStatus::Applied)
        .map(|r| r.sort_key.as_str())
        .collect();
    let before: Vec<&str> = migrations[..i]
        .iter()
        .map(|m| m.version.sort_key())
        .collect();
    if history.is_empty() || applied.len() != history.len() || applied != before {
        return Ok(false);
    }
    live.execute(&format!("VACUUM INTO '{}'", path.replace('\'', "''")))
        .await?;
    Ok(true)
}

pub(super) async fn run_on_scratch(
    url: &str,
    migrations: &[Migration],
    idx: Option<(usize, bool)>,
    opts: &ConnectOptions,
) -> Result<VerifyRun, crate::Error> {
    let mut b = connect(url, opts).await?;
    let mut run = VerifyRun {
        passed: false,
        dialect: b.dialect().name().into(),
        data: if idx.is_some_and(|(_, copied)| copied) {
            "a copy of the live database"
        } else {
            "the data the earlier migrations insert"
        },
        migrations: Vec::new(),
        walk_back: None,
    };
    match idx {
        Some((i, copied)) => {
            if i > 0 && !copied {
                let before = migrations[i - 1].version.to_string();
                Executor::new(b.as_mut(), migrations)
                    .apply(Some(&before), &mut RunOptions::default())
                    .await?;
            }
            run.migrations
                .push(round_trip(b.as_mut(), migrations, &migrations[i]).await);
        }
        None => {
            for m in migrations {
                let r = round_trip(b.as_mut(), migrations, m).await;
                let applied = r.stages.last().is_some_and(|s| s.ok)
                    || r.stages.iter().any(|s| {
                        s.stage == "down"
                            && !s.ok
                            && s.detail
                                .as_deref()
                                .is_some_and(|d| d.starts_with("not reversible"))
                    });
                run.migrations.push(r);
                if !applied {
                    break;
                }
            }
            run.walk_back = Some(walk_back(b.as_mut(), migrations).await);
        }
    }
    run.passed = run.migrations.iter().all(|r| r.passed)
        && run.migrations.len() == idx.map_or(migrations.len(), |_| 1)
        && run.walk_back.as_ref().is_none_or(|w| w.ok);
    Ok(run)
}

/// Rolls back every applied migration, newest first, one at a time.
async fn walk_back(b: &mut dyn Backend, migrations: &[Migration]) -> WalkBack {
    let mut w = WalkBack {
        ok: true,
        rolled_back: 0,
        stopped: None,
    };
    loop {
        let mut exec = Executor::new(b, migrations);
        match exec
            .rollback(&RollbackTarget::Steps(1), &mut RunOptions::default())
            .await
        {
            Ok(r) if r.steps_completed == 0 => return w,
            Ok(_) => w.rolled_back += 1,
            Err(e) => {
                w.ok = false;
                w.stopped = Some(e.to_string());
                return w;
            }
        }
    }
}
