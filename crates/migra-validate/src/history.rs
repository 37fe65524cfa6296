//! History-integrity checks: the migration directory against what the database recorded.

use crate::finding::Finding;
use migra_core::drift::{Drift, drift};
use migra_core::{Migration, Revision, SourceError, SourceErrorKind};

/// Compares the directory with the history table ([`migra_core::drift::drift`], the executor's own
/// check): changed applied files (HI001), new migrations older than the newest applied one
/// (HI002), applied versions without a file (HI003).
pub fn check_history(migrations: &[Migration], applied: &[Revision]) -> Vec<Finding> {
    use crate::rules::{
        hi001_applied_file_changed as hi001, hi002_out_of_order as hi002,
        hi003_missing_applied_file as hi003,
    };
    drift(migrations, applied)
        .iter()
        .filter_map(|d| match d {
            Drift::ChecksumMismatch { .. } => hi001::finding(d),
            Drift::OutOfOrder { .. } => hi002::finding(d),
            Drift::MissingFile { .. } => hi003::finding(d),
            _ => None,
        })
        .collect()
}

/// Turns the loader's duplicate-version errors into HI004 findings; other errors are returned.
pub fn duplicate_versions(errors: Vec<SourceError>) -> (Vec<Finding>, Vec<SourceError>) {
    let (dups, rest): (Vec<SourceError>, Vec<SourceError>) = errors
        .into_iter()
        .partition(|e| matches!(e.kind, SourceErrorKind::DuplicateVersion { .. }));
    (
        dups.iter()
            .map(crate::rules::hi004_duplicate_version::finding)
            .collect(),
        rest,
    )
}

#[cfg(test)]
pub(crate) mod tests_support {
    use migra_core::{LoadOptions, Migration, Revision, RevisionStatus, SourceFile, load};

    /// Native-layout migrations from (file name, text) pairs, split for dialect `d`.
    pub fn migrations(
        d: migra_core::DialectId,
        files: &[(&str, &str)],
    ) -> Result<Vec<Migration>, migra_core::SourceErrors> {
        let files: Vec<SourceFile> = files
            .iter()
            .map(|(p, t)| SourceFile {
                path: (*p).to_string(),
                contents: t.as_bytes().to_vec(),
            })
            .collect();
        load(&files, &LoadOptions::new(crate::testing::split_opts(d)))
    }

    /// An applied revision of `m` (with its checksum unless `checksum` is given).
    pub fn applied(m: &Migration, checksum: Option<&str>) -> Revision {
        Revision {
            version: m.version.as_str().to_string(),
            sort_key: m.version.sort_key().to_string(),
            name: m.name.clone(),
            checksum: checksum.map_or_else(|| m.checksum.hex.clone(), str::to_string),
            checksum_algorithm: m.checksum.algorithm.clone(),
            status: RevisionStatus::Applied,
            applied_statements: 1,
            total_statements: 1,
            started_at: "2026-01-01T00:00:00Z".into(),
            finished_at: None,
            duration_ms: 1,
            error: None,
            failing_statement: None,
            applied_by: "test".into(),
            progress_checksum: None,
        }
    }

    /// One line per finding, for snapshots.
    pub fn render(f: &[crate::Finding]) -> String {
        let mut s = String::new();
        for f in f {
            s.push_str(&format!(
                "{} {} {} at {}: {}\n",
                f.severity.name(),
                f.code,
                f.rule,
                f.location.position(),
                f.message
            ));
        }
        if s.is_empty() {
            s.push_str("(no findings)\n");
        }
        s
    }
}
