//! Reads a migration directory from disk into [`SourceFile`]s.

use migra_core::{SourceError, SourceErrorKind, SourceFile};
use std::path::Path;

/// Reads `dir`: its files, and the files one folder down (Diesel layout). Hidden entries are skipped.
///
/// Errors: the directory is missing or unreadable (naming it).
pub fn read_dir(dir: &Path) -> Result<Vec<SourceFile>, SourceError> {
    let io = |p: &Path, e: std::io::Error| {
        SourceError::new(
            p.display().to_string(),
            None,
            SourceErrorKind::Io {
                message: e.to_string(),
            },
        )
    };
    let mut out = Vec::new();
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
                let contents = std::fs::read(sub.path()).map_err(|e| io(&sub.path(), e))?;
                out.push(SourceFile {
                    path: format!("{name}/{sub_name}"),
                    contents,
                });
            }
        } else if ft.is_file() || ft.is_symlink() {
            let contents = std::fs::read(&path).map_err(|e| io(&path, e))?;
            out.push(SourceFile {
                path: name,
                contents,
            });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}
