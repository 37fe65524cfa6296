//! The change catalog: every change kind (and every column aspect) planned for each dialect,
//! kept as one insta snapshot per kind. A dialect that cannot carry a change out shows its
//! typed error instead of statements.
#![allow(clippy::unwrap_used)]

mod catalog_cases;
use catalog_cases::{DIALECTS, base, catalog};
use migra_core::Change;

#[test]
fn every_change_kind_for_every_dialect() {
    let per_dialect: Vec<Vec<(&str, Change)>> = DIALECTS.iter().map(|d| catalog(*d)).collect();
    for i in 0..per_dialect[0].len() {
        let name = per_dialect[0][i].0;
        let mut text = String::new();
        for (d, changes) in DIALECTS.iter().zip(&per_dialect) {
            let planner = migra_dialects::dialect(*d).planner().unwrap();
            text.push_str(&format!("== {}\n", d.name()));
            match planner.plan(&base(*d), std::slice::from_ref(&changes[i].1)) {
                Ok(plan) => {
                    for s in &plan.steps {
                        text.push_str(&format!("{};\n", s.command));
                        for h in &s.hazards {
                            text.push_str(&format!("  -- {:?}: {}\n", h.kind, h.message));
                        }
                    }
                }
                Err(e) => text.push_str(&format!("error: {e}\n")),
            }
        }
        insta::assert_snapshot!(name, text);
    }
}
