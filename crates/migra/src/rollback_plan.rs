//! `plan_rollback`: the steps that undo one migration, each with a query that tells whether it
//! took effect, what data the migration destroyed and how (or whether) it comes back, a duration
//! estimate, and whether `verify` has tested this exact file.

use migra_core::schema::Database;
use migra_core::{Annotation, Change, Migration, describe};
use migra_validate::{Config, Schema, Target, Validator};
use serde::Serialize;
use std::collections::BTreeMap;

/// How to undo one migration (the seed's `RollbackPlan`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RollbackPlan {
    /// Version.
    pub version: String,
    /// Name.
    pub name: String,
    /// `down_part` (the file's own) or `generated` (the inverse of its changes, via the differ).
    pub source: &'static str,
    /// The whole rollback script.
    pub script: String,
    /// The steps, in order.
    pub steps: Vec<RollbackStep>,
    /// Data the migration destroyed, and whether the rollback brings it back.
    pub data_recovery: Vec<DataRecovery>,
    /// Estimated seconds to run the steps (from table sizes, when known).
    pub estimated_duration: f64,
    /// True when `migra verify` ran a round trip on this exact file (same checksum) and it passed.
    pub tested: bool,
    /// Why no plan could be made for some changes (generated plans only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unplanned: Vec<String>,
}

/// One step (the seed's `RollbackStep`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RollbackStep {
    /// 1-based position.
    pub order: usize,
    /// What it does.
    pub description: String,
    /// The statement(s).
    pub sql: String,
    /// A query returning true once the step took effect; `None` when the catalog cannot tell.
    pub verification: Option<String>,
}

/// Data a migration destroys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataRecovery {
    /// `table users` or `column users.email`.
    pub object: String,
    /// `migration` (its up part destroyed the data) or `rollback` (a rollback step drops it).
    pub lost_by: &'static str,
    /// True when the rollback puts the data back (from a backup); false when it only restores the
    /// structure.
    pub recoverable: bool,
    /// How, or what to do instead.
    pub how: String,
}

/// Plans the rollback of `migrations[index]` for `target`, reading the schema by replaying the
/// migrations before it. `rows` are table sizes for the estimate; `verified` and `backups` are
/// the history's annotations of those kinds.
pub fn plan_rollback(
    migrations: &[Migration],
    index: usize,
    target: Target,
    rows: &BTreeMap<(String, String), u64>,
    verified: &[Annotation],
    backups: &[Annotation],
) -> RollbackPlan {
    let dialect = target.dialect;
    let v = Validator::new(target, Config::default());
    let mut schema = Schema::default();
    for m in &migrations[..index] {
        v.replay(&mut schema, &m.up.statements);
    }
    let m = &migrations[index];
    let before = schema.database().clone();
    schema.begin_script();
    let mut up_changes = Vec::new();
    for s in &m.up.statements {
        up_changes.extend(v.replay_one(&mut schema, &s.sql).lowered.changes);
    }
    let d = crate::dialect(dialect);
    let (source, script, steps, down_changes, unplanned) = match &m.down {
        Some(down) => {
            schema.begin_script();
            let mut steps = Vec::new();
            let mut changes = Vec::new();
            for s in &down.statements {
                let a = v.replay_one(&mut schema, &s.sql);
                steps.push(step(steps.len() + 1, &s.sql, a.changes(), d));
                changes.extend(a.lowered.changes);
            }
            (
                "down_part",
                down.text.trim().to_string(),
                steps,
                changes,
                Vec::new(),
            )
        }
        None => {
            let (steps, changes, unplanned) = generated(schema.database(), &before, d);
            let script = steps
                .iter()
                .map(|s| format!("{};", s.sql))
                .collect::<Vec<_>>()
                .join("\n");
            ("generated", script, steps, changes, unplanned)
        }
    };
    let key = m.version.sort_key();
    let mut steps = steps;
    for a in backups.iter().filter(|a| a.sort_key == key) {
        let Ok(rec) = serde_json::from_str::<migra_core::BackupRecord>(&a.value) else {
            continue;
        };
        if rec.restore.is_empty() {
            continue;
        }
        steps.push(RollbackStep {
            order: steps.len() + 1,
            description: format!(
                "restore {} from backup table {}",
                rec.object, rec.backup_table
            ),
            sql: rec.restore.join(";\n"),
            verification: rec.verify.clone(),
        });
    }
    RollbackPlan {
        version: m.version.to_string(),
        name: m.name.clone(),
        source,
        script,
        steps,
        data_recovery: recovery(&up_changes, key, backups)
            .into_iter()
            .chain(dropped(&down_changes).into_iter().map(|object| {
                DataRecovery {
                    object,
                    lost_by: "rollback",
                    recoverable: false,
                    how:
                        "the rollback drops it: whatever was written to it since the migration ran \
                      is lost (copy it aside first if it matters)"
                            .into(),
                }
            }))
            .collect(),
        estimated_duration: migra_core::estimate(dialect, &down_changes, rows).seconds,
        tested: verified.iter().any(|a| {
            a.sort_key == key
                && a.key == m.checksum.hex
                && serde_json::from_str::<crate::verify::Verified>(&a.value).is_ok_and(|v| v.passed)
        }),
        unplanned,
    }
}

fn step(order: usize, sql: &str, changes: &[Change], d: &dyn migra_core::Dialect) -> RollbackStep {
    let description = if changes.is_empty() {
        let first = sql
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim();
        format!("run: {}", first.chars().take(70).collect::<String>())
    } else {
        changes.iter().map(describe).collect::<Vec<_>>().join("; ")
    };
    let checks: Option<Vec<String>> = changes
        .iter()
        .map(|c| {
            d.verification_query(c)
                .map(|q| q.trim_start_matches("SELECT ").to_string())
        })
        .collect();
    RollbackStep {
        order,
        description,
        sql: sql.trim().to_string(),
        verification: checks
            .filter(|c| !c.is_empty())
            .map(|c| format!("SELECT {}", c.join(" AND "))),
    }
}

/// The inverse of a migration without a down part: the changes from `after` back to `before`,
/// each planned on its own so every step keeps its own verification.
fn generated(
    after: &Database,
    before: &Database,
    d: &dyn migra_core::Dialect,
) -> (Vec<RollbackStep>, Vec<Change>, Vec<String>) {
    let mut unplanned = Vec::new();
    let changes =
        match migra_diff::diff(after, before, &migra_diff::DiffOptions::new(d.diff_hooks())) {
            Ok(c) => c,
            Err(e) => return (Vec::new(), Vec::new(), vec![e.to_string()]),
        };
    let Some(planner) = d.planner() else {
        let why = format!("no planner for {}: write a down part", d.id().name());
        return (Vec::new(), changes, vec![why]);
    };
    let mut at = after.clone();
    let mut steps = Vec::new();
    for c in &changes {
        match planner.plan(&at, std::slice::from_ref(c)) {
            Ok(plan) => {
                let sql: Vec<String> = plan.steps.iter().map(|s| s.command.clone()).collect();
                steps.push(step(
                    steps.len() + 1,
                    &sql.join(";\n"),
                    std::slice::from_ref(c),
                    d,
                ));
                let _ = migra_core::apply(&mut at, c);
            }
            Err(e) => unplanned.push(format!("{}: {e}", describe(c))),
        }
    }
    (steps, changes, unplanned)
}

/// Tables and columns that `changes` drop (`table t`, `column t.c`).
fn dropped(changes: &[Change]) -> Vec<String> {
    let mut out = Vec::new();
    for c in changes {
        match c {
            Change::DropTable { table, .. } => out.push(format!("table {}", table.name)),
            Change::ModifyTable { table, changes, .. } => {
                for tc in changes {
                    if let migra_core::TableChange::DropColumn { column } = tc {
                        out.push(format!("column {table}.{}", column.name));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// What the migration's own changes destroyed, and whether a backup brings it back.
fn recovery(up: &[Change], sort_key: &str, backups: &[Annotation]) -> Vec<DataRecovery> {
    let backup_of = |object: &str| {
        backups
            .iter()
            .filter(|a| a.sort_key == sort_key)
            .filter_map(|a| serde_json::from_str::<migra_core::BackupRecord>(&a.value).ok())
            .find(|r| r.object == object && !r.restore.is_empty())
            .map(|r| r.backup_table)
    };
    dropped(up)
        .into_iter()
        .map(|object| {
        let (recoverable, how) = match backup_of(&object) {
            Some(table) => (true, format!("restored from backup table {table}")),
            None => (
                false,
                "the rollback restores the structure only: the data is gone unless it was backed up \
                 (`migra apply --backup`) or is restored from a database backup"
                    .to_string(),
            ),
        };
            DataRecovery {
                object,
                lost_by: "migration",
                recoverable,
                how,
            }
        })
        .collect()
}
