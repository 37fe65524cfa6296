//! The safety validator as `apply`'s gate: it runs under the run's lock, after history is read,
//! against the live schema and data, so a concurrent runner cannot change what it judged.

use crate::config::Settings;
use crate::output::Out;
use migra::core::{ApplyGate, BackendError, DialectId, Migration, Pending, Verdict};
use migra::validate::{Report, Schema, Target, Validator};

/// Validates what `apply` is about to run; blocking findings refuse the run unless
/// `allow_unsafe` gives a reason, which becomes the run's audit note.
pub struct Gate<'a> {
    pub settings: &'a Settings,
    pub out: &'a Out,
    pub allow_unsafe: Option<&'a str>,
    /// `--backup`: dropped tables and columns are copied aside first, so their data-loss
    /// findings (DL102, DL103) only warn.
    pub backup: bool,
}

#[migra::core::async_trait]
impl ApplyGate for Gate<'_> {
    async fn check(
        &mut self,
        backend: &mut dyn migra::Backend,
        pending: &[Pending<'_>],
    ) -> Result<Verdict, BackendError> {
        let dialect = backend.dialect();
        if pending.is_empty() || dialect == DialectId::Mongodb {
            return Ok(Verdict::Pass);
        }
        let s = self.settings;
        let mut target = Target::new(dialect);
        target.mariadb = s.database.starts_with("mariadb:");
        let target = super::validate::live_target(&target, backend).await;
        let live = live_schema(backend, &target).await?;
        let v = Validator::new(target, s.validate.clone()).for_apply();
        // A resumed migration is judged on the statements still to run: the others are in `live`.
        let todo: Vec<Migration> = pending
            .iter()
            .map(|p| {
                let mut m = p.migration.clone();
                m.up.statements.drain(..p.done.min(m.up.statements.len()));
                m
            })
            .collect();
        let mut report = v.check_migrations(&mut Schema::new(live), &todo, 0);
        migra::probe::probe_findings(backend, &mut report.findings, &s.validate).await?;
        for (p, m) in pending.iter().zip(&todo) {
            if p.interrupted {
                resume_hint(&mut report, p.done, m);
            }
        }
        if self.backup {
            for f in report
                .findings
                .iter_mut()
                .filter(|f| matches!(f.code, "DL102" | "DL103") && f.is_blocking())
            {
                f.severity = migra::validate::Severity::Warning;
                f.message
                    .push_str(" (--backup copies the data aside first; rollback restores it)");
            }
        }
        Ok(self.verdict(&report))
    }
}

/// A blocking finding on the statement an interrupted migration `m` resumes at (after `done`)
/// may only mean that the stopped run had already run it: says how to record that.
fn resume_hint(report: &mut Report, done: usize, m: &Migration) {
    let Some(first) = m.up.statements.first() else {
        return;
    };
    let at = |f: &migra::validate::Finding| {
        f.is_blocking() && f.location.file == m.up.path && f.location.line == first.line
    };
    for f in report.findings.iter_mut().filter(|f| at(f)) {
        f.steps.push(format!(
            "The last run of {} was stopped after {done} statement(s) and may have run this one \
             without recording it: if it is in effect, `migra repair {} --mark-progress {}` \
             records that and `migra apply` goes on after it",
            m.version,
            m.version,
            done + 1
        ));
    }
}

impl Gate<'_> {
    fn verdict(&self, report: &Report) -> Verdict {
        let validation = report.validation();
        if report.is_safe() {
            if !self.out.json && !validation.warnings.is_empty() {
                eprintln!(
                    "note: validation passed with {} warning(s); `migra validate` shows them",
                    validation.warnings.len()
                );
            }
            return Verdict::Pass;
        }
        let blocking: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.is_blocking())
            .map(|f| format!("{} at {}", f.code, f.location.position()))
            .collect();
        if let Some(reason) = self.allow_unsafe.filter(|r| !r.trim().is_empty()) {
            if !self.out.json {
                eprintln!(
                    "warning: applying despite {} blocking finding(s) (--allow-unsafe: {reason})",
                    blocking.len()
                );
            }
            return Verdict::PassWithNote(format!(
                "allow-unsafe: {reason} (overrode {})",
                blocking.join(", ")
            ));
        }
        if self.out.json {
            self.out
                .json(&serde_json::json!({"success": false, "validation": validation}));
        } else {
            let dir = self.settings.dir.clone();
            let source = move |file: &str| std::fs::read_to_string(dir.join(file)).ok();
            eprint!("{}", migra::validate::render::human(report, &source));
            eprintln!(
                "error: validation found {} blocking finding(s); fix them, allow them in the file (-- migra:allow CODE reason=\"...\"), pass --allow-unsafe REASON, or skip validation with --no-validate",
                blocking.len()
            );
        }
        Verdict::Refuse {
            blocking: blocking.len(),
            summary: format!(
                "validation found blocking findings: {}",
                blocking.join(", ")
            ),
        }
    }
}

/// The live schema, its one MySQL or SQLite namespace (named after the database) renamed to the
/// validator's default namespace, as migrations name it.
async fn live_schema(
    backend: &mut dyn migra::Backend,
    target: &Target,
) -> Result<migra::core::schema::Database, BackendError> {
    let Some(inspector) = backend.inspector() else {
        return Err(BackendError::Unsupported {
            dialect: target.dialect.name().into(),
            what: "validation before apply reads the live schema (use --no-validate)".into(),
        });
    };
    let mut live = inspector.inspect(&[]).await?;
    if live.namespaces.len() == 1 && target.dialect != DialectId::Postgres {
        live.namespaces[0].name = target.default_namespace.clone();
    }
    Ok(live)
}
