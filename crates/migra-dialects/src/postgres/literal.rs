//! History values written into SQL text, for the one statement string that records a step and
//! commits it (a simple query cannot carry parameters).

use crate::rows::Arg;

/// `template` with each `$N` replaced by `args[N - 1]` as a PostgreSQL literal.
///
/// Text becomes an `E'...'` string (backslash and quote escaped), which reads the same whatever
/// `standard_conforming_strings` says; integers are written as digits; `None` is `NULL`.
/// `template` must hold no other `$` (the history SQL is built from plain identifiers).
///
/// Errors: a text value holds a NUL byte, which PostgreSQL text cannot store and which would cut
/// the query string short.
pub(super) fn inline(template: &str, args: &[Arg<'_>]) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let digits = rest[at + 1..]
            .find(|c: char| !c.is_ascii_digit())
            .map_or(rest.len() - at - 1, |n| n);
        let n: usize = rest[at + 1..at + 1 + digits]
            .parse()
            .map_err(|_| format!("`$` without a parameter number in `{template}`"))?;
        let arg = n
            .checked_sub(1)
            .and_then(|i| args.get(i))
            .ok_or_else(|| format!("no value for ${n}"))?;
        literal(&mut out, *arg)?;
        rest = &rest[at + 1 + digits..];
    }
    out.push_str(rest);
    Ok(out)
}

fn literal(out: &mut String, arg: Arg<'_>) -> Result<(), String> {
    match arg {
        Arg::Int(v) => out.push_str(&v.to_string()),
        Arg::OptText(None) => out.push_str("NULL"),
        Arg::Text(s) | Arg::OptText(Some(s)) => {
            if s.contains('\0') {
                return Err("a history value holds a NUL byte".into());
            }
            out.push_str("E'");
            for c in s.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\'' => out.push_str("''"),
                    c => out.push(c),
                }
            }
            out.push('\'');
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn values_replace_their_placeholders() {
        let args = [
            Arg::Text("it's a \\ test"),
            Arg::Int(-7),
            Arg::OptText(None),
            Arg::OptText(Some("x")),
        ];
        let out = inline("VALUES ($1, $2, $3, $4) -- $1", &args).unwrap();
        assert_eq!(
            out,
            "VALUES (E'it''s a \\\\ test', -7, NULL, E'x') -- E'it''s a \\\\ test'"
        );
    }

    #[test]
    fn two_digit_placeholders_are_read_whole() {
        let args: Vec<Arg> = (1..=12).map(Arg::Int).collect();
        assert_eq!(inline("$1,$12,$2", &args).unwrap(), "1,12,2");
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(inline("$2", &[Arg::Int(1)]).is_err());
        assert!(inline("$0", &[Arg::Int(1)]).is_err());
        assert!(inline("a $ b", &[]).is_err());
        assert!(inline("$1", &[Arg::Text("a\0b")]).is_err());
    }
}
