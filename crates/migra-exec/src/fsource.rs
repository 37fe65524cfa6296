//! Reads a migration directory from disk into [`SourceFile`]s.

use migra_core::{SourceError, SourceErrorKind, SourceFile};
use std::path::Path;

/// Reads `dir`: its files, and the files one folder down (Diesel layout). Hidden entries are skipped.
///
/// Errors: the directory is missing or unreadable (naming it), or a file cannot be read.
pub fn read_dir(dir: &Path) -> Result<Vec<SourceFile>, SourceError> {
    read_listed(dir, list(dir, false)?)
}

/// A file [`list`] found: its path relative to the directory and, when asked for, its
/// [`Ident`] (following a symlink).
pub(crate) struct Listed {
    pub rel: String,
    pub ident: Option<Ident>,
}

/// What tells one version of a file from another without reading it (as git's index does): size,
/// inode, device, and modification and change times in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ident {
    pub len: u64,
    pub inode: u64,
    pub device: u64,
    pub modified_ns: i128,
    pub changed_ns: i128,
}

/// The files [`read_dir`] reads, sorted by relative path; with `stat`, each with its [`Ident`]
/// (`None` where it cannot be read, or the platform has no inode and change time).
///
/// Regular files are stat'ed through their directory entry (relative to the open directory, a
/// third cheaper than by full path on a 1,000-file directory), and a large directory's entries
/// in two halves at once ([`stat_all`]). What is kept per file is small: on the no-op check
/// this runs beside the connection on two cores, and every page it touches is a page fault.
///
/// Errors: the directory or a subfolder is missing or unreadable (naming it).
pub(crate) fn list(dir: &Path, stat: bool) -> Result<Vec<Listed>, SourceError> {
    let mut found: Vec<Found> = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io(dir, e))?;
        let name = name_of(&entry);
        if name.starts_with('.') {
            continue;
        }
        let ft = entry.file_type().map_err(|e| io(&entry.path(), e))?;
        if ft.is_dir() {
            let path = entry.path();
            for sub in std::fs::read_dir(&path).map_err(|e| io(&path, e))? {
                let sub = sub.map_err(|e| io(&path, e))?;
                let sub_name = name_of(&sub);
                if sub_name.starts_with('.')
                    || !sub.file_type().map_err(|e| io(&sub.path(), e))?.is_file()
                {
                    continue;
                }
                found.push(Found {
                    rel: format!("{name}/{sub_name}"),
                    entry: sub,
                    regular: true,
                });
            }
        } else if ft.is_file() || ft.is_symlink() {
            found.push(Found {
                rel: name,
                entry,
                regular: ft.is_file(),
            });
        }
    }
    // Names are unique: an unstable sort gives the same order, without a scratch buffer.
    found.sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
    let idents = if stat {
        stat_all(&found)
    } else {
        vec![None; found.len()]
    };
    Ok(found
        .into_iter()
        .zip(idents)
        .map(|(f, ident)| Listed { rel: f.rel, ident })
        .collect())
}

/// The entry's name, as text (lossily where it is not UTF-8), allocated once.
fn name_of(entry: &std::fs::DirEntry) -> String {
    entry
        .file_name()
        .into_string()
        .unwrap_or_else(|raw| raw.to_string_lossy().into_owned())
}

/// A directory entry [`list`] keeps: `regular` when it is a regular file (not a symlink).
struct Found {
    rel: String,
    entry: std::fs::DirEntry,
    regular: bool,
}

/// Each entry's [`Ident`], following symlinks; `None` where it cannot be read. On a directory of
/// hundreds of files, half of them are stat'ed on a second thread: the no-op check waits for these
/// stats (a thousand take milliseconds), and its other work is mostly waiting on the database.
fn stat_all(found: &[Found]) -> Vec<Option<Ident>> {
    let one = |f: &Found| {
        let meta = if f.regular {
            f.entry.metadata()
        } else {
            std::fs::metadata(f.entry.path())
        };
        meta.ok().and_then(|m| ident(&m))
    };
    if found.len() < 256 {
        return found.iter().map(one).collect();
    }
    let (first, second) = found.split_at(found.len() / 2);
    std::thread::scope(|s| {
        let other = std::thread::Builder::new()
            .spawn_scoped(s, || second.iter().map(one).collect::<Vec<_>>())
            .ok();
        let mut idents: Vec<_> = first.iter().map(one).collect();
        // A thread that could not start or finish leaves its half to this one.
        let rest = other.and_then(|t| t.join().ok());
        idents.extend(rest.unwrap_or_else(|| second.iter().map(one).collect()));
        idents
    })
}

#[cfg(unix)]
fn ident(m: &std::fs::Metadata) -> Option<Ident> {
    use std::os::unix::fs::MetadataExt;
    let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
    Some(Ident {
        len: m.len(),
        inode: m.ino(),
        device: m.dev(),
        modified_ns: ns(m.mtime(), m.mtime_nsec()),
        changed_ns: ns(m.ctime(), m.ctime_nsec()),
    })
}

#[cfg(not(unix))]
fn ident(_m: &std::fs::Metadata) -> Option<Ident> {
    None
}

/// Reads the files [`list`] found in `dir`.
///
/// Errors: a file cannot be read (naming it).
pub(crate) fn read_listed(dir: &Path, found: Vec<Listed>) -> Result<Vec<SourceFile>, SourceError> {
    found
        .into_iter()
        .map(|f| {
            let path = dir.join(&f.rel);
            std::fs::read(&path)
                .map(|contents| SourceFile {
                    path: f.rel,
                    contents,
                })
                .map_err(|e| io(&path, e))
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Over a directory large enough to be stat'ed in two halves, every file keeps its own
    /// identity (a symlink's is its target's), in path order, subfolders included.
    #[test]
    fn every_file_gets_its_own_stat_in_order() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..300 {
            std::fs::write(dir.path().join(format!("{i:04}.sql")), "x".repeat(i)).unwrap();
        }
        std::fs::create_dir(dir.path().join("9999_sub")).unwrap();
        std::fs::write(dir.path().join("9999_sub/up.sql"), "abc").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path().join("0007.sql"), dir.path().join("0300.sql"))
            .unwrap();
        let found = list(dir.path(), true).unwrap();
        assert_eq!(found.len(), if cfg!(unix) { 302 } else { 301 });
        let rels: Vec<&str> = found.iter().map(|f| f.rel.as_str()).collect();
        let mut sorted = rels.clone();
        sorted.sort_unstable();
        assert_eq!(rels, sorted);
        assert!(rels.contains(&"9999_sub/up.sql"));
        for f in &found {
            let len = f.ident.unwrap().len;
            let expected = match f.rel.as_str() {
                "9999_sub/up.sql" => 3,
                "0300.sql" => 7,
                rel => rel[..4].parse::<u64>().unwrap(),
            };
            assert_eq!(len, expected, "{}", f.rel);
        }
        assert!(
            list(dir.path(), false)
                .unwrap()
                .iter()
                .all(|f| f.ident.is_none())
        );
    }
}
