//! A cache of the parsed migration directory, so the startup check does not read and parse
//! every file on every run (like git's index: trusted only while every file's identity and
//! timestamps are unchanged).
//!
//! A hit needs the same directory, load options and migra version, the same list of files,
//! and for each file the same size, inode, device, modification and change times. The change
//! time (ctime) cannot be set back by a user, so an edit is always seen. A file changed less
//! than [`SETTLE`] before it was read is never cached: within a timestamp tick two versions of
//! it could carry the same times. Anything unreadable, malformed or stale in the cache is a
//! miss, never an error; only loads without problems are cached.
//!
//! Next to each cache file, a small summary file (the stamps, the number of migrations, the
//! newest version and the history digest the directory implies) lets the no-op check compare
//! the directory with the database without decoding a single migration.

use crate::fsource::{Ident, Listed, list, read_listed};
use migra_core::{HistoryDigest, LoadOptions, Migration, SourceErrors};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::{Duration, SystemTime};

/// How long a file must have been unchanged before its parse is cached.
pub const SETTLE: Duration = Duration::from_secs(2);

/// Bumped when the cache file's shape changes (2: the summary's stamps digest is of their
/// binary form).
const FORMAT: u32 = 2;

/// What a file was when it was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    path: String,
    len: u64,
    inode: u64,
    device: u64,
    modified_ns: i128,
    changed_ns: i128,
}

#[derive(Deserialize)]
struct CacheFile {
    format: u32,
    key: String,
    stamps: Vec<Stamp>,
    migrations: Vec<Migration>,
}

/// [`CacheFile`] as written, borrowing what it writes.
#[derive(Serialize)]
struct CacheOut<'a> {
    format: u32,
    key: &'a str,
    stamps: &'a [Stamp],
    migrations: &'a [Migration],
}

/// What the no-op check needs of a directory: how many migrations, the newest version, and the
/// [`HistoryDigest`] history has when exactly these migrations are applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirSummary {
    /// Number of migrations.
    pub migrations: usize,
    /// The newest version, as written.
    pub last_version: Option<String>,
    /// [`HistoryDigest::all_applied`] of the migrations.
    pub digest: HistoryDigest,
}

impl DirSummary {
    /// The summary of `migrations` (sorted by version).
    pub fn of(migrations: &[Migration]) -> Self {
        Self {
            migrations: migrations.len(),
            last_version: migrations.last().map(|m| m.version.to_string()),
            digest: HistoryDigest::all_applied(migrations),
        }
    }
}

/// The summary file: a digest of the stamps it is valid for, and the summary. A digest, not the
/// stamps: on a 1,000-file directory their 145 KB of JSON took longer to decode than the
/// connection it runs beside.
#[derive(Serialize, Deserialize)]
struct SummaryFile {
    format: u32,
    key: String,
    stamps: String,
    summary: DirSummary,
}

/// The digest of the files' stamps a summary file records (SHA-256 of each path, a NUL, and the
/// numbers in fixed-width bytes: a path holds no NUL); `None` when a file has no [`Ident`].
/// Hashed as it goes: formatting a thousand stamps as text cost more than the hashing.
fn stamps_digest(found: &[Listed]) -> Option<String> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for f in found {
        let i = f.ident?;
        h.update(f.rel.as_bytes());
        h.update([0]);
        for n in [i.len, i.inode, i.device] {
            h.update(n.to_le_bytes());
        }
        for n in [i.modified_ns, i.changed_ns] {
            h.update(n.to_le_bytes());
        }
    }
    Some(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Cache files not rewritten for this long are removed when another one is written (their
/// directories are likely gone: test runs, old checkouts).
const KEEP: Duration = Duration::from_secs(30 * 24 * 3600);

/// Loads `dir` like [`crate::load_dir`], through a cache file kept in `cache_dir` (created when
/// missing). A cache that cannot be read or written only costs the full load.
///
/// Errors: those of [`crate::load_dir`].
pub fn load_dir_cached(
    dir: &Path,
    opts: &LoadOptions,
    cache_dir: &Path,
) -> Result<Vec<Migration>, SourceErrors> {
    let now = SystemTime::now();
    let key = key(dir, opts);
    let cache = cache_path(cache_dir, &key);
    // The cache is read and decoded while the files are listed and stat'ed: on a 1,000-file
    // directory each half takes milliseconds, and the startup check waits for both.
    let (found, cached) = std::thread::scope(|s| {
        let reader = s.spawn(|| read_cache(&cache, &key));
        let found = list(dir, true);
        (found, reader.join().ok().flatten())
    });
    let found = found.map_err(|e| SourceErrors(vec![e]))?;
    let (Some(stamps), Some(digest)) = (stamps(&found), stamps_digest(&found)) else {
        let files = read_listed(dir, found).map_err(|e| SourceErrors(vec![e]))?;
        return migra_core::load(&files, opts);
    };
    if let Some(hit) = cached.filter(|c| c.stamps == stamps) {
        // A cache from before summaries (or whose summary was removed) gets one.
        let sum = summary_path(&cache);
        if !sum.exists() {
            write_summary(&sum, &key, &digest, &hit.migrations);
        }
        return Ok(hit.migrations);
    }
    let files = read_listed(dir, found).map_err(|e| SourceErrors(vec![e]))?;
    let migrations = migra_core::load(&files, opts)?;
    if stamps.iter().all(|s| settled(s, now)) {
        write_cache(cache_dir, &cache, &key, (&stamps, &digest), &migrations);
    }
    Ok(migrations)
}

/// The summary of `dir` from the cache in `cache_dir`, read without decoding any migration;
/// `None` unless a summary was cached for exactly the files there now (then [`load_dir_cached`]
/// is the way, and writes one).
pub fn dir_summary_cached(dir: &Path, opts: &LoadOptions, cache_dir: &Path) -> Option<DirSummary> {
    let key = key(dir, opts);
    let file = summary_path(&cache_path(cache_dir, &key));
    let (found, cached) = std::thread::scope(|s| {
        let reader = s.spawn(|| -> Option<SummaryFile> {
            let c: SummaryFile = serde_json::from_slice(&std::fs::read(&file).ok()?).ok()?;
            (c.format == FORMAT && c.key == key).then_some(c)
        });
        (list(dir, true).ok(), reader.join().ok().flatten())
    });
    let stamps = stamps_digest(&found?)?;
    cached.filter(|c| c.stamps == stamps).map(|c| c.summary)
}

fn cache_path(cache_dir: &Path, key: &str) -> std::path::PathBuf {
    cache_dir.join(format!("dir-{}.json", &digest(key)[..20]))
}

fn summary_path(cache: &Path) -> std::path::PathBuf {
    // Not the `sum.json` of summaries that listed every stamp: a cache hit writes a summary
    // only where none exists.
    cache.with_extension("summary.json")
}

/// The directory's identity for the cache: its absolute path, the options and this version.
fn key(dir: &Path, opts: &LoadOptions) -> String {
    let abs = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    format!(
        "{}\n{opts:?}\nmigra {}\n{}",
        abs.display(),
        env!("CARGO_PKG_VERSION"),
        migra_core::CHECKSUM_ALGORITHM
    )
}

pub(crate) fn digest(text: &str) -> String {
    migra_core::Checksum::of_parts(&[text]).hex
}

/// Every file's stamp; `None` where a file could not be stat'ed or a platform gives no inode or
/// change time (no cache then).
fn stamps(found: &[Listed]) -> Option<Vec<Stamp>> {
    found
        .iter()
        .map(|f| Some(stamp(&f.rel, f.ident?)))
        .collect()
}

fn stamp(path: &str, i: Ident) -> Stamp {
    Stamp {
        path: path.to_string(),
        len: i.len,
        inode: i.inode,
        device: i.device,
        modified_ns: i.modified_ns,
        changed_ns: i.changed_ns,
    }
}

/// True when the file's times are at least [`SETTLE`] before `now` (and not in the future).
fn settled(s: &Stamp, now: SystemTime) -> bool {
    let now_ns = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128);
    let limit = now_ns - SETTLE.as_nanos() as i128;
    s.modified_ns <= limit && s.changed_ns <= limit
}

/// The cache file for `key`, if it reads and decodes (its stamps are the caller's to check).
fn read_cache(cache: &Path, key: &str) -> Option<CacheFile> {
    let bytes = std::fs::read(cache).ok()?;
    let c: CacheFile = serde_json::from_slice(&bytes).ok()?;
    (c.format == FORMAT && c.key == key).then_some(c)
}

/// Writes the cache and its summary, each through a temporary file and a rename, so a reader
/// never sees half of one (each carries the stamps it is valid for: the cache the stamps, the
/// summary their digest); then removes cache files older than [`KEEP`].
fn write_cache(
    cache_dir: &Path,
    cache: &Path,
    key: &str,
    (stamps, digest): (&[Stamp], &str),
    migrations: &[Migration],
) {
    let c = CacheOut {
        format: FORMAT,
        key,
        stamps,
        migrations,
    };
    let Ok(bytes) = serde_json::to_vec(&c) else {
        return;
    };
    let written = std::fs::create_dir_all(cache_dir).and_then(|()| replace(cache, &bytes));
    if written.is_err() || !write_summary(&summary_path(cache), key, digest, migrations) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(cache_dir) else {
        return;
    };
    for e in entries.flatten() {
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > KEEP);
        let name = e.file_name().to_string_lossy().into_owned();
        if old && (name.starts_with("dir-") || name.starts_with("db-")) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Writes the summary file `path` of `migrations`, valid for the files whose [`stamps_digest`] is
/// `stamps`; false when it could not be written.
fn write_summary(path: &Path, key: &str, stamps: &str, migrations: &[Migration]) -> bool {
    let sum = SummaryFile {
        format: FORMAT,
        key: key.to_string(),
        stamps: stamps.to_string(),
        summary: DirSummary::of(migrations),
    };
    serde_json::to_vec(&sum).is_ok_and(|bytes| replace(path, &bytes).is_ok())
}

/// Replaces `path` with `bytes` through a temporary file and a rename.
pub(crate) fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
