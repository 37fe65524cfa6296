//! Runs the rules over scripts, replaying each statement into the schema after its checks.

use crate::allow::{self, Allow};
use crate::analyze::{Analysis, Kind, analyze};
use crate::config::{Config, RuleSetting};
use crate::finding::Finding;
use crate::report::Report;
use crate::rule::{Direction, Rule, ScriptCx, ScriptInfo, StmtCx};
use crate::state::Schema;
use crate::target::Target;
use migra_core::{Migration, Script, Statement};

/// A configured set of rules for one target.
pub struct Validator {
    rules: Vec<(&'static dyn Rule, Option<crate::finding::Severity>)>,
    target: Target,
    config: Config,
    /// What "new" means: created by the same migration (false), or by any migration of the run.
    run_scope: bool,
    /// Check down parts too.
    downs: bool,
}

impl Validator {
    /// Every rule of the catalog that applies to `target`, as `config` sets them.
    pub fn new(target: Target, config: Config) -> Self {
        let rules = crate::registry::all()
            .iter()
            .copied()
            .filter(|r| r.info().dialects.contains(&target.dialect))
            .filter_map(|r| {
                let info = r.info();
                if crate::registry::OPT_IN.contains(&info.code)
                    && !config.enabled(info.code, info.name)
                {
                    return None;
                }
                match config.setting(info.code, info.name) {
                    RuleSetting::Off => None,
                    RuleSetting::Severity(s) => Some((r, Some(s))),
                    RuleSetting::Default => Some((r, None)),
                }
            })
            .collect();
        Self {
            rules,
            target,
            config,
            run_scope: false,
            downs: true,
        }
    }

    /// Settings for checking a run about to be applied: tables and columns created by any
    /// migration of the run count as new (they hold no rows from before the run), and down parts,
    /// which the run does not execute, are not checked.
    pub fn for_apply(mut self) -> Self {
        self.run_scope = true;
        self.downs = false;
        self
    }

    /// The target.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Replays a script into `schema` without checking it (migrations already applied).
    pub fn replay(&self, schema: &mut Schema, statements: &[Statement]) {
        schema.begin_script();
        for s in statements {
            let a = analyze(&self.target, schema, &s.sql);
            commit(schema, &a);
        }
    }

    /// Analyses one statement against `schema`, applies its effect, and returns the analysis (its
    /// lowered changes say what it did), without checking it or starting a new migration scope.
    pub fn replay_one(&self, schema: &mut Schema, sql: &str) -> Analysis {
        let a = analyze(&self.target, schema, sql);
        commit(schema, &a);
        a
    }

    /// Applies statements to `schema` without checking them or starting a new migration scope.
    #[cfg(test)]
    pub(crate) fn replay_keeping_scope(&self, schema: &mut Schema, statements: &[Statement]) {
        for s in statements {
            let a = analyze(&self.target, schema, &s.sql);
            commit(schema, &a);
        }
    }

    /// Checks one script, statement by statement, against `schema`, which ends up as the schema
    /// after the script.
    pub fn check_script(
        &self,
        schema: &mut Schema,
        info: &ScriptInfo,
        statements: &[Statement],
        text: &str,
        first_line: u32,
        report: &mut Report,
    ) {
        if report.target.is_none() {
            report.target = Some(self.target.clone());
        }
        if info.direction == Direction::Up && !self.run_scope {
            schema.begin_script();
        }
        let mut analysed: Vec<(&Statement, Analysis)> = Vec::with_capacity(statements.len());
        let mut findings = Vec::new();
        for (index, stmt) in statements.iter().enumerate() {
            let analysis = analyze(&self.target, schema, &stmt.sql);
            let cx = StmtCx {
                target: &self.target,
                config: &self.config,
                script: info,
                index,
                stmt,
                analysis: &analysis,
                schema,
            };
            for (rule, _) in &self.rules {
                rule.check_statement(&cx, &mut findings);
            }
            commit(schema, &analysis);
            if analysis.opaque.is_some() || analysis.syntax_error.is_some() {
                report.unanalysed += 1;
            }
            // Script rules read kinds, words and changes; the AST is dropped to keep memory flat.
            let mut analysis = analysis;
            analysis.ast = None;
            analysed.push((stmt, analysis));
        }
        let cx = ScriptCx {
            target: &self.target,
            config: &self.config,
            script: info,
            statements: &analysed,
        };
        for (rule, _) in &self.rules {
            rule.check_script(&cx, &mut findings);
        }
        for f in &mut findings {
            if let Some((_, Some(s))) = self.rules.iter().find(|(r, _)| r.info().code == f.code) {
                f.severity = *s;
            }
        }
        if info.direction == Direction::Down {
            cap_down_findings(&mut findings);
        }
        let allows = allow::scan(text, first_line);
        apply_allows(&allows, statements, &mut findings, info);
        report.statements += statements.len();
        report.scripts += 1;
        report.findings.extend(findings);
    }

    /// Checks migrations in order. The first `applied` are replayed only (they ran already); each
    /// later one has its up part checked, then its down part against the schema after the up part.
    pub fn check_migrations(
        &self,
        schema: &mut Schema,
        migrations: &[Migration],
        applied: usize,
    ) -> Report {
        let mut report = Report {
            target: Some(self.target.clone()),
            ..Report::default()
        };
        for (i, m) in migrations.iter().enumerate() {
            if i < applied {
                self.replay(schema, &m.up.statements);
                continue;
            }
            if i == applied {
                schema.begin_script();
            }
            let info = script_info(m, &m.up, Direction::Up);
            self.check_script(
                schema,
                &info,
                &m.up.statements,
                &m.up.text,
                m.up.first_line,
                &mut report,
            );
            if let Some(down) = m.down.as_ref().filter(|_| self.downs) {
                schema.begin_journal();
                let info = script_info(m, down, Direction::Down);
                self.check_script(
                    schema,
                    &info,
                    &down.statements,
                    &down.text,
                    down.first_line,
                    &mut report,
                );
                schema.undo_journal();
            }
        }
        report.findings.sort_by(|a, b| {
            (&a.location.file, a.location.line, a.location.column, a.code).cmp(&(
                &b.location.file,
                b.location.line,
                b.location.column,
                b.code,
            ))
        });
        report
    }
}

fn script_info(m: &Migration, s: &Script, direction: Direction) -> ScriptInfo {
    ScriptInfo {
        path: s.path.clone(),
        version: Some(m.version.to_string()),
        direction,
        transactional: m.transaction,
        has_down: m.down.is_some(),
    }
}

/// A down part runs only on rollback, which is undoing on purpose: its data-loss, lock and
/// compatibility findings inform (warning) rather than block. Findings that mean the down part will
/// fail (transactions, syntax, missing objects, SQLite forms) keep their severity.
fn cap_down_findings(findings: &mut [Finding]) {
    for f in findings {
        let family = &f.code[..2];
        if matches!(family, "DL" | "DD" | "PG" | "MY" | "BC" | "OP" | "SD")
            && f.severity == crate::finding::Severity::Error
        {
            f.severity = crate::finding::Severity::Warning;
            f.message
                .push_str(" (in a down part: runs only on rollback)");
        }
    }
}

/// Applies a statement's effect to the replayed schema.
fn commit(schema: &mut Schema, a: &Analysis) {
    if let Some(cmd) = &a.mongo {
        schema.apply_mongo(cmd);
    }
    for c in a.lowered.changes.iter().chain(&a.lowered.quiet) {
        // A change that does not fit was reported by lowering already; the model stays as it was.
        let _ = schema.apply(c);
    }
    for (kind, ns, name, add) in &a.lowered.others {
        schema.set_other(kind, ns, name, *add);
    }
    if a.opaque.is_some() && matches!(a.kind, Kind::Ddl | Kind::Procedural | Kind::Other) {
        schema.mark_uncertain(uncertain_table(a, schema));
    }
}

/// The table an unanalysed `CREATE/ALTER TABLE name` concerns; `None` means it may concern any.
fn uncertain_table(a: &Analysis, schema: &Schema) -> Option<(String, String)> {
    let w = &a.words;
    let name = if w.starts_with(&["ALTER", "TABLE"]) || w.starts_with(&["CREATE", "TABLE"]) {
        w.name_from(2)?
    } else {
        return None;
    };
    let lower = name.to_lowercase();
    schema
        .database()
        .namespaces
        .iter()
        .find_map(|n| {
            n.tables
                .iter()
                .find(|t| t.name == name || t.name == lower)
                .map(|t| (n.name.clone(), t.name.clone()))
        })
        .or_else(|| Some((String::new(), lower)))
}

fn apply_allows(
    allows: &[Allow],
    statements: &[Statement],
    findings: &mut Vec<Finding>,
    info: &ScriptInfo,
) {
    for a in allows {
        let Some(i) = allow::target(statements, a.line) else {
            continue;
        };
        let s = &statements[i];
        let Some(reason) = &a.reason else {
            findings.push(crate::rules::al000_allow_needs_reason::finding(info, a));
            continue;
        };
        for f in findings.iter_mut() {
            let inside = f.location.line >= s.line && f.location.line <= s.end_line();
            if inside && a.codes.iter().any(|c| c == f.code || c == f.rule) {
                f.allowed = Some(reason.clone());
            }
        }
    }
}
