//! The change catalog on real servers: for every change kind and dialect, the base schema is
//! created, the change's plan runs, and the database introspected afterwards equals the base
//! (as introspected) with the change applied in memory. Kinds a dialect refuses are covered by
//! the catalog's snapshots (migra-dialects/tests/catalog.rs).
#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "../../migra-dialects/tests/catalog_cases/mod.rs"]
mod catalog_cases;
mod common;

use catalog_cases::{base, catalog};
use common::Project;
use common::db::Kind;
use migra_core::schema::Database;
use migra_core::{Change, DialectId, Plan, apply};
use migra_diff::{DiffOptions, diff};

fn inspect(p: &Project, d: DialectId) -> Database {
    let out = p.migra(&["inspect", "--json"]).code(0).stdout;
    let mut db: Database = serde_json::from_str(&out).unwrap();
    if d != DialectId::Postgres {
        for n in &mut db.namespaces {
            n.name.clear();
        }
    }
    db
}

fn run(p: &Project, d: DialectId, plan: &Plan) {
    let script: String = plan
        .steps
        .iter()
        .map(|s| format!("{};\n", s.command))
        .collect();
    if d == DialectId::Sqlite {
        p.exec(&script);
    } else {
        for s in &plan.steps {
            p.exec(&s.command);
        }
    }
}

/// What is left after removing view definitions that differ only in the server's rewriting
/// (a changed view shows as a drop and an add of the same name).
fn without_rewritten_views(changes: Vec<Change>) -> Vec<Change> {
    let dropped: Vec<String> = changes
        .iter()
        .filter_map(|c| match c {
            Change::DropView { view, .. } => Some(view.name.clone()),
            _ => None,
        })
        .collect();
    changes
        .into_iter()
        .filter(|c| match c {
            Change::DropView { view, .. } | Change::AddView { view, .. } => {
                !dropped.contains(&view.name)
            }
            _ => true,
        })
        .collect()
}

/// Runs every catalog case on `kind`'s server; `skipped` names exactly the cases that do not
/// run there (refused with a typed error, or not fitting the base), so a planner that starts
/// refusing a kind fails this test instead of shrinking it.
fn converges(kind: Kind, d: DialectId, skipped: &[&str]) {
    let planner = migra::dialect(d).planner().unwrap();
    let hooks = migra::dialect(d).diff_hooks();
    let mut not_run: Vec<&str> = Vec::new();
    for (name, change) in catalog(d) {
        let base = base(d);
        // Cases that do not fit the base (dropping a schema it lacks) are statement-only;
        // MySQL schemas are databases outside the connection, not read back.
        let fits = apply(&mut base.clone(), &change).is_ok();
        let outside = d == DialectId::Mysql
            && matches!(
                change,
                Change::AddNamespace { .. } | Change::DropNamespace { .. }
            );
        if !fits || outside {
            not_run.push(name);
            continue;
        }
        let plan = match planner.plan(&base, std::slice::from_ref(&change)) {
            Ok(plan) => plan,
            Err(e @ migra_core::PlanError::Unsupported { .. }) => {
                eprintln!("{name} on {}: {e}", d.name());
                not_run.push(name);
                continue;
            }
            Err(e) => panic!("{name} on {}: {e}", d.name()),
        };
        let Some(p) = Project::on(kind) else {
            return;
        };
        let empty = base.emptied();
        let create = planner
            .plan(
                &empty,
                &diff(&empty, &base, &DiffOptions::new(hooks)).unwrap(),
            )
            .unwrap();
        run(&p, d, &create);
        let mut expected = inspect(&p, d);
        run(&p, d, &plan);
        apply(&mut expected, &change).unwrap();
        let live = inspect(&p, d);
        let left =
            without_rewritten_views(diff(&expected, &live, &DiffOptions::new(hooks)).unwrap());
        assert!(
            left.is_empty(),
            "{name} on {}: the database and the model differ after the plan: {left:#?}",
            d.name()
        );
    }
    not_run.sort_unstable();
    assert_eq!(not_run, skipped, "cases that did not run on {}", d.name());
}

#[test]
fn catalog_on_postgres() {
    converges(
        Kind::Postgres,
        DialectId::Postgres,
        &["drop_namespace", "modify_column_on_update"],
    );
}

#[test]
fn catalog_on_mariadb() {
    converges(
        Kind::Mysql,
        DialectId::Mysql,
        &[
            "add_enum",
            "add_namespace",
            "add_sequence",
            "drop_enum",
            "drop_namespace",
            "drop_sequence",
            "modify_enum",
            "modify_sequence",
            "set_namespace_comment",
        ],
    );
}

#[test]
fn catalog_on_sqlite() {
    converges(
        Kind::Sqlite,
        DialectId::Sqlite,
        &[
            "add_enum",
            "add_namespace",
            "add_sequence",
            "drop_enum",
            "drop_namespace",
            "drop_sequence",
            "modify_column_comment",
            "modify_column_identity",
            "modify_column_on_update",
            "modify_enum",
            "modify_sequence",
            "set_comment",
            "set_namespace_comment",
        ],
    );
}
