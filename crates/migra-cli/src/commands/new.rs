//! `migra new NAME`: a native-format file with both direction markers.

use crate::config::Settings;
use crate::fail::Failure;
use crate::output::Out;
use crate::output::say;

pub fn run(s: &Settings, name: &str, out: Out) -> Result<(), Failure> {
    let slug: String = name
        .trim()
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
        .join("_");
    if slug.is_empty() {
        return Err(Failure::usage(
            "the migration name needs at least one letter or digit",
        ));
    }
    std::fs::create_dir_all(&s.dir)
        .map_err(|e| Failure::io(format!("cannot create {}: {e}", s.dir.display())))?;
    let mut t = chrono::Utc::now();
    // Versions must be unique: step a second forward while the timestamp is taken.
    let (version, path) = loop {
        let version = t.format("%Y%m%d_%H%M%S").to_string();
        let taken = std::fs::read_dir(&s.dir)
            .map_err(|e| Failure::io(format!("cannot read {}: {e}", s.dir.display())))?
            .filter_map(Result::ok)
            .any(|e| e.file_name().to_string_lossy().starts_with(&version));
        if !taken {
            break (version.clone(), s.dir.join(format!("{version}_{slug}.sql")));
        }
        t += chrono::Duration::seconds(1);
    };
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
