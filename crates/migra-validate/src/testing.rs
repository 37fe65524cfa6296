//! Test support: run a rule's examples on every dialect they are written for.

use crate::config::Config;
use crate::engine::Validator;
use crate::report::Report;
use crate::rule::{Direction, Rule, ScriptInfo};
use crate::state::Schema;
use crate::target::Target;
use migra_core::{DialectId, split::split};
use std::fmt::Write;

pub(crate) fn split_opts(d: DialectId) -> migra_core::SplitOptions {
    match d {
        DialectId::Mysql => migra_core::SplitOptions::MYSQL,
        DialectId::Sqlite => migra_core::SplitOptions::SQLITE,
        DialectId::Mongodb => migra_core::SplitOptions::MONGODB,
        _ => migra_core::SplitOptions::POSTGRES,
    }
}

/// Runs `sql` as an up part with or without a down part.
pub fn run_script(target: Target, code: &str, setup: &str, sql: &str, has_down: bool) -> Report {
    check(target, code, setup, sql, true, Direction::Up, has_down)
}

/// Checks `sql` (after replaying `setup`) on `target` and keeps the findings of rule `code`.
pub(crate) fn check(
    target: Target,
    code: &str,
    setup: &str,
    sql: &str,
    transactional: bool,
    direction: Direction,
    has_down: bool,
) -> Report {
    let mut config = Config::default();
    config.enable.push(code.to_string());
    let d = target.dialect;
    let v = Validator::new(target, config);
    let mut schema = Schema::default();
    #[allow(clippy::unwrap_used)]
    v.replay(&mut schema, &split(setup, 1, &split_opts(d)).unwrap());
    let info = ScriptInfo {
        path: "migration.sql".into(),
        version: Some("2".into()),
        direction,
        transactional,
        has_down,
    };
    let mut report = Report::default();
    #[allow(clippy::unwrap_used)]
    let stmts = split(sql, 1, &split_opts(d)).unwrap();
    v.check_script(&mut schema, &info, &stmts, sql, 1, &mut report);
    report.findings.retain(|f| f.code == code);
    report
}

/// One line per finding, with everything a user sees.
pub fn render(r: &Report) -> String {
    let mut s = String::new();
    for f in &r.findings {
        let _ = writeln!(
            s,
            "{} {} {} at {}:{}{}: {}",
            f.severity.name(),
            f.code,
            f.rule,
            f.location.line,
            f.location.column,
            f.location
                .object
                .as_ref()
                .map(|o| format!(" [{o}]"))
                .unwrap_or_default(),
            f.message
        );
        for st in &f.steps {
            let _ = writeln!(s, "  step: {st}");
        }
        if let Some(p) = &f.probe {
            let _ = writeln!(
                s,
                "  probe: {}",
                serde_json::to_string(p).unwrap_or_default()
            );
        }
        if let Some(a) = &f.allowed {
            let _ = writeln!(s, "  allowed: {a}");
        }
    }
    if s.is_empty() {
        s.push_str("(no findings)\n");
    }
    s
}

/// Checks every example of `rule`: `bad` is flagged, `good` is not; the findings are snapshotted per
/// dialect.
pub fn check_examples(rule: &dyn Rule) {
    let info = rule.info();
    assert!(!info.examples.is_empty(), "{} has no examples", info.code);
    for d in info.dialects {
        assert!(
            info.examples.iter().any(|e| e.dialects.contains(d)),
            "{} has no example for {}",
            info.code,
            d.name()
        );
    }
    for d in info.dialects {
        let mut snap = String::new();
        for (n, e) in info
            .examples
            .iter()
            .enumerate()
            .filter(|(_, e)| e.dialects.contains(d))
        {
            let mut target = Target::new(*d);
            target.version = e
                .version
                .map(|(major, minor)| crate::target::ServerVersion { major, minor });
            // The directive in the script decides, as it does when migrations are loaded.
            let tx = |sql: &str| !e.no_transaction && !sql.contains("-- migra:no-transaction");
            let dir = if e.down {
                Direction::Down
            } else {
                Direction::Up
            };
            let bad = check(
                target.clone(),
                info.code,
                e.setup,
                e.bad,
                tx(e.bad),
                dir,
                true,
            );
            let good = check(target, info.code, e.setup, e.good, tx(e.good), dir, true);
            assert!(
                !bad.findings.is_empty(),
                "{} example {n} on {}: the bad case is not flagged",
                info.code,
                d.name()
            );
            assert!(
                good.findings.is_empty(),
                "{} example {n} on {}: the good case is flagged:\n{}",
                info.code,
                d.name(),
                render(&good)
            );
            let _ = write!(
                snap,
                "-- example {n}: flagged\n{}\n{}-- example {n}: instead\n{}\n{}",
                e.bad.trim(),
                render(&bad),
                e.good.trim(),
                render(&good)
            );
        }
        insta::with_settings!({snapshot_path => "rules/snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
            insta::assert_snapshot!(format!("{}_{}", info.code, d.name()), snap);
        });
    }
}

/// Snapshots `run(dialect)` for every dialect `rule` applies to, as `{CODE}_{dialect}` beside
/// the example snapshots (rules checked outside statements: history, directives).
pub(crate) fn snapshot_per_dialect(rule: &dyn Rule, run: impl Fn(DialectId) -> String) {
    let info = rule.info();
    for d in info.dialects {
        let snap = run(*d);
        insta::with_settings!({snapshot_path => "rules/snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
            insta::assert_snapshot!(format!("{}_{}", info.code, d.name()), snap);
        });
    }
}
