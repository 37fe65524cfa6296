//! `migra backups [--remove TABLE | --remove-version VERSION]`: the backups `apply --backup` made.

use super::Context;
use crate::config::Settings;
use crate::fail::Failure;
use crate::output::{Out, say, table};
use migra::core::{AnnotationKind, BackupRecord};
use serde::Serialize;

/// One backup as listed.
#[derive(Serialize)]
struct Listed {
    version: String,
    object: String,
    backup_table: String,
    created_at: String,
    restored_at: Option<String>,
    restorable: bool,
}

pub async fn run(
    s: &Settings,
    out: Out,
    remove: Option<&str>,
    remove_version: Option<&str>,
) -> Result<(), Failure> {
    let mut ctx = Context::open(s, false).await?;
    let records = ctx.backend.read_annotations(AnnotationKind::Backup).await?;
    let version_of = |sort_key: &str| {
        ctx.migrations
            .iter()
            .find(|m| m.version.sort_key() == sort_key)
            .map_or(sort_key.to_string(), |m| m.version.to_string())
    };
    let listed: Vec<(String, Listed)> = records
        .iter()
        .filter_map(|a| {
            let r: BackupRecord = serde_json::from_str(&a.value).ok()?;
            Some((
                a.sort_key.clone(),
                Listed {
                    version: version_of(&a.sort_key),
                    object: r.object,
                    backup_table: r.backup_table,
                    created_at: r.created_at,
                    restored_at: r.restored_at,
                    restorable: !r.restore.is_empty(),
                },
            ))
        })
        .collect();
    if remove.is_none() && remove_version.is_none() {
        let items: Vec<&Listed> = listed.iter().map(|(_, l)| l).collect();
        if out.json {
            out.json(&serde_json::json!({ "backups": items }));
        } else if items.is_empty() {
            say!("No backups (`migra apply --backup` makes them).");
        } else {
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|l| {
                    vec![
                        l.version.clone(),
                        l.object.clone(),
                        l.backup_table.clone(),
                        l.created_at.clone(),
                        l.restored_at.clone().unwrap_or_else(|| "-".into()),
                    ]
                })
                .collect();
            say!(
                "{}",
                table(
                    &["VERSION", "OBJECT", "BACKUP TABLE", "MADE", "RESTORED"],
                    &rows
                )
            );
        }
        return Ok(());
    }
    let chosen: Vec<&(String, Listed)> = listed
        .iter()
        .filter(|(_, l)| {
            remove.is_some_and(|t| t == l.backup_table)
                || remove_version.is_some_and(|v| {
                    ctx.migrations
                        .iter()
                        .any(|m| m.version.matches(v) && m.version.to_string() == l.version)
                        || v == l.version
                })
        })
        .collect();
    if chosen.is_empty() {
        return Err(Failure::usage(
            "no recorded backup matches (`migra backups` lists them)",
        ));
    }
    ctx.writable(s).await?;
    let dialect = ctx.backend.dialect();
    let mut removed = Vec::new();
    for (sort_key, l) in chosen {
        let sql = format!(
            "DROP TABLE IF EXISTS {}",
            dialect.quote_ident(&l.backup_table)
        );
        ctx.backend.execute(&sql).await?;
        ctx.backend
            .delete_annotations(AnnotationKind::Backup, sort_key, Some(&l.backup_table))
            .await?;
        removed.push(l.backup_table.clone());
    }
    if out.json {
        out.json(&serde_json::json!({ "removed": removed }));
    } else {
        for t in &removed {
            say!("Removed backup table {t}.");
        }
    }
    Ok(())
}
