//! Snapshots for a round trip: the schema and a fingerprint of every table's data, and what
//! differs between two of them.

use migra_core::schema::Database;
use migra_core::{Backend, BackendError, TableFingerprint};
use std::collections::BTreeMap;

/// A schema and a fingerprint of every table's data.
pub(crate) struct Snapshot {
    schema: Database,
    data: BTreeMap<(String, String), (Vec<String>, TableFingerprint)>,
}

/// Reads the schema and fingerprints every table. With `like`, a table that `like` has is
/// fingerprinted over `like`'s columns in `like`'s order when it still has them all (a column
/// dropped and re-added comes back last, and its lost values must still show).
///
/// Errors: the backend cannot inspect, or a query fails.
pub(crate) async fn snapshot(
    b: &mut dyn Backend,
    like: Option<&Snapshot>,
) -> Result<Snapshot, BackendError> {
    let dialect = b.dialect();
    let Some(ins) = b.inspector() else {
        return Err(BackendError::Unsupported {
            dialect: dialect.name().into(),
            what: "inspecting the schema (needed to verify a round trip)".into(),
        });
    };
    let schema = ins.inspect(&[]).await?;
    let mut data = BTreeMap::new();
    for ns in &schema.namespaces {
        for t in &ns.tables {
            let mut cols: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
            let key = (ns.name.clone(), t.name.clone());
            if let Some((was, _)) = like.and_then(|l| l.data.get(&key))
                && was.len() == cols.len()
                && was.iter().all(|c| cols.contains(c))
            {
                cols = was.clone();
            }
            let f = ins.table_fingerprint(&ns.name, &t.name, &cols).await?;
            data.insert((ns.name.clone(), t.name.clone()), (cols, f));
        }
    }
    Ok(Snapshot { schema, data })
}

/// What differs between `before` and `after`: schema changes, then tables whose rows differ.
pub(crate) fn compare(
    dialect: migra_core::DialectId,
    before: &Snapshot,
    after: &Snapshot,
) -> (Vec<String>, Vec<String>) {
    let hooks = crate::dialect(dialect).diff_hooks();
    // What would still turn the schema after the round trip back into the one before it.
    let schema = match migra_diff::diff(
        &after.schema,
        &before.schema,
        &migra_diff::DiffOptions::new(hooks),
    ) {
        Ok(changes) => changes
            .iter()
            .map(|c| {
                format!(
                    "not restored by down, still needed: {}",
                    migra_core::describe(c)
                )
            })
            .collect(),
        Err(e) => vec![format!("the schemas cannot be compared: {e}")],
    };
    let mut data = Vec::new();
    for ((ns, table), (cols, f)) in &before.data {
        let name = if ns.is_empty() || dialect != migra_core::DialectId::Postgres {
            table.clone()
        } else {
            format!("{ns}.{table}")
        };
        match after.data.get(&(ns.clone(), table.clone())) {
            None => data.push(format!("table {name} ({} rows before) is gone", f.rows)),
            // A changed column list is a schema difference, reported above.
            Some((c2, _)) if c2 != cols => {}
            Some((_, g)) if g.rows != f.rows => data.push(format!(
                "table {name}: {} rows before, {} after",
                f.rows, g.rows
            )),
            Some((_, g)) if g.digest != f.digest => data.push(format!(
                "table {name}: same {} rows, but their values changed",
                f.rows
            )),
            Some(_) => {}
        }
    }
    (schema, data)
}
