//! Half-applied migrations (outside a transaction, stopped part-way): resume where it is safe,
//! refuse with instructions where it is not.

use crate::error::ExecError;
use migra_core::{Migration, Revision, RevisionStatus, ScriptMode};
use std::collections::BTreeMap;

/// True when some but not all of a migration's statements may be in effect.
pub(crate) fn is_half_applied(r: &Revision) -> bool {
    matches!(
        r.status,
        RevisionStatus::Partial | RevisionStatus::RollbackPartial
    ) || (r.status == RevisionStatus::Failed && r.applied_statements > 0)
}

/// Why a migration with [`Revision::progress_unknown`] cannot be resumed.
pub(crate) const KEPT: &str = "rolling back could not undo its changes to a table that keeps \
     changes outside transactions (MySQL warning 1196: MyISAM, Aria, MEMORY), so how much of it \
     took effect is unknown";

/// How far `r` (the state row of `m`) got, when that is known: not for a part run as one
/// script that stopped part-way, nor where a rollback kept changes.
pub(crate) fn known_progress(r: &Revision, m: &Migration) -> Option<(u32, u32)> {
    // The part that ran: the down part for a stopped rollback, else the up part.
    let part = match (&m.down, r.status) {
        (Some(d), RevisionStatus::RollbackPartial) => d,
        _ => &m.up,
    };
    let stopped = matches!(
        r.status,
        RevisionStatus::Partial | RevisionStatus::RollbackPartial
    );
    let whole = part.mode == ScriptMode::Whole;
    (is_half_applied(r) && !r.progress_unknown() && !(whole && stopped))
        .then_some((r.applied_statements, r.total_statements))
}

fn repair_hint(version: &str) -> String {
    format!(
        "make the database match one side by hand, then record it with `migra repair {version} --mark-applied` \
         or `--mark-rolled-back` (or, when exactly its first N statements are in effect, `--mark-progress N`, \
         and `migra apply` resumes after them)"
    )
}

fn half_applied(r: &Revision, migrations: &[Migration], why: String) -> ExecError {
    let name = migrations
        .iter()
        .find(|m| m.version.sort_key() == r.sort_key)
        .map_or(r.name.clone(), |m| m.name.clone());
    ExecError::HalfApplied {
        version: r.version.clone(),
        name,
        applied: (!r.progress_unknown()).then_some(r.applied_statements),
        total: r.total_statements,
        how: match r.status {
            RevisionStatus::Failed => "failed".into(),
            RevisionStatus::RollbackPartial => "stopped while rolling back".into(),
            _ => "was interrupted or failed".into(),
        },
        why,
    }
}

/// Where each half-applied migration resumes (sort key → index of its first statement not in
/// effect). A migration resumes only when its statements that already ran are unchanged in the
/// file (checked against the checksum recorded as they ran); the statement that failed may have
/// been fixed.
///
/// Errors: [`ExecError::HalfApplied`] when how far it got is unknown (a whole script, a missing
/// file) or when the statements that ran were edited.
pub(crate) fn resume_points(
    migrations: &[Migration],
    history: &[Revision],
) -> Result<BTreeMap<String, usize>, ExecError> {
    let mut points = BTreeMap::new();
    for r in history.iter().filter(|r| is_half_applied(r)) {
        let k = r.applied_statements as usize;
        if r.progress_unknown() {
            let why = format!(
                "it cannot be resumed because {KEPT}; {}",
                repair_hint(&r.version)
            );
            return Err(half_applied(r, migrations, why));
        }
        if r.status == RevisionStatus::RollbackPartial {
            let why = format!(
                "its rollback stopped part-way, so what its up part did is partly undone; fix its \
                 down part and finish it with `migra rollback`, or {}",
                repair_hint(&r.version)
            );
            return Err(half_applied(r, migrations, why));
        }
        let why = match migrations
            .iter()
            .find(|m| m.version.sort_key() == r.sort_key)
        {
            None => Some("its file is not in the directory".to_string()),
            Some(m) if m.up.mode == ScriptMode::Whole => {
                Some("it ran as one script, so how much of it took effect is unknown".to_string())
            }
            Some(m) if k > m.up.statements.len() => {
                Some("the file now has fewer statements than already ran".into())
            }
            Some(m)
                if k > 0
                    && r.progress_checksum.as_deref() != Some(m.progress_checksum(k).as_str()) =>
            {
                Some(format!(
                    "its first {k} statement(s), which already ran, were changed in the file"
                ))
            }
            Some(_) => None,
        };
        match why {
            None => {
                points.insert(r.sort_key.clone(), k);
            }
            Some(why) => {
                let hint = repair_hint(&r.version);
                return Err(half_applied(
                    r,
                    migrations,
                    format!("it cannot be resumed because {why}; {hint}"),
                ));
            }
        }
    }
    Ok(points)
}

/// Where each stopped rollback resumes (sort key → index of its first down statement not run):
/// one whose down statements that ran are unchanged continues after them. Any other
/// half-applied migration stops the rollback before it starts.
///
/// Errors: [`ExecError::HalfApplied`] for the first migration half applied by an up part, or
/// whose stopped rollback cannot be resumed (a whole script, a missing file or down part, or
/// down statements that ran and were edited since).
pub(crate) fn rollback_points(
    migrations: &[Migration],
    history: &[Revision],
) -> Result<BTreeMap<String, usize>, ExecError> {
    let mut points = BTreeMap::new();
    for r in history.iter().filter(|r| is_half_applied(r)) {
        let k = r.applied_statements as usize;
        let m = migrations
            .iter()
            .find(|m| m.version.sort_key() == r.sort_key);
        let why = match (r.status, m.and_then(|m| m.down.as_ref().map(|d| (m, d)))) {
            (RevisionStatus::RollbackPartial, _) if r.progress_unknown() => KEPT.to_string(),
            (RevisionStatus::RollbackPartial, None) => {
                "its file or its down part is not in the directory".to_string()
            }
            (RevisionStatus::RollbackPartial, Some((_, d))) if d.mode == ScriptMode::Whole => {
                "its down part ran as one script, so how much of it took effect is unknown".into()
            }
            (RevisionStatus::RollbackPartial, Some((m, d)))
                if k > d.statements.len()
                    || (k > 0
                        && r.progress_checksum.as_deref()
                            != Some(m.down_progress_checksum(k).as_str())) =>
            {
                format!(
                    "the first {k} statement(s) of its down part, which already ran, were changed in the file"
                )
            }
            (RevisionStatus::RollbackPartial, Some(_)) => {
                points.insert(r.sort_key.clone(), k);
                continue;
            }
            _ => {
                let why = format!(
                    "roll it forward first (fix the file, then `migra apply` resumes it), or {}",
                    repair_hint(&r.version)
                );
                return Err(half_applied(r, migrations, why));
            }
        };
        let why = format!(
            "its rollback cannot be resumed because {why}; {}",
            repair_hint(&r.version)
        );
        return Err(half_applied(r, migrations, why));
    }
    Ok(points)
}
