//! Rename hints written in target DDL: `-- migra:renamed-from OLD` on the line that creates a
//! table (`CREATE TABLE persons ( -- migra:renamed-from people`) or defines a column
//! (`full_name TEXT, -- migra:renamed-from name`).

/// The hints in `text` as `--rename` values (`old=new`, `table.old=table.new`).
pub(crate) fn renamed_from(text: &str) -> Vec<String> {
    let mut hints = Vec::new();
    let mut table: Option<String> = None;
    for line in text.lines() {
        let (code, comment) = line.split_once("--").unwrap_or((line, ""));
        let upper = code.to_ascii_uppercase();
        if let Some(i) = upper.find("CREATE TABLE") {
            let rest = code[i + "CREATE TABLE".len()..].trim_start();
            let rest = rest
                .strip_prefix("IF NOT EXISTS")
                .or_else(|| rest.strip_prefix("if not exists"))
                .unwrap_or(rest)
                .trim_start();
            table = first_identifier(rest).map(|t| t.rsplit('.').next().unwrap_or(&t).to_string());
        }
        let Some(old) = comment
            .trim()
            .strip_prefix("migra:renamed-from")
            .map(str::trim)
            .filter(|o| !o.is_empty())
        else {
            continue;
        };
        let old = old.trim_matches(|c| c == '"' || c == '`');
        match (&table, upper.contains("CREATE TABLE")) {
            (Some(t), true) => hints.push(format!("{old}={t}")),
            (Some(t), false) => {
                if let Some(column) = first_identifier(code) {
                    hints.push(format!("{t}.{old}={t}.{column}"));
                }
            }
            (None, _) => {}
        }
    }
    hints
}

/// The first identifier of `text`, unquoted (`"a b"`, `` `x` ``, or a bare word).
fn first_identifier(text: &str) -> Option<String> {
    let t = text.trim_start();
    let mut chars = t.chars();
    match chars.next()? {
        q @ ('"' | '`') => Some(chars.take_while(|c| *c != q).collect()),
        _ => {
            let word: String = t
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.' || *c == '$')
                .collect();
            (!word.is_empty()).then_some(word)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_on_tables_and_columns() {
        let sql = "CREATE TABLE persons ( -- migra:renamed-from people\n    id INTEGER,\n    \"full_name\" TEXT, -- migra:renamed-from name\n    age INT -- just a comment\n);";
        assert_eq!(
            renamed_from(sql),
            ["people=persons", "persons.name=persons.full_name"]
        );
        assert!(renamed_from("CREATE TABLE t (a INT); -- migra:renamed-from").is_empty());
    }
}
