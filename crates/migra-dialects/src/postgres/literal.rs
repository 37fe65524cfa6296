//! History values written into SQL text, for the one statement string that records a step and
//! commits it (a simple query cannot carry parameters).

use crate::rows::Arg;

/// `args` as PostgreSQL literals separated by `, `, for an `EXECUTE name (...)` list.
///
/// Text becomes an `E'...'` string (backslash and quote escaped), which reads the same whatever
/// `standard_conforming_strings` says; integers are written as digits; `None` is `NULL`.
///
/// Errors: a text value holds a NUL byte, which PostgreSQL text cannot store and which would cut
/// the query string short.
pub(super) fn list(args: &[Arg<'_>]) -> Result<String, String> {
    let mut out = String::with_capacity(512);
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        literal(&mut out, *arg)?;
    }
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
    fn values_become_literals_in_order() {
        let args = [
            Arg::Text("it's a \\ test"),
            Arg::Int(-7),
            Arg::OptText(None),
            Arg::OptText(Some("x")),
            Arg::Int(12),
        ];
        assert_eq!(
            list(&args).unwrap(),
            "E'it''s a \\\\ test', -7, NULL, E'x', 12"
        );
        assert_eq!(list(&[]).unwrap(), "");
    }

    #[test]
    fn a_nul_byte_is_an_error() {
        assert!(list(&[Arg::Int(1), Arg::Text("a\0b")]).is_err());
        assert!(list(&[Arg::OptText(Some("\0"))]).is_err());
    }
}
