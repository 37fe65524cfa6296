//! `migra new NAME`: a native-format file with both direction markers.

use crate::config::Settings;
use crate::fail::Failure;
use crate::output::Out;
use crate::output::say;

/// `name` as a file-name part: lower-case ASCII letters and digits joined by `_`; empty when
/// `name` has neither.
pub(crate) fn slug(name: &str) -> String {
    name.trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect::<String>()
        .split('_')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// A new version (now, UTC) no file in `dir` uses yet, and the file's path for `slug`; creates
/// `dir` when missing.
///
/// Errors: the directory cannot be created or read.
pub(crate) fn next_file(
    dir: &std::path::Path,
    slug: &str,
) -> Result<(String, std::path::PathBuf), Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::io(format!("cannot create {}: {e}", dir.display())))?;
    let mut t = chrono::Utc::now();
    // Versions must be unique: step a second forward while the timestamp is taken.
    loop {
        let version = t.format("%Y%m%d_%H%M%S").to_string();
        let taken = std::fs::read_dir(dir)
            .map_err(|e| Failure::io(format!("cannot read {}: {e}", dir.display())))?
            .filter_map(Result::ok)
            .any(|e| e.file_name().to_string_lossy().starts_with(&version));
        if !taken {
            return Ok((version.clone(), dir.join(format!("{version}_{slug}.sql"))));
        }
        t += chrono::Duration::seconds(1);
    }
}

pub fn run(s: &Settings, name: &str, out: Out) -> Result<(), Failure> {
    let slug = slug(name);
    if slug.is_empty() {
        return Err(Failure::usage(
            "the migration name needs at least one letter or digit",
        ));
    }
    let (version, path) = next_file(&s.dir, &slug)?;
    let text = format!(
        "-- MIGRATION: {}\n-- DIRECTION: up\n\n\n-- DIRECTION: down\n\n",
        name.trim()
    );
    std::fs::write(&path, text)
        .map_err(|e| Failure::io(format!("cannot write {}: {e}", path.display())))?;
    if out.json {
        out.json(&serde_json::json!({ "path": path.display().to_string(), "version": version, "name": name.trim() }));
    } else {
        say!("Created {}", path.display());
        say!(
            "Write the up part after `-- DIRECTION: up`; delete the down marker if it cannot be undone."
        );
    }
    Ok(())
}
