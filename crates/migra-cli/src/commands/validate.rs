//! `migra validate`: what the migrations will break, before they run.

use crate::config::Settings;
use crate::fail::Failure;
use crate::output::{Out, say_raw};
use migra::core::{DialectId, LoadOptions, Migration, RevisionStatus, SplitOptions, split::split};
use migra::validate::rule::{Direction, ScriptInfo};
use migra::validate::{Report, Schema, ServerVersion, Target, Validator};
use std::path::{Path, PathBuf};

/// Output names `--output` (and, for this command, `--format`) accept.
pub const OUTPUTS: &[&str] = &["human", "json", "sarif"];

/// The command's own arguments.
pub struct Args {
    pub paths: Vec<PathBuf>,
    pub dialect: Option<String>,
    pub server_version: Option<String>,
    pub all: bool,
    pub output: Option<String>,
}

/// Runs the validation and prints it. Exit 3 when a blocking finding is not allowed.
///
/// Errors: unknown dialect or output, a bad `[validate]` config, unreadable files, malformed
/// migration directories (duplicate versions become HI004 findings instead), connection failures.
pub async fn run(s: &Settings, out: Out, a: Args) -> Result<(), Failure> {
    let target = target(s, &a)?;
    let known = migra::validate::registry::all()
        .iter()
        .map(|r| (r.info().code, r.info().name));
    s.validate
        .check(known)
        .map_err(|e| Failure::usage(format!("migra.toml [validate]: {e}")))?;
    let output = match a.output.as_deref() {
        None if out.json => "json",
        None => "human",
        Some(o) if OUTPUTS.contains(&o) => o,
        Some(o) => {
            return Err(Failure::usage(format!(
                "unknown output `{o}` (human, json, sarif)"
            )));
        }
    };
    let v = Validator::new(target.clone(), s.validate.clone());
    let paths = if a.paths.is_empty() {
        vec![s.dir.clone()]
    } else {
        a.paths.clone()
    };
    let mut report = Report::default();
    for p in &paths {
        if p.is_dir() {
            let r = check_dir(s, &v, &target, p, a.all).await?;
            merge(&mut report, r);
        } else {
            merge(&mut report, check_file(&v, &target, p)?);
        }
    }
    // Findings name a file as given (a single file) or relative to its directory.
    let source = |file: &str| {
        paths.iter().find_map(|p| {
            let path = if p.is_dir() { p.join(file) } else { p.clone() };
            (p.is_dir() || p.display().to_string() == file)
                .then(|| std::fs::read_to_string(path).ok())
                .flatten()
        })
    };
    match output {
        "json" => out.json(&report.validation()),
        "sarif" => out.json(&migra::validate::render::sarif(&report)),
        _ => say_raw!("{}", migra::validate::render::human(&report, &source)),
    }
    if report.is_safe() {
        Ok(())
    } else {
        Err(Failure::unsafe_migration(report.validation().errors.len()))
    }
}

fn merge(into: &mut Report, r: Report) {
    into.findings.extend(r.findings);
    into.statements += r.statements;
    into.scripts += r.scripts;
    into.unanalysed += r.unanalysed;
    if into.target.is_none() {
        into.target = r.target;
    }
}

/// The dialect (flag, else the database URL's) and the server version (flag).
fn target(s: &Settings, a: &Args) -> Result<Target, Failure> {
    let (dialect, mariadb) = match a.dialect.as_deref() {
        Some(d) => {
            let id = DialectId::from_scheme(d).ok_or_else(|| {
                Failure::usage(format!(
                    "unknown dialect `{d}` (postgres, mysql, mariadb, sqlite, mongodb)"
                ))
            })?;
            (id, d.eq_ignore_ascii_case("mariadb"))
        }
        None => (
            migra::dialect_of_url(&s.database)?,
            s.database.starts_with("mariadb:"),
        ),
    };
    let mut t = Target::new(dialect);
    t.mariadb = mariadb;
    if let Some(v) = &a.server_version {
        t.version = Some(ServerVersion::parse(v).ok_or_else(|| {
            Failure::usage(format!(
                "--server-version `{v}` is not a version like 15 or 10.11"
            ))
        })?);
    }
    Ok(t)
}

/// `t` with the live server's version (and MariaDB-ness) unless a version was given; a server
/// that cannot say keeps the version unknown.
pub(super) async fn live_target(t: &Target, backend: &mut dyn migra::Backend) -> Target {
    if t.version.is_some() {
        return t.clone();
    }
    let reported = match backend.inspector() {
        Some(i) => i.server_version().await.ok(),
        None => None,
    };
    match reported {
        Some(r) => t.clone().with_server(&r),
        None => t.clone(),
    }
}

fn split_options(d: DialectId) -> SplitOptions {
    migra::dialect(d).split_options()
}

/// True when history records `m` as applied.
fn is_applied(m: &Migration, history: &[migra::core::Revision]) -> bool {
    history
        .iter()
        .any(|r| r.status == RevisionStatus::Applied && m.version.matches(&r.version))
}

/// Replays applied migrations, checks the rest (every one with `all`), and checks the history.
fn check_loaded(
    v: &Validator,
    migrations: &[Migration],
    history: &[migra::core::Revision],
    all: bool,
) -> Report {
    let applied = |m: &Migration| is_applied(m, history);
    // Applied migrations come first in version order when history is in order; out-of-order
    // pending ones are reported (HI002) and checked like the others.
    let replay = if all {
        0
    } else {
        migrations.iter().take_while(|m| applied(m)).count()
    };
    let mut report = v.check_migrations(&mut Schema::default(), migrations, replay);
    report
        .findings
        .extend(migra::validate::check_history(migrations, history));
    report
}

/// One SQL file, as one script (`-- migra:no-transaction` makes it non-transactional).
fn check_file(v: &Validator, t: &Target, p: &Path) -> Result<Report, Failure> {
    let text = std::fs::read_to_string(p)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", p.display())))?;
    let statements = split(&text, 1, &split_options(t.dialect))
        .map_err(|e| Failure::usage(format!("{}:{}: {}", p.display(), e.line, e.kind)))?;
    let info = ScriptInfo {
        path: p.display().to_string(),
        version: None,
        direction: Direction::Up,
        transactional: !text.contains("-- migra:no-transaction"),
        has_down: true,
    };
    let mut report = Report::default();
    v.check_script(
        &mut Schema::default(),
        &info,
        &statements,
        &text,
        1,
        &mut report,
    );
    Ok(report)
}

/// A migration directory: with a database, applied migrations are replayed and only pending ones
/// checked (unless `all`), and the history is checked too.
async fn check_dir(
    s: &Settings,
    v: &Validator,
    t: &Target,
    dir: &Path,
    all: bool,
) -> Result<Report, Failure> {
    let mut load = LoadOptions::new(split_options(t.dialect));
    load.layout = s.format;
    load.whole_scripts = s.no_split;
    let (migrations, mut dup_findings) = match migra::exec::load_dir(dir, &load) {
        Ok(m) => (m, Vec::new()),
        Err(errors) => {
            let (dups, rest) = migra::validate::duplicate_versions(errors.0);
            if !rest.is_empty() || dups.is_empty() {
                return Err(migra::SourceErrors(rest).into());
            }
            (Vec::new(), dups)
        }
    };
    if s.database_given {
        let opts = migra::ConnectOptions {
            table: s.table.clone(),
            read_only: true,
            ..Default::default()
        };
        let mut backend = migra::connect(&s.database, &opts).await?;
        let history = backend.read_history().await?;
        let live = live_target(t, backend.as_mut()).await;
        let v = &Validator::new(live, s.validate.clone());
        let mut report = check_loaded(v, &migrations, &history, all);
        // Probes answer for the data as it is now: only meaningful for what has not run yet.
        if !all {
            migra::probe::probe_findings(backend.as_mut(), &mut report.findings, &s.validate)
                .await?;
        }
        report.findings.append(&mut dup_findings);
        return Ok(report);
    }
    let mut report = check_loaded(v, &migrations, &[], all);
    report.findings.append(&mut dup_findings);
    Ok(report)
}
