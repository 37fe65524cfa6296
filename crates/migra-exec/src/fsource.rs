//! Reads a migration directory from disk into [`SourceFile`]s.

use migra_core::{SourceError, SourceErrorKind, SourceFile};
use std::path::{Path, PathBuf};

/// Reads `dir`: its files, and the files one folder down (Diesel layout). Hidden entries are skipped.
///
/// Errors: the directory is missing or unreadable (naming it), or a file cannot be read.
pub fn read_dir(dir: &Path) -> Result<Vec<SourceFile>, SourceError> {
    read_listed(list(dir)?)
}

/// The files [`read_dir`] reads, as (path relative to `dir`, path on disk), sorted by the first.
///
/// Errors: the directory or a subfolder is missing or unreadable (naming it).
pub(crate) fn list(dir: &Path) -> Result<Vec<(String, PathBuf)>, SourceError> {
    let mut found = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let ft = entry.file_type().map_err(|e| io(&path, e))?;
        if ft.is_dir() {
            for sub in std::fs::read_dir(&path).map_err(|e| io(&path, e))? {
                let sub = sub.map_err(|e| io(&path, e))?;
                let sub_name = sub.file_name().to_string_lossy().into_owned();
                if sub_name.starts_with('.')
                    || !sub.file_type().map_err(|e| io(&sub.path(), e))?.is_file()
                {
                    continue;
                }
                found.push((format!("{name}/{sub_name}"), sub.path()));
            }
        } else if ft.is_file() || ft.is_symlink() {
            found.push((name, path));
        }
    }
    found.sort();
    Ok(found)
}

/// Reads the files [`list`] found.
///
/// Errors: a file cannot be read (naming it).
pub(crate) fn read_listed(found: Vec<(String, PathBuf)>) -> Result<Vec<SourceFile>, SourceError> {
    found
        .into_iter()
        .map(|(path, on_disk)| {
            std::fs::read(&on_disk)
                .map(|contents| SourceFile { path, contents })
                .map_err(|e| io(&on_disk, e))
        })
        .collect()
}

/// An I/O failure on `p`.
pub(crate) fn io(p: &Path, e: std::io::Error) -> SourceError {
    SourceError::new(
        p.display().to_string(),
        None,
        SourceErrorKind::Io {
            message: e.to_string(),
        },
    )
}
