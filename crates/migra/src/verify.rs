//! `verify`: a migration's round trip on a scratch database. Everything before it is applied, the
//! schema and every table's data are fingerprinted, then up, down, compare, and up again. What
//! differs is reported exactly; a pass is recorded in the real database's history so rollback
//! plans can say `tested: true` for that exact file.

use crate::connect::{ConnectOptions, connect};
use migra_core::schema::Database;
use migra_core::{Annotation, AnnotationKind, Backend, BackendError, Migration, TableFingerprint};
use migra_exec::{Executor, RollbackTarget, RunOptions};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The outcome of one migration's round trip.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifyReport {
    /// Version.
    pub version: String,
    /// Sort key of the version (where history records the result).
    #[serde(skip)]
    pub sort_key: String,
    /// Name.
    pub name: String,
    /// Checksum of the file that was verified.
    pub checksum: String,
    /// True when up, down and up again ran and the round trip restored schema and data.
    pub passed: bool,
    /// Each stage, in order, as far as it got.
    pub stages: Vec<Stage>,
    /// How the schema after up and down differs from before up (empty when it is the same).
    pub schema_differences: Vec<String>,
    /// Tables whose rows differ after up and down.
    pub data_differences: Vec<String>,
}

/// One stage of a round trip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stage {
    /// `apply earlier migrations`, `snapshot`, `up`, `down`, `compare`, `up again`.
    pub stage: String,
    /// True when it ran and succeeded.
    pub ok: bool,
    /// What failed, or what it found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// What a pass or failure records in history (annotation kind `verified`, keyed by checksum).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verified {
    /// True when the round trip passed.
    pub passed: bool,
    /// When it ran (RFC 3339, UTC).
    pub at: String,
    /// Differences found, one per line.
    pub differences: Vec<String>,
}

/// A schema and a fingerprint of every table's data.
pub(crate) struct Snapshot {
    schema: Database,
    data: BTreeMap<(String, String), (Vec<String>, TableFingerprint)>,
}

/// Reads the schema and fingerprints every table. With `like`, a table that `like` has is
/// fingerprinted over `like`'s columns in `like`'s order when it still has them all (a column
/// dropped and re-added comes back last, and its lost values must still show).
///
/// Errors: the backend cannot inspect, or a query fails.
pub(crate) async fn snapshot(
    b: &mut dyn Backend,
    like: Option<&Snapshot>,
) -> Result<Snapshot, BackendError> {
    let dialect = b.dialect();
    let Some(ins) = b.inspector() else {
        return Err(BackendError::Unsupported {
            dialect: dialect.name().into(),
            what: "inspecting the schema (needed to verify a round trip)".into(),
        });
    };
    let schema = ins.inspect(&[]).await?;
    let mut data = BTreeMap::new();
    for ns in &schema.namespaces {
        for t in &ns.tables {
            let mut cols: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
            let key = (ns.name.clone(), t.name.clone());
            if let Some((was, _)) = like.and_then(|l| l.data.get(&key))
                && was.len() == cols.len()
                && was.iter().all(|c| cols.contains(c))
            {
                cols = was.clone();
            }
            let f = ins.table_fingerprint(&ns.name, &t.name, &cols).await?;
            data.insert((ns.name.clone(), t.name.clone()), (cols, f));
        }
    }
    Ok(Snapshot { schema, data })
}

/// What differs between `before` and `after`: schema changes, then tables whose rows differ.
pub(crate) fn compare(
    dialect: migra_core::DialectId,
    before: &Snapshot,
    after: &Snapshot,
) -> (Vec<String>, Vec<String>) {
    let hooks = crate::dialect(dialect).diff_hooks();
    // What would still turn the schema after the round trip back into the one before it.
    let schema = match migra_diff::diff(
        &after.schema,
        &before.schema,
        &migra_diff::DiffOptions::new(hooks),
    ) {
        Ok(changes) => changes
            .iter()
            .map(|c| {
                format!(
                    "not restored by down, still needed: {}",
                    migra_core::describe(c)
                )
            })
            .collect(),
        Err(e) => vec![format!("the schemas cannot be compared: {e}")],
    };
    let mut data = Vec::new();
    for ((ns, table), (cols, f)) in &before.data {
        let name = if ns.is_empty() || dialect != migra_core::DialectId::Postgres {
            table.clone()
        } else {
            format!("{ns}.{table}")
        };
        match after.data.get(&(ns.clone(), table.clone())) {
            None => data.push(format!("table {name} ({} rows before) is gone", f.rows)),
            // A changed column list is a schema difference, reported above.
            Some((c2, _)) if c2 != cols => {}
            Some((_, g)) if g.rows != f.rows => data.push(format!(
                "table {name}: {} rows before, {} after",
                f.rows, g.rows
            )),
            Some((_, g)) if g.digest != f.digest => data.push(format!(
                "table {name}: same {} rows, but their values changed",
                f.rows
            )),
            Some(_) => {}
        }
    }
    (schema, data)
}

/// Records `report` in the history of the database at `url` (creating the history tables if
/// needed).
///
/// Errors: connecting or writing fails.
pub async fn record(
    url: &str,
    opts: &ConnectOptions,
    reports: &[VerifyReport],
) -> Result<(), BackendError> {
    let mut b = connect(url, opts).await?;
    b.ensure_history().await?;
    for r in reports {
        let v = Verified {
            passed: r.passed,
            at: migra_exec::now_rfc3339(),
            differences: r
                .schema_differences
                .iter()
                .chain(&r.data_differences)
                .cloned()
                .chain(
                    r.stages
                        .iter()
                        .filter(|s| !s.ok)
                        .filter_map(|s| s.detail.clone()),
                )
                .collect(),
        };
        b.put_annotation(&Annotation {
            kind: AnnotationKind::Verified,
            sort_key: r.sort_key.clone(),
            key: r.checksum.clone(),
            value: serde_json::to_string(&v).unwrap_or_default(),
            updated_at: v.at.clone(),
        })
        .await?;
    }
    Ok(())
}

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

/// Which migrations to verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    /// One version (everything before it is applied first).
    One(String),
    /// Every migration forward (a round trip each), then the whole directory back.
    All,
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifyRun {
    /// True when every round trip passed (and, for `--all`, the walk back reached the start).
    pub passed: bool,
    /// The scratch database's dialect.
    pub dialect: String,
    /// What data the round trip ran on: `a copy of the live database` (SQLite, when it stands
    /// just before the migration verified) or `the data the earlier migrations insert`.
    pub data: &'static str,
    /// One report per migration verified, in order.
    pub migrations: Vec<VerifyReport>,
    /// For `--all`: the walk from the newest migration back to the start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub walk_back: Option<WalkBack>,
}

/// The walk back of `verify --all`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WalkBack {
    /// True when every migration was rolled back.
    pub ok: bool,
    /// Migrations rolled back.
    pub rolled_back: usize,
    /// Why it stopped early.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
}

/// Verifies `which` of `migrations` on a scratch database made on the server of `url` (a
/// temporary SQLite file for SQLite), then removes it. Does not touch the database at `url`
/// (see [`record`] for writing the results there).
///
/// Errors: the scratch database cannot be made or reached; an unknown version. A failing round
/// trip is not an error: it is reported.
pub async fn verify(
    url: &str,
    migrations: &[Migration],
    which: &Which,
    opts: &ConnectOptions,
) -> Result<VerifyRun, crate::Error> {
    let idx = match which {
        Which::All => None,
        Which::One(v) => Some(
            migrations
                .iter()
                .position(|m| m.version.matches(v))
                .ok_or_else(|| migra_exec::ExecError::UnknownVersion {
                    version: v.clone(),
                    reason: "no migration in the directory has this version".into(),
                })?,
        ),
    };
    let scratch = crate::scratch::create(url).await?;
    let copied = match idx {
        Some(i) => copy_sqlite_at(url, &scratch.url, migrations, i, opts).await?,
        None => false,
    };
    let r = run_on_scratch(&scratch.url, migrations, idx.map(|i| (i, copied)), opts).await;
    let removed = scratch.remove().await;
    let run = r?;
    removed?;
    Ok(run)
}

/// For SQLite: when the live database has exactly the migrations before `migrations[i]` applied,
/// copies it (`VACUUM INTO`, a consistent snapshot) to the scratch file, so the round trip runs
/// on its real data. Returns whether it did.
///
/// Errors: the copy fails.
async fn copy_sqlite_at(
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

async fn run_on_scratch(
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
