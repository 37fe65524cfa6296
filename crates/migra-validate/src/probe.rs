//! Live data probes: the questions a rule asks a reachable database, and how the answer moves a
//! finding's severity. The validator only describes probes; a dialect runs them (read-only, under a
//! statement timeout) and hands back [`Answer`]s.

use serde::Serialize;

/// A data question about the database as it is before the migration runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "probe", rename_all = "snake_case")]
pub enum Probe {
    /// Rows in a table.
    Rows {
        /// Namespace.
        namespace: String,
        /// Table.
        table: String,
    },
    /// Rows where the column is not NULL (values a drop would delete).
    NonNull {
        /// Namespace.
        namespace: String,
        /// Table.
        table: String,
        /// Column.
        column: String,
    },
    /// Rows where the column is NULL (rows a NOT NULL would reject).
    Nulls {
        /// Namespace.
        namespace: String,
        /// Table.
        table: String,
        /// Column.
        column: String,
    },
    /// Groups of rows sharing a value of these columns (rows a unique key would reject).
    Duplicates {
        /// Namespace.
        namespace: String,
        /// Table.
        table: String,
        /// Columns of the new key.
        columns: Vec<String>,
    },
    /// Rows whose key has no referenced row (rows a foreign key would reject).
    Orphans {
        /// Namespace.
        namespace: String,
        /// Referencing table.
        table: String,
        /// Referencing columns.
        columns: Vec<String>,
        /// Referenced namespace.
        ref_namespace: String,
        /// Referenced table.
        ref_table: String,
        /// Referenced columns.
        ref_columns: Vec<String>,
    },
    /// Rows for which the CHECK expression is false.
    Violations {
        /// Namespace.
        namespace: String,
        /// Table.
        table: String,
        /// The check's expression, as written.
        expression: String,
    },
    /// Rows whose value does not fit the new type.
    TooLong {
        /// Namespace.
        namespace: String,
        /// Table.
        table: String,
        /// Column.
        column: String,
        /// Longest value the new type keeps (characters).
        max_length: u32,
    },
    /// Rows using one of these enum values.
    ValueUse {
        /// Namespace.
        namespace: String,
        /// Table.
        table: String,
        /// Column.
        column: String,
        /// Values being removed.
        values: Vec<String>,
    },
}

/// What a probe found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// The count the probe asks for (rows, values, groups).
    pub count: u64,
    /// True when the count comes from a sample or the planner's estimate, not an exact scan.
    pub estimated: bool,
}

/// How a probe reads a big table: all of it, or a sample of about `rows` rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scan {
    /// Every row.
    Full,
    /// About this many rows (PostgreSQL `TABLESAMPLE SYSTEM`, elsewhere the first rows).
    Sample {
        /// Rows in the table (estimated).
        total: u64,
        /// Rows to read.
        rows: u64,
    },
}

impl Probe {
    /// The table the probe reads.
    pub fn table(&self) -> (&str, &str) {
        match self {
            Probe::Rows { namespace, table }
            | Probe::NonNull {
                namespace, table, ..
            }
            | Probe::Nulls {
                namespace, table, ..
            }
            | Probe::Duplicates {
                namespace, table, ..
            }
            | Probe::Orphans {
                namespace, table, ..
            }
            | Probe::Violations {
                namespace, table, ..
            }
            | Probe::TooLong {
                namespace, table, ..
            }
            | Probe::ValueUse {
                namespace, table, ..
            } => (namespace, table),
        }
    }

    /// A query returning one integer: the count the probe asks for, read `scan`-wise. Identifiers
    /// go through `quote`; values are escaped literals. A sample's count still needs
    /// [`Scan::scale`].
    pub fn sql(
        &self,
        dialect: migra_core::DialectId,
        quote: &dyn Fn(&str) -> String,
        scan: Scan,
    ) -> String {
        use migra_core::DialectId as D;
        let t = |ns: &str, table: &str| {
            if ns.is_empty() || dialect != D::Postgres && ns == "main" {
                quote(table)
            } else {
                format!("{}.{}", quote(ns), quote(table))
            }
        };
        let (ns, table) = self.table();
        let from = match scan {
            Scan::Full => t(ns, table),
            Scan::Sample { total, rows } if dialect == D::Postgres => {
                let pct = (rows as f64 * 100.0 / total.max(1) as f64).clamp(0.0001, 100.0);
                format!("{} TABLESAMPLE SYSTEM ({pct:.4})", t(ns, table))
            }
            Scan::Sample { rows, .. } => {
                format!("(SELECT * FROM {} LIMIT {rows}) AS sample", t(ns, table))
            }
        };
        let len = if dialect == D::Mysql {
            "CHAR_LENGTH"
        } else {
            "length"
        };
        match self {
            Probe::Rows { .. } => format!("SELECT count(*) FROM {from}"),
            Probe::NonNull { column, .. } => format!("SELECT count({}) FROM {from}", quote(column)),
            Probe::Nulls { column, .. } => format!(
                "SELECT count(*) FROM {from} WHERE {} IS NULL",
                quote(column)
            ),
            Probe::Duplicates { columns, .. } => {
                let cols: Vec<String> = columns.iter().map(|c| quote(c)).collect();
                let not_null: Vec<String> =
                    cols.iter().map(|c| format!("{c} IS NOT NULL")).collect();
                format!(
                    "SELECT count(*) FROM (SELECT 1 AS x FROM {from} WHERE {} GROUP BY {} HAVING count(*) > 1) AS dup",
                    not_null.join(" AND "),
                    cols.join(", ")
                )
            }
            Probe::Orphans {
                columns,
                ref_namespace,
                ref_table,
                ref_columns,
                ..
            } => {
                let not_null: Vec<String> = columns
                    .iter()
                    .map(|c| format!("c.{} IS NOT NULL", quote(c)))
                    .collect();
                let join: Vec<String> = columns
                    .iter()
                    .zip(ref_columns)
                    .map(|(c, r)| format!("p.{} = c.{}", quote(r), quote(c)))
                    .collect();
                format!(
                    "SELECT count(*) FROM {from} c WHERE {} AND NOT EXISTS (SELECT 1 FROM {} p WHERE {})",
                    not_null.join(" AND "),
                    t(ref_namespace, ref_table),
                    join.join(" AND ")
                )
            }
            // A CHECK passes when its expression is NULL, so only FALSE violates it.
            Probe::Violations { expression, .. } => {
                format!("SELECT count(*) FROM {from} WHERE NOT COALESCE(({expression}), TRUE)")
            }
            Probe::TooLong {
                column, max_length, ..
            } => {
                format!(
                    "SELECT count(*) FROM {from} WHERE {len}({}) > {max_length}",
                    quote(column)
                )
            }
            Probe::ValueUse { column, values, .. } => {
                let lits: Vec<String> = values
                    .iter()
                    .map(|v| format!("'{}'", v.replace('\'', "''")))
                    .collect();
                format!(
                    "SELECT count(*) FROM {from} WHERE {} IN ({})",
                    quote(column),
                    lits.join(", ")
                )
            }
        }
    }
}

impl Scan {
    /// Scales a count read from this scan up to the whole table.
    pub fn scale(self, count: u64) -> u64 {
        match self {
            Scan::Full => count,
            Scan::Sample { total, rows } => {
                (count as f64 * total as f64 / rows.max(1) as f64).round() as u64
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use migra_core::DialectId;

    fn q(s: &str) -> String {
        format!("\"{s}\"")
    }

    #[test]
    fn probe_queries() {
        let o = Probe::Orphans {
            namespace: "public".into(),
            table: "orders".into(),
            columns: vec!["user_id".into()],
            ref_namespace: "public".into(),
            ref_table: "users".into(),
            ref_columns: vec!["id".into()],
        };
        assert_eq!(
            o.sql(DialectId::Postgres, &q, Scan::Full),
            "SELECT count(*) FROM \"public\".\"orders\" c WHERE c.\"user_id\" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM \"public\".\"users\" p WHERE p.\"id\" = c.\"user_id\")"
        );
        let n = Probe::NonNull {
            namespace: "".into(),
            table: "t".into(),
            column: "c".into(),
        };
        assert_eq!(
            n.sql(
                DialectId::Mysql,
                &q,
                Scan::Sample {
                    total: 10_000_000,
                    rows: 100_000
                }
            ),
            "SELECT count(\"c\") FROM (SELECT * FROM \"t\" LIMIT 100000) AS sample"
        );
        assert_eq!(
            Scan::Sample {
                total: 10_000_000,
                rows: 100_000
            }
            .scale(7),
            700
        );
        let v = Probe::ValueUse {
            namespace: "main".into(),
            table: "t".into(),
            column: "c".into(),
            values: vec!["it's".into()],
        };
        assert_eq!(
            v.sql(DialectId::Sqlite, &q, Scan::Full),
            "SELECT count(*) FROM \"t\" WHERE \"c\" IN ('it''s')"
        );
    }
}
