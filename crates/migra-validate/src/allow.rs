//! `-- migra:allow CODE[,CODE...] reason="..."`: silencing a finding on one statement, with a reason.

use migra_core::Statement;

/// One allow directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allow {
    /// 1-based line of the comment.
    pub line: u32,
    /// Codes (or rule names) it allows.
    pub codes: Vec<String>,
    /// The reason; `None` when missing (then it allows nothing and is reported).
    pub reason: Option<String>,
}

/// Reads every allow directive of a script whose text starts at `first_line`.
pub fn scan(text: &str, first_line: u32) -> Vec<Allow> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(at) = line.find("--") else { continue };
        let Some(rest) = line[at + 2..].trim_start().strip_prefix("migra:allow") else {
            continue;
        };
        let (codes, reason) = match rest.find("reason=") {
            Some(p) => (&rest[..p], Some(unquote(rest[p + 7..].trim()))),
            None => (rest, None),
        };
        out.push(Allow {
            line: first_line + i as u32,
            codes: codes
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect(),
            reason: reason.filter(|r| !r.trim().is_empty()),
        });
    }
    out
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    if let Some(inner) = s.strip_prefix('"') {
        inner.split('"').next().unwrap_or("").to_string()
    } else {
        s.split_whitespace().next().unwrap_or("").to_string()
    }
}

/// Index of the statement a directive belongs to: the statement whose lines hold it, else the
/// first statement after it.
pub fn target(statements: &[Statement], line: u32) -> Option<usize> {
    statements
        .iter()
        .position(|s| s.line <= line && line <= s.end_line())
        .or_else(|| statements.iter().position(|s| s.line > line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_codes_and_reason() {
        let a = scan(
            "x\n-- migra:allow DL103, PG301 reason=\"column unused since v2.3\"\n",
            5,
        );
        assert_eq!(
            a,
            vec![Allow {
                line: 6,
                codes: vec!["DL103".into(), "PG301".into()],
                reason: Some("column unused since v2.3".into())
            }]
        );
        assert_eq!(scan("-- migra:allow DL103", 1)[0].reason, None);
        assert_eq!(scan("-- migra:allow DL103 reason=\"\"", 1)[0].reason, None);
    }
}
