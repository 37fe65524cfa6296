//! Loading `../shared/corpus` schemas into a test database with the server's own client.

use super::Project;
use super::db::Kind;
use std::process::Command;

/// The corpus file with the edits a test database needs: no `DROP/CREATE DATABASE`, `\c` or
/// `USE` lines (they act on a database of their own name), no `source` of absent data files,
/// then `replace` applied in order.
pub fn script(files: &[&str], replace: &[(&str, &str)]) -> std::path::PathBuf {
    let mut text = String::new();
    for file in files {
        let raw = std::fs::read_to_string(super::corpus().join(file)).unwrap();
        for line in raw.lines() {
            let lower = line.to_ascii_lowercase();
            if lower.contains(" database ")
                || lower.starts_with("\\c")
                || lower.starts_with("use ")
                || lower.starts_with("source ")
            {
                continue;
            }
            text.push_str(line);
            text.push('\n');
        }
    }
    for (from, to) in replace {
        text = text.replace(from, to);
    }
    static SEQ: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let out = std::env::temp_dir().join(format!(
        "migra-corpus-{}-{n}-{}",
        std::process::id(),
        files[0].replace('/', "_")
    ));
    std::fs::write(&out, text).unwrap();
    out
}

/// Loads `file` with `psql` or `mariadb`, failing the test with the client's error.
pub fn load(p: &Project, kind: Kind, file: &std::path::Path) {
    load_with(p, kind, file, true)
}

/// Loads what of `file` the server accepts, going on past statements that fail (a function
/// returning a table's row type needs the table, which comes later).
pub fn load_leniently(p: &Project, kind: Kind, file: &std::path::Path) {
    load_with(p, kind, file, false)
}

fn load_with(p: &Project, kind: Kind, file: &std::path::Path, strict: bool) {
    let url = p.url();
    let stop = format!("ON_ERROR_STOP={}", u8::from(strict));
    let out = match kind {
        Kind::Postgres => Command::new("psql")
            .args([&url, "-q", "-v", &stop, "-f"])
            .arg(file)
            .output()
            .unwrap(),
        Kind::Mysql => {
            // mysql://user:password@host:port/db
            let (creds, rest) = url.trim_start_matches("mysql://").split_once('@').unwrap();
            let (user, password) = creds.split_once(':').unwrap();
            let (hostport, db) = rest.split_once('/').unwrap();
            let (host, port) = hostport.split_once(':').unwrap();
            Command::new("mariadb")
                .args(["-h", host, "-P", port, "-u", user])
                .arg(format!("-p{password}"))
                .args((!strict).then_some("--force"))
                .arg(db)
                .stdin(std::fs::File::open(file).unwrap())
                .output()
                .unwrap()
        }
        Kind::Sqlite => unreachable!("SQLite corpora are applied through migra"),
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The statements of `file` that create what migra does not model (domains, functions,
/// aggregates, extensions) and the session settings before them, written to a file for `load`:
/// a round trip recreates those by hand and checks that everything else comes from migra.
pub fn unmodelled_prelude(file: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(file).unwrap();
    let statements =
        migra::core::split::split(&text, 1, &migra::core::SplitOptions::POSTGRES).unwrap();
    let keep = |sql: &str| {
        let body: String = sql
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        let upper = body.trim_start().to_ascii_uppercase();
        [
            "CREATE DOMAIN",
            "CREATE FUNCTION",
            "CREATE OR REPLACE FUNCTION",
            "CREATE AGGREGATE",
            "CREATE EXTENSION",
            "SET ",
        ]
        .iter()
        .any(|p| upper.starts_with(p))
    };
    let kept: Vec<String> = statements
        .iter()
        .filter(|s| keep(&s.sql))
        .map(|s| format!("{};\n", s.sql.trim_end().trim_end_matches(';')))
        .collect();
    let out = file.with_extension("prelude.sql");
    std::fs::write(&out, kept.concat()).unwrap();
    out
}
