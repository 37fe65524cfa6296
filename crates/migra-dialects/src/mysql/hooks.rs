//! MySQL's and MariaDB's equality hooks: the server quotes identifiers with backticks in
//! expressions it prints, and spells `CURRENT_TIMESTAMP` as a call.

use migra_core::DiffHooks;
use migra_core::normalize_sql;
use migra_core::schema::ColumnDefault;

/// MySQL's [`DiffHooks`].
#[derive(Debug, Clone, Copy, Default)]
pub struct MysqlHooks;

/// `text` as the server would print it: backticks gone, `current_timestamp()` as
/// `current_timestamp`, layout normalized.
fn canonical(text: &str) -> String {
    normalize_sql(&text.replace('`', ""))
        .replace("current_timestamp()", "current_timestamp")
        // MariaDB prints upper/lower by their old names.
        .replace("ucase(", "upper(")
        .replace("lcase(", "lower(")
        // MariaDB's length() is octet_length(), and it prints that name.
        .replace("octet_length(", "length(")
}

impl DiffHooks for MysqlHooks {
    fn defaults_equal(&self, from: &ColumnDefault, to: &ColumnDefault) -> bool {
        let text = |d: &ColumnDefault| match d {
            ColumnDefault::Literal(v) | ColumnDefault::Expression(v) => canonical(v),
        };
        text(from) == text(to)
    }

    fn expressions_equal(&self, from: &str, to: &str) -> bool {
        canonical(from) == canonical(to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_call_parentheses_are_not_differences() {
        assert!(MysqlHooks.expressions_equal("`age` >= 0", "age >= 0"));
        assert!(MysqlHooks.defaults_equal(
            &ColumnDefault::Expression("current_timestamp()".into()),
            &ColumnDefault::Expression("CURRENT_TIMESTAMP".into())
        ));
    }
}
