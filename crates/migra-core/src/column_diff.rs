//! Which aspects of a column differ: the differ and the validator ask the same question.

use crate::schema::Column;
use crate::{ColumnAspect, DiffHooks};
use std::collections::BTreeSet;

/// The aspects in which `from` and `to` differ (empty when they are the same column), with the
/// dialect's notion of equal types, defaults and expressions from `hooks`.
pub fn column_aspects(from: &Column, to: &Column, hooks: &dyn DiffHooks) -> BTreeSet<ColumnAspect> {
    let mut what = BTreeSet::new();
    if !hooks.types_equal(&from.r#type, &to.r#type) {
        what.insert(ColumnAspect::Type);
    }
    if from.nullable != to.nullable {
        what.insert(ColumnAspect::Nullability);
    }
    let default_same = match (&from.default, &to.default) {
        (None, None) => true,
        (Some(a), Some(b)) => hooks.defaults_equal(a, b),
        _ => false,
    };
    if !default_same {
        what.insert(ColumnAspect::Default);
    }
    let identity_same = match (&from.identity, &to.identity) {
        (None, None) => true,
        // Start and increment count only when both sides know them.
        (Some(a), Some(b)) => {
            a.always == b.always
                && known_equal(a.start, b.start)
                && known_equal(a.increment, b.increment)
        }
        _ => false,
    };
    if !identity_same {
        what.insert(ColumnAspect::Identity);
    }
    let generated_same = match (&from.generated, &to.generated) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            a.stored == b.stored && hooks.expressions_equal(&a.expression, &b.expression)
        }
        _ => false,
    };
    if !generated_same {
        what.insert(ColumnAspect::Generated);
    }
    if from.collation != to.collation {
        what.insert(ColumnAspect::Collation);
    }
    if from.comment != to.comment {
        what.insert(ColumnAspect::Comment);
    }
    let on_update_same = match (&from.on_update, &to.on_update) {
        (None, None) => true,
        (Some(a), Some(b)) => hooks.expressions_equal(a, b),
        _ => false,
    };
    if !on_update_same {
        what.insert(ColumnAspect::OnUpdate);
    }
    what
}

fn known_equal(a: Option<i64>, b: Option<i64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}
