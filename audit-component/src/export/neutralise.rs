//! Formula neutralisation of CSV cells (OWASP CSV Injection), reversible:
//! what every exported cell goes through, and what a reader undoes.

use std::borrow::Cow;

/// Characters that make a spreadsheet read a cell as a formula when it
/// starts with one (OWASP CSV Injection), with their full-width forms that
/// some spreadsheets also accept, and `'` itself, so that the prefix can
/// always be taken off again.
const TRIGGERS: &[char] = &[
    '=', '+', '-', '@', '\t', '\r', '\n', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}', '\'',
];

/// A cell made safe for spreadsheets: text that starts with a formula
/// character gets a `'` in front, which spreadsheets show as text. A cell
/// that starts with `'` gets one too, so that taking one leading `'` off a
/// cell that has one always gives the original text back. A cell that is
/// a number as JSON writes it (`-5`, `-1.5e3`) is left alone: it is a value
/// to compute with, not a formula.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(c) if TRIGGERS.contains(&c) && !is_json_number(cell) => {
            let mut out = String::with_capacity(cell.len() + 1);
            out.push('\'');
            out.push_str(cell);
            Cow::Owned(out)
        }
        _ => Cow::Borrowed(cell),
    }
}

/// The original text of a neutralised cell (what a reader of the export
/// does): one leading `'` taken off.
pub fn restore(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

/// `-?int(.frac)?(e[+-]?exp)?` with JSON's rules (no leading zeros).
fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if b.first() == Some(&b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    let int_start = i;
    let n = digits(&mut i);
    if n == 0 || (n > 1 && b[int_start] == b'0') {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_restorable() {
        for (cell, out) in [
            ("=1+2", "'=1+2"),
            ("+1", "'+1"),
            ("-1+cmd", "'-1+cmd"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("\nx", "'\nx"),
            ("\u{ff1d}1", "'\u{ff1d}1"),
            ("'=1", "''=1"),
            ("'", "''"),
            ("a=1", "a=1"),
            ("", ""),
            ("\u{2013}", "\u{2013}"),
            ("-5", "-5"),
            ("-1.5e3", "-1.5e3"),
            ("-0.25", "-0.25"),
            ("-01", "'-01"),
            ("-", "'-"),
            ("-1e", "'-1e"),
            ("+5", "'+5"),
        ] {
            assert_eq!(neutralise(cell), out, "{cell:?}");
            assert_eq!(restore(&neutralise(cell)), cell, "{cell:?}");
        }
    }
}
