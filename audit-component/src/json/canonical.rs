//! Canonical JSON: the exact bytes that are hashed and stored.
//!
//! RFC 8785 (JCS): object members sorted by the UTF-16 code units of their
//! names, no insignificant whitespace, strings escaped minimally (`"`, `\`
//! and control characters below U+0020, with `\b \t \n \f \r` or `\u00xx`),
//! numbers written as ECMAScript writes a double (`1.0` is `1`, `1e21` is
//! `1e+21`, `-0` is `0`). One deliberate difference: an integer that a double
//! cannot hold exactly (beyond ±2^53) is written exactly as given instead of
//! rounded, so that a stored number is never altered. For every document
//! whose numbers are doubles this is byte for byte RFC 8785.
//!
//! Consequence, relied on by the diff: two numbers are equal when their
//! canonical forms are (`1` equals `1.0`).

use serde_json::{Number, Value};

/// The canonical text of a JSON value.
pub fn to_string(value: &Value) -> String {
    let mut out = String::with_capacity(256);
    write(value, &mut out);
    out
}

/// Appends the canonical text of `value` to `out`. Recursion is bounded by
/// the depth limit every parsed document already obeys.
pub fn write(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            // serde_json's map is usually ordered by UTF-8 bytes (unless its
            // `preserve_order` feature is on), and UTF-8 order differs from
            // UTF-16 order only for names with characters above U+FFFF.
            let byte_sorted = members.windows(2).all(|w| w[0].0 <= w[1].0);
            if !byte_sorted
                || members
                    .iter()
                    .any(|(k, _)| k.chars().any(|c| c > '\u{ffff}'))
            {
                members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            }
            out.push('{');
            for (i, (key, item)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write(item, out);
            }
            out.push('}');
        }
    }
}

fn write_number(n: &Number, out: &mut String) {
    if let Some(i) = n.as_i64() {
        write_integer(i as i128, out);
    } else if let Some(u) = n.as_u64() {
        write_integer(u as i128, out);
    } else if let Some(f) = n.as_f64() {
        let mut buffer = ryu_js::Buffer::new();
        out.push_str(buffer.format(f));
    }
}

fn write_integer(i: i128, out: &mut String) {
    // Within ±2^53 a double holds the integer exactly and ECMAScript writes
    // it in plain digits, which is also what we write beyond that range.
    use std::fmt::Write;
    let _ = write!(out, "{i}");
}

/// Appends a JSON string literal, escaped as RFC 8785 requires.
pub fn write_string(s: &str, out: &mut String) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xf) as usize] as char);
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Canonical JSON `text` with U+2028, U+2029 and U+0085 written as `\u`
/// escapes: the same JSON value, on a line that no reader splitting lines
/// at Unicode line breaks (Python's `str.splitlines`, editors, JavaScript
/// before ES2019) cuts in two. What an event line carries (`codec.to-json`,
/// JSON Lines exports); what is hashed stays RFC 8785, and a verifier
/// parses the line, so both forms verify alike.
pub fn line_safe(text: String) -> String {
    // The separators are the only characters starting with these bytes
    // that need escaping; most text has neither, and is returned as it is.
    if memchr::memchr2(0xe2, 0xc2, text.as_bytes()).is_none() {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 12);
    for c in text.chars() {
        match c {
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            '\u{85}' => out.push_str("\\u0085"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{line_safe, to_string};
    use serde_json::json;

    fn canon(text: &str) -> String {
        to_string(&serde_json::from_str(text).unwrap())
    }

    #[test]
    fn rfc8785_examples() {
        // RFC 8785 section 3.2.2 (numbers) and 3.2.3 (sorting).
        assert_eq!(
            canon(
                r#"{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001]}"#
            ),
            r#"{"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27]}"#
        );
        assert_eq!(
            canon(
                r#"{"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis"}"#
            ),
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\",\"\u{1f600}\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        );
    }

    #[test]
    fn numbers_equal_by_value() {
        assert_eq!(canon("1.0"), "1");
        assert_eq!(canon("-0.0"), "0");
        assert_eq!(canon("1e21"), "1e+21");
        assert_eq!(canon("100"), "100");
    }

    #[test]
    fn big_integers_stay_exact() {
        assert_eq!(canon("9007199254740993"), "9007199254740993");
        assert_eq!(canon("-9223372036854775808"), "-9223372036854775808");
        assert_eq!(canon("18446744073709551615"), "18446744073709551615");
    }

    #[test]
    fn line_breaks_beyond_ascii_are_escaped_on_a_line_only() {
        let value = json!({"a": "x\u{2028}y\u{2029}z\u{85}—é"});
        let line = line_safe(to_string(&value));
        assert_eq!(line, r#"{"a":"x\u2028y\u2029z\u0085—é"}"#);
        assert_eq!(line.lines().count(), 1);
        let back: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(to_string(&back), to_string(&value), "the same value");
        assert_eq!(
            line_safe("{\"a\":\"plain é\"}".into()),
            "{\"a\":\"plain é\"}"
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        let s = to_string(&json!("a\nb\u{1b}[2J\u{0}\u{7f}\u{2028}"));
        assert_eq!(s, "\"a\\nb\\u001b[2J\\u0000\u{7f}\u{2028}\"");
        assert!(!s.contains('\n'));
    }
}
