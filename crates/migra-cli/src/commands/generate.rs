//! `migra generate --from SRC --to DST [--name NAME]`: the diff written as a native migration
//! file with both directions, and with `--json` the `GeneratedMigration` document.

use super::diff::{Computed, compute, script};
use super::new::{next_file, slug};
use crate::config::Settings;
use crate::fail::Failure;
use crate::output::{Out, say};
use migra::core::describe;
use migra::core::{Change, HazardKind, Plan, TableChange};
use serde::Serialize;
use std::collections::BTreeSet;

/// One change as the seed's `GeneratedMigration` lists it.
#[derive(Serialize)]
struct ChangeEntry {
    r#type: String,
    table: Option<String>,
    column: Option<String>,
    details: String,
    reversible: bool,
    /// `none`, `low` (values may not convert, or are recomputed) or `high` (data is deleted).
    data_loss_risk: &'static str,
}

/// The seed's `GeneratedMigration`, plus where the file went.
#[derive(Serialize)]
struct GeneratedMigration {
    name: String,
    version: String,
    path: String,
    up_script: String,
    down_script: Option<String>,
    down_unsupported: Option<String>,
    changes: Vec<ChangeEntry>,
    /// A rough duration from the source's table sizes (`"0.42 s"`); rows of a directory
    /// source are unknown and count as none.
    estimated_duration: String,
    /// The table work behind the estimate, largest first.
    estimated_work: Vec<String>,
    /// Tables and columns whose data the up script deletes.
    data_at_risk: Vec<String>,
}

fn qualified(ns: &str, name: &str) -> String {
    if ns.is_empty() {
        name.to_string()
    } else {
        format!("{ns}.{name}")
    }
}

/// Flattens table changes into one entry each, with their risk.
fn entries(changes: &[Change]) -> Vec<ChangeEntry> {
    let mut out = Vec::new();
    for c in changes {
        let value = serde_json::to_value(c).unwrap_or_default();
        let kind = value["type"].as_str().unwrap_or("").to_string();
        match c {
            Change::ModifyTable {
                namespace,
                table,
                changes,
            } => {
                for tc in changes {
                    let v = serde_json::to_value(tc).unwrap_or_default();
                    let (column, risk, reversible) = match tc {
                        TableChange::DropColumn { column } => {
                            (Some(column.name.clone()), "high", false)
                        }
                        TableChange::AddColumn { column } => {
                            (Some(column.name.clone()), "none", true)
                        }
                        TableChange::RenameColumn { to, .. } => (Some(to.clone()), "none", true),
                        TableChange::ModifyColumn { to, what, .. } => {
                            let converts = what.contains(&migra::core::ColumnAspect::Type)
                                || what.contains(&migra::core::ColumnAspect::Generated);
                            (
                                Some(to.name.clone()),
                                if converts { "low" } else { "none" },
                                true,
                            )
                        }
                        _ => (None, "none", true),
                    };
                    out.push(ChangeEntry {
                        r#type: v["type"].as_str().unwrap_or("").to_string(),
                        table: Some(qualified(namespace, table)),
                        column,
                        details: describe(&Change::ModifyTable {
                            namespace: namespace.clone(),
                            table: table.clone(),
                            changes: vec![tc.clone()],
                        }),
                        reversible,
                        data_loss_risk: risk,
                    });
                }
            }
            _ => {
                let table = match c {
                    Change::AddTable { namespace, table }
                    | Change::DropTable { namespace, table } => {
                        Some(qualified(namespace, &table.name))
                    }
                    Change::RenameTable { namespace, to, .. } => Some(qualified(namespace, to)),
                    _ => None,
                };
                let drops = matches!(c, Change::DropTable { .. });
                out.push(ChangeEntry {
                    r#type: kind,
                    table,
                    column: None,
                    details: describe(c),
                    reversible: !drops,
                    data_loss_risk: if drops { "high" } else { "none" },
                });
            }
        }
    }
    out
}

/// A name from the changes: `create_users`, `add_retry_count_to_payments`, `add_payments_columns`,
/// `drop_audit`, or `change_` and the tables touched.
fn name_for(changes: &[Change]) -> String {
    let mut tables: BTreeSet<String> = BTreeSet::new();
    let mut added_columns: Vec<(String, String)> = Vec::new();
    let mut other = false;
    for c in changes {
        match c {
            Change::AddTable { table, .. } | Change::DropTable { table, .. } => {
                tables.insert(table.name.clone());
            }
            Change::ModifyTable { table, changes, .. } => {
                tables.insert(table.clone());
                for tc in changes {
                    match tc {
                        TableChange::AddColumn { column } => {
                            added_columns.push((table.clone(), column.name.clone()))
                        }
                        _ => other = true,
                    }
                }
            }
            _ => other = true,
        }
    }
    let all = |f: fn(&Change) -> bool| changes.iter().all(f);
    let list = |t: &BTreeSet<String>| {
        let mut parts: Vec<&str> = t.iter().map(String::as_str).take(3).collect();
        if t.len() > 3 {
            parts.push("and_more");
        }
        parts.join("_")
    };
    if all(|c| matches!(c, Change::AddTable { .. })) {
        return format!("create_{}", list(&tables));
    }
    if all(|c| matches!(c, Change::DropTable { .. })) {
        return format!("drop_{}", list(&tables));
    }
    if !other && tables.len() == 1 {
        let table = tables.iter().next().cloned().unwrap_or_default();
        return match added_columns.as_slice() {
            [(_, column)] => format!("add_{column}_to_{table}"),
            _ => format!("add_{table}_columns"),
        };
    }
    format!("change_{}", list(&tables))
}

fn data_at_risk(up: &Plan) -> Vec<String> {
    up.steps
        .iter()
        .flat_map(|s| &s.hazards)
        .filter(|h| h.kind == HazardKind::DataLoss)
        .map(|h| h.message.clone())
        .collect()
}

pub async fn run(
    s: &Settings,
    out: Out,
    from: &str,
    to: &str,
    name: Option<&str>,
    dev_url: Option<&str>,
    rename: &[String],
) -> Result<(), Failure> {
    let Computed {
        dialect,
        rows,
        changes,
        up,
        down,
    } = compute(s, from, to, dev_url, rename, true).await?;
    let estimate = migra::core::estimate(dialect, &changes, &rows);
    if changes.is_empty() {
        return Err(Failure::usage(
            "the two schemas do not differ: there is nothing to generate",
        ));
    }
    let name = name.map_or_else(|| name_for(&changes), str::to_string);
    let file_slug = slug(&name);
    if file_slug.is_empty() {
        return Err(Failure::usage(
            "the migration name needs at least one letter or digit",
        ));
    }
    let (version, path) = next_file(&s.dir, &file_slug)?;
    let mut text = format!("-- MIGRATION: {}\n", name.trim());
    if !up.transactional || down.as_ref().is_ok_and(|d| !d.transactional) {
        text.push_str("-- migra:no-transaction\n");
    }
    text.push_str("-- Generated by migra from the difference between two schemas.\n");
    text.push_str("-- DIRECTION: up\n");
    text.push_str(&script(&up));
    match &down {
        Ok(d) => {
            text.push_str("\n-- DIRECTION: down\n");
            text.push_str(&script(d));
        }
        Err(e) => text.push_str(&format!("\n-- No down part: {e}\n")),
    }
    std::fs::write(&path, &text)
        .map_err(|e| Failure::io(format!("cannot write {}: {e}", path.display())))?;
    if out.json {
        out.json(&GeneratedMigration {
            name,
            version,
            path: path.display().to_string(),
            up_script: script(&up),
            down_script: down.as_ref().ok().map(script),
            down_unsupported: down.as_ref().err().map(|e| e.to_string()),
            changes: entries(&changes),
            estimated_duration: format!("{:.2} s", estimate.seconds),
            estimated_work: estimate.work,
            data_at_risk: data_at_risk(&up),
        });
    } else {
        say!(
            "Created {} ({} change(s), about {:.2} s)",
            path.display(),
            changes.len(),
            estimate.seconds
        );
        for risk in data_at_risk(&up) {
            say!("  data at risk: {risk}");
        }
        if let Err(e) = &down {
            say!("  no down part: {e}");
        }
    }
    Ok(())
}
