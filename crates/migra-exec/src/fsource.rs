//! Reads a migration directory from disk into [`SourceFile`]s.

use migra_core::{SourceError, SourceErrorKind, SourceFile};
use std::path::{Path, PathBuf};

/// Reads `dir`: its files, and the files one folder down (Diesel layout). Hidden entries are skipped.
///
/// Errors: the directory is missing or unreadable (naming it), or a file cannot be read.
pub fn read_dir(dir: &Path) -> Result<Vec<SourceFile>, SourceError> {
    read_listed(list(dir, false)?)
}

/// A file [`list`] found: its path relative to the directory, its path on disk and, when asked
/// for, its metadata (following a symlink).
pub(crate) struct Listed {
    pub rel: String,
    pub path: PathBuf,
    pub meta: Option<std::fs::Metadata>,
}

/// The files [`read_dir`] reads, sorted by relative path; with `stat`, each with its metadata
/// (`None` where it cannot be read).
///
/// Regular files are stat'ed through their directory entry (relative to the open directory, a
/// third cheaper than by full path on a 1,000-file directory).
///
/// Errors: the directory or a subfolder is missing or unreadable (naming it).
pub(crate) fn list(dir: &Path, stat: bool) -> Result<Vec<Listed>, SourceError> {
    let mut found = Vec::new();
    let listed = |e: &std::fs::DirEntry, rel: String, found: &mut Vec<Listed>| {
        let path = e.path();
        let meta = match e.file_type() {
            _ if !stat => None,
            Ok(ft) if ft.is_file() => e.metadata().ok(),
            _ => std::fs::metadata(&path).ok(),
        };
        found.push(Listed { rel, path, meta });
    };
    let entries = std::fs::read_dir(dir).map_err(|e| io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let ft = entry.file_type().map_err(|e| io(&entry.path(), e))?;
        if ft.is_dir() {
            let path = entry.path();
            for sub in std::fs::read_dir(&path).map_err(|e| io(&path, e))? {
                let sub = sub.map_err(|e| io(&path, e))?;
                let sub_name = sub.file_name().to_string_lossy().into_owned();
                if sub_name.starts_with('.')
                    || !sub.file_type().map_err(|e| io(&sub.path(), e))?.is_file()
                {
                    continue;
                }
                listed(&sub, format!("{name}/{sub_name}"), &mut found);
            }
        } else if ft.is_file() || ft.is_symlink() {
            listed(&entry, name, &mut found);
        }
    }
    found.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(found)
}

/// Reads the files [`list`] found.
///
/// Errors: a file cannot be read (naming it).
pub(crate) fn read_listed(found: Vec<Listed>) -> Result<Vec<SourceFile>, SourceError> {
    found
        .into_iter()
        .map(|f| {
            std::fs::read(&f.path)
                .map(|contents| SourceFile {
                    path: f.rel,
                    contents,
                })
                .map_err(|e| io(&f.path, e))
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
