//! What a migration part sends, in order: its own statements, plus backup copies before the
//! statements that destroy data (up) and restores after the down part (down).

use crate::runner::now_rfc3339;
use migra_core::{Annotation, AnnotationKind, BackupAction, BackupRecord, Script, Statement};

/// Where a unit comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnitKind {
    /// A statement of the script.
    Statement,
    /// The last copy statement of backup `n` (its record is written once it ran).
    CopyEnd(usize),
    /// Another copy statement.
    Copy,
    /// The last restore statement of record `n`.
    RestoreEnd(usize),
    /// Another restore statement.
    Restore,
}

/// One thing to send.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    /// The SQL, with the line of the script statement it belongs to.
    pub sql: Statement,
    /// Index of the script statement it belongs to (`script.units()` index).
    pub origin: usize,
    pub kind: UnitKind,
}

/// The units of `script`: copies for `backups` before their statements, `restores` after the
/// last statement.
pub(crate) fn expand(
    script: &Script,
    backups: &[&BackupAction],
    restores: &[BackupRecord],
) -> Vec<Unit> {
    let own = script.units();
    let whole = own.len() == 1 && script.mode == migra_core::ScriptMode::Whole;
    // The usual case: nothing to add, the statements move over as they are.
    if backups.is_empty() && restores.is_empty() {
        return own
            .into_iter()
            .enumerate()
            .map(|(origin, sql)| Unit {
                sql,
                origin,
                kind: UnitKind::Statement,
            })
            .collect();
    }
    let mut out = Vec::new();
    let at = |i: usize| own[i.min(own.len().saturating_sub(1))].clone();
    for (i, stmt) in own.iter().enumerate() {
        for (n, b) in backups.iter().enumerate() {
            // A whole script runs as one unit: every copy goes before it.
            if b.statement == i || (whole && i == 0) {
                for (k, sql) in b.copy.iter().enumerate() {
                    let kind = if k + 1 == b.copy.len() {
                        UnitKind::CopyEnd(n)
                    } else {
                        UnitKind::Copy
                    };
                    out.push(unit(sql, &at(i), i, kind));
                }
            }
        }
        out.push(Unit {
            sql: stmt.clone(),
            origin: i,
            kind: UnitKind::Statement,
        });
    }
    let last = own.len().saturating_sub(1);
    for (n, r) in restores.iter().enumerate() {
        for (k, sql) in r.restore.iter().enumerate() {
            let kind = if k + 1 == r.restore.len() {
                UnitKind::RestoreEnd(n)
            } else {
                UnitKind::Restore
            };
            out.push(unit(sql, &at(last), last, kind));
        }
    }
    out
}

fn unit(sql: &str, near: &Statement, origin: usize, kind: UnitKind) -> Unit {
    Unit {
        sql: Statement {
            sql: sql.to_string(),
            line: near.line,
            column: near.column,
        },
        origin,
        kind,
    }
}

/// The history record of backup `b`, made now.
pub(crate) fn made(b: &BackupAction) -> Annotation {
    let rec = BackupRecord {
        object: b.object.clone(),
        backup_table: b.backup_table.clone(),
        restore: b.restore.clone(),
        verify: b.verify.clone(),
        created_at: now_rfc3339(),
        restored_at: None,
    };
    annotation(&b.sort_key, &rec)
}

/// `rec`, restored now.
pub(crate) fn restored(sort_key: &str, rec: &BackupRecord) -> Annotation {
    let mut rec = rec.clone();
    rec.restored_at = Some(now_rfc3339());
    annotation(sort_key, &rec)
}

fn annotation(sort_key: &str, rec: &BackupRecord) -> Annotation {
    Annotation {
        kind: AnnotationKind::Backup,
        sort_key: sort_key.to_string(),
        key: rec.backup_table.clone(),
        // Plain data: serializing cannot fail.
        value: serde_json::to_string(rec).unwrap_or_default(),
        updated_at: now_rfc3339(),
    }
}
