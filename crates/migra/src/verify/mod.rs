//! `verify`: a migration's round trip on a scratch database. Everything before it is applied, the
//! schema and every table's data are fingerprinted, then up, down, compare, and up again. What
//! differs is reported exactly; a pass is recorded in the real database's history so rollback
//! plans can say `tested: true` for that exact file.

mod snapshot;
mod trip;

use crate::connect::{ConnectOptions, connect};
use migra_core::{Annotation, AnnotationKind, BackendError, Migration};
use serde::{Deserialize, Serialize};

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
        Some(i) => trip::copy_sqlite_at(url, &scratch.url, migrations, i, opts).await?,
        None => false,
    };
    let r = trip::run_on_scratch(&scratch.url, migrations, idx.map(|i| (i, copied)), opts).await;
    let removed = scratch.remove().await;
    let run = r?;
    removed?;
    Ok(run)
}
