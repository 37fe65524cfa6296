//! Properties of the differ over generated schemas (strategies in `migra_core::strategy`).
#![allow(clippy::unwrap_used)]

use migra_core::schema::Database;
use migra_core::strategy::{arb_database, arb_pair, database, shuffle};
use migra_core::{DefaultHooks, apply_all};
use migra_diff::{DiffOptions, diff};
use proptest::prelude::*;

/// `db` with every list sorted by name, columns included: the differ does not compare order.
fn canonical(db: &Database) -> Database {
    let mut db = db.clone();
    db.namespaces.sort_by(|a, b| a.name.cmp(&b.name));
    for n in &mut db.namespaces {
        n.tables.sort_by(|a, b| a.name.cmp(&b.name));
        n.views.sort_by(|a, b| a.name.cmp(&b.name));
        n.enums.sort_by(|a, b| a.name.cmp(&b.name));
        n.sequences.sort_by(|a, b| a.name.cmp(&b.name));
        for t in &mut n.tables {
            t.columns.sort_by(|a, b| a.name.cmp(&b.name));
            t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
            t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
            t.checks.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }
    db
}

/// `changes` with the columns of created and dropped tables sorted by name.
fn column_order_free(mut changes: Vec<migra_core::Change>) -> Vec<migra_core::Change> {
    for c in &mut changes {
        if let migra_core::Change::AddTable { table, .. }
        | migra_core::Change::DropTable { table, .. } = c
        {
            table.columns.sort_by(|x, y| x.name.cmp(&y.name));
        }
    }
    changes
}

fn opts() -> DiffOptions<'static> {
    DiffOptions::new(&DefaultHooks)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn a_schema_has_no_diff_with_itself(a in arb_database()) {
        prop_assert!(diff(&a, &a, &opts()).unwrap().is_empty());
    }

    #[test]
    fn applying_the_diff_gives_the_target((a, b) in arb_pair()) {
        let changes = diff(&a, &b, &opts()).unwrap();
        let mut got = a.clone();
        apply_all(&mut got, &changes).unwrap();
        prop_assert_eq!(canonical(&got), canonical(&b));
        prop_assert!(diff(&got, &b, &opts()).unwrap().is_empty());
    }

    #[test]
    fn unrelated_schemas_converge_too(x in any::<u64>(), y in any::<u64>()) {
        let (a, b) = (database(x), database(y));
        let changes = diff(&a, &b, &opts()).unwrap();
        let mut got = a.clone();
        apply_all(&mut got, &changes).unwrap();
        prop_assert_eq!(canonical(&got), canonical(&b));
    }

    /// Shuffled tables, columns, indexes, keys, checks, views, enums, sequences and namespaces
    /// give the same changes; only a created or dropped table lists its columns in the input's
    /// order (that order is the table's own).
    #[test]
    fn input_order_does_not_change_the_output((a, b) in arb_pair(), s in any::<u64>()) {
        let plain = column_order_free(diff(&a, &b, &opts()).unwrap());
        let shuffled = column_order_free(
            diff(&shuffle(&a, s), &shuffle(&b, s.wrapping_add(1)), &opts()).unwrap(),
        );
        prop_assert_eq!(plain, shuffled);
    }
}
