//! Numbers that could not be stored as written are refused, never changed:
//! an integer beyond 64 bits (which a JSON reader turns into the nearest
//! double: 18446744073709551617 would be stored as ...616), and a number
//! written non-zero that is too small for a double (`1e-400` would be
//! stored as 0). A decimal with more digits than a double holds is read as
//! the nearest double, as every JSON reader does, and stored in the
//! shortest form that reads back as it (RFC 8785); `-0` is stored as `0`.
//!
//! serde_json hands such numbers to the parsers' visitors as doubles,
//! without their text, so a visitor flags a double that may be one of them
//! ([`suspect`]: zero, or an integral value of 2^63 or more) and the
//! parser then reads the text's number tokens exactly ([`check`]). Texts
//! without such a double pay nothing.

use crate::core::error::{Error, Result};
use std::cell::Cell;

thread_local! {
    static SUSPECT: Cell<bool> = const { Cell::new(false) };
}

/// Called by a visitor for every double it reads.
pub(crate) fn saw_double(v: f64) {
    // 2^63: below it serde_json hands every integer over exactly.
    if v == 0.0 || (v.fract() == 0.0 && v.abs() >= 9_223_372_036_854_775_808.0) {
        SUSPECT.with(|s| s.set(true));
    }
}

/// Whether a double read since the last call may not be what the text
/// says (and clears the flag).
pub(crate) fn suspect() -> bool {
    SUSPECT.with(|s| s.replace(false))
}

/// Reads every number of a JSON text exactly; errors name `field` and the
/// number's line and column, never its digits.
pub fn check(field: &str, text: &str) -> Result<()> {
    match find(text) {
        None => Ok(()),
        Some(found) => Err(Error::invalid(field, found.describe(text, 0))),
    }
}

/// A number that cannot be stored as written.
pub(crate) struct Refused {
    /// Its byte offset in the text searched.
    pub offset: usize,
    /// When the text is a JSON array: the element holding it.
    pub element: Option<usize>,
    why: &'static str,
}

impl Refused {
    /// The reason, placed by line and column in `whole`, of which the text
    /// searched starts at byte `start`.
    pub fn describe(&self, whole: &str, start: usize) -> String {
        let at = start + self.offset;
        let before = &whole.as_bytes()[..at];
        let line = 1 + before.iter().filter(|b| **b == b'\n').count();
        let column = at
            - before
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1)
            + 1;
        format!("the number at line {line}, column {column} {}", self.why)
    }
}

/// The first number of `text` that cannot be stored as written.
pub(crate) fn find(text: &str) -> Option<Refused> {
    let bytes = text.as_bytes();
    let top_array = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    let (mut depth, mut element) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b',' => {
                if depth == 1 {
                    element += 1;
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                i += 1;
                while i < bytes.len()
                    && matches!(bytes[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                {
                    i += 1;
                }
                if let Some(why) = refused(&text[start..i]) {
                    return Some(Refused {
                        offset: start,
                        element: top_array.then_some(element),
                        why,
                    });
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// Why a number token cannot be stored as written, if it cannot.
fn refused(token: &str) -> Option<&'static str> {
    let digits = token.strip_prefix('-').unwrap_or(token);
    if digits.bytes().all(|b| b.is_ascii_digit()) {
        let fits = if token.starts_with('-') {
            token.parse::<i64>().is_ok()
        } else {
            token.parse::<u64>().is_ok()
        };
        return (!fits).then_some(
            "is an integer beyond 64 bits, which would not be stored exactly (send it as a string)",
        );
    }
    let value: f64 = token.parse().ok()?;
    let mantissa = digits.split(['e', 'E']).next().unwrap_or(digits);
    let written_zero = mantissa.bytes().all(|b| b == b'0' || b == b'.');
    (value == 0.0 && !written_zero)
        .then_some("is too small for a double and would be stored as 0 (send it as a string)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_numbers_that_would_change_are_refused() {
        for ok in [
            r#"{"a":0,"b":0.0,"c":-0,"d":1e20,"e":18446744073709551615,"f":-9223372036854775808}"#,
            r#"{"g":0.1000000000000000055511151231257827,"h":5e-324,"i":"1e-400","j":0e10}"#,
        ] {
            assert!(check("x", ok).is_ok(), "{ok}");
        }
        let big = check("before", r#"{"n": 18446744073709551616}"#)
            .unwrap_err()
            .to_string();
        assert_eq!(
            big,
            "before: the number at line 1, column 7 is an integer beyond 64 bits, which would not be stored exactly (send it as a string)"
        );
        assert!(!big.contains("18446744073709551616"));
        assert!(check("x", "[-9223372036854775809]").is_err());
        let found = find(r#"[{"a":1},{"b":[1,2],"c":1e-400}]"#).unwrap();
        assert_eq!(found.element, Some(1));
        let small = check("x", "{\n \"n\": 1e-400}").unwrap_err().to_string();
        assert!(
            small.contains("line 2, column 7") && small.contains("stored as 0"),
            "{small}"
        );
    }
}
