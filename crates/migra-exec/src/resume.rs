//! Half-applied migrations (outside a transaction, stopped part-way): resume where it is safe,
//! refuse with instructions where it is not.

use crate::error::ExecError;
use migra_core::{Migration, Revision, RevisionStatus, ScriptMode};
use std::collections::BTreeMap;

/// True when some but not all of a migration's statements may be in effect.
pub(crate) fn is_half_applied(r: &Revision) -> bool {
    r.status == RevisionStatus::Partial
        || (r.status == RevisionStatus::Failed && r.applied_statements > 0)
}

fn repair_hint(version: &str) -> String {
    format!(
        "make the database match one side by hand, then record it with `migra repair {version} --mark-applied` \
         or `--mark-rolled-back`"
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
        applied: r.applied_statements,
        total: r.total_statements,
        how: if r.status == RevisionStatus::Failed {
            "failed".into()
        } else {
            "was interrupted or failed".into()
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

/// Rollback does not start from a half-applied state.
///
/// Errors: [`ExecError::HalfApplied`] for the first such migration.
pub(crate) fn refuse_half_applied(
    migrations: &[Migration],
    history: &[Revision],
) -> Result<(), ExecError> {
    match history.iter().find(|r| is_half_applied(r)) {
        None => Ok(()),
        Some(r) => {
            let why = format!(
                "roll it forward first (fix the file, then `migra apply` resumes it), or {}",
                repair_hint(&r.version)
            );
            Err(half_applied(r, migrations, why))
        }
    }
}
