//! PG320 alignment-padding.
use super::prelude::*;
use migra_core::schema::TypeKind;

pub(crate) struct R;

static INFO: Info = Info {
    code: "PG320",
    name: "alignment-padding",
    severity: Severity::Info,
    dialects: PG,
    detects: "A new table whose fixed-width columns are ordered so that alignment padding wastes at least 8 bytes per row.",
    why: "PostgreSQL aligns bigint, timestamp and double columns to 8 bytes and int to 4: a bool or smallint before them leaves padding, multiplied by every row and index entry.",
    instead: "Order fixed-width columns from widest alignment to narrowest (8-byte, 4-byte, 2-byte, 1-byte), variable-length columns last.",
    probe: None,
    examples: &[Example::new(
        PG,
        "",
        "CREATE TABLE m (a boolean, b bigint, c boolean, d bigint, e smallint, f timestamptz);",
        "CREATE TABLE m (b bigint, d bigint, f timestamptz, e smallint, a boolean, c boolean);",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        for c in cx.changes() {
            let Change::AddTable { namespace, table } = c else {
                continue;
            };
            let kinds: Vec<&TypeKind> = table.columns.iter().map(|c| &c.r#type.kind).collect();
            let written = row_width(kinds.iter().copied());
            let mut sorted = kinds.clone();
            sorted.sort_by_key(|k| std::cmp::Reverse(align(k).map_or(0, |(a, _)| a)));
            let best = row_width(sorted.into_iter());
            if written >= best + 8 {
                let obj = cx.object(namespace, &table.name, None);
                out.push(cx.finding(&INFO, format!("{obj}: reordering the columns saves {} bytes of padding per row ({written} → {best})", written - best)).on(obj));
            }
        }
    }
}

/// Alignment and width of a fixed-width type; `None` for variable-length ones.
fn align(k: &TypeKind) -> Option<(usize, usize)> {
    match k {
        TypeKind::Boolean => Some((1, 1)),
        TypeKind::Integer { bits: 16, .. } => Some((2, 2)),
        TypeKind::Integer { bits: 32, .. } | TypeKind::Float { bits: 32 } | TypeKind::Date => {
            Some((4, 4))
        }
        TypeKind::Integer { bits: 64, .. }
        | TypeKind::Float { bits: 64 }
        | TypeKind::Timestamp { .. }
        | TypeKind::Time { tz: false } => Some((8, 8)),
        TypeKind::Uuid => Some((1, 16)),
        _ => None,
    }
}

/// Bytes of the fixed-width prefix of a row laid out in this order (variable-length columns end it).
fn row_width<'a>(kinds: impl Iterator<Item = &'a TypeKind>) -> usize {
    let mut off: usize = 0;
    for k in kinds {
        let Some((a, w)) = align(k) else { break };
        off = off.div_ceil(a) * a + w;
    }
    off
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::testing::check_examples(&super::R);
    }
}
