//! The document tree that redaction and the diff work on.
//!
//! A parsed JSON document whose strings borrow from the input text where
//! they can (most strings and member names have no escapes), whose objects
//! are member lists sorted by name (so two objects diff by a merge of two
//! sorted lists), and which can hold a hidden value: a redacted secret,
//! written as its placeholder and compared by its digest.
//!
//! Parsing is strict where serde_json is lenient: an object that names a
//! member twice is refused (serde_json would keep the last one silently,
//! and an audit log must not record a state the sender may not have meant).
//! Nesting is bounded by serde_json's recursion limit, so every recursive
//! walk here (equality, hashing, writing, dropping) stays within
//! [`crate::core::limits::MAX_JSON_DEPTH`] levels.

use crate::core::error::Result;
use crate::json::canonical;
use crate::json::numbers;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};
use std::borrow::Cow;
use std::fmt;

/// One JSON value.
#[derive(Debug, Clone)]
pub enum Node<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as serde_json read it (integers exact up to 64 bits).
    Number(Number),
    /// A string.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Node<'a>>),
    /// An object: members sorted by the bytes of their names, names unique.
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
    /// A redacted value: an index into the [`Hidden`] table of its document.
    Hidden(u32),
}

/// What a hidden value is written as, unless it has a display of its own
/// (a masked card number).
pub const PLACEHOLDER: &str = "[redacted]";

/// A redacted value: what is shown in its place, and how it compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hidden {
    /// The text written in place of the value: `[redacted]`, or a masked
    /// card number such as `411111******1111`.
    pub display: String,
    /// Two hidden values are equal when their digests are: the keyed
    /// fingerprint when the host has a key, else a SHA-256 kept in memory
    /// only (never written anywhere).
    pub digest: [u8; 32],
    /// The keyed fingerprint (lowercase hex HMAC-SHA-256), when the host has
    /// a key for the tenant.
    pub fingerprint: Option<String>,
}

/// Parses JSON text into a tree; errors name `field` and never quote the
/// text.
pub fn parse<'a>(field: &str, text: &'a str) -> Result<Node<'a>> {
    numbers::suspect();
    let mut de = serde_json::Deserializer::from_str(text);
    let node = Node::deserialize(&mut de).map_err(|e| crate::json::parse::json_error(field, &e))?;
    de.end()
        .map_err(|e| crate::json::parse::json_error(field, &e))?;
    if numbers::suspect() {
        numbers::check(field, text)?;
    }
    Ok(node)
}

impl<'de> Deserialize<'de> for Node<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node<'de>, E> {
        Ok(Node::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Node<'de>, E> {
        Ok(Node::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Node<'de>, E> {
        Ok(Node::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node<'de>, E> {
        numbers::saw_double(v);
        Number::from_f64(v)
            .map(Node::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Node<'de>, E> {
        Ok(Node::String(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Node<'de>, E> {
        Ok(Node::String(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Node<'de>, E> {
        Ok(Node::String(Cow::Owned(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node<'de>, A::Error> {
        let mut members: Vec<(Cow<'de, str>, Node<'de>)> = Vec::new();
        while let Some(Name(name)) = map.next_key()? {
            members.push((name, map.next_value()?));
        }
        members.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        if members.windows(2).any(|w| w[0].0 == w[1].0) {
            // The name is not quoted: member names can carry data too.
            return Err(de::Error::custom("an object names the same member twice"));
        }
        Ok(Node::Object(members))
    }
}

/// A member name, borrowed from the input when it has no escapes (serde's
/// own `Cow<str>` always copies).
struct Name<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor;
        impl<'de> Visitor<'de> for NameVisitor {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(NameVisitor)
    }
}

impl Node<'_> {
    /// The empty object, the state a creation starts from.
    pub const EMPTY_OBJECT: Node<'static> = Node::Object(Vec::new());

    /// Whether this is an object or an array.
    pub fn is_container(&self) -> bool {
        matches!(self, Node::Object(_) | Node::Array(_))
    }

    /// The member `name` of an object.
    pub fn member(&self, name: &str) -> Option<&Self> {
        match self {
            Node::Object(members) => members
                .binary_search_by(|(k, _)| k.as_ref().cmp(name))
                .ok()
                .map(|i| &members[i].1),
            _ => None,
        }
    }
}

/// JSON equality with numbers compared by value, as the canonical form
/// writes them (`1` equals `1.0`), and hidden values by digest.
pub fn equal(a: &Node, b: &Node, hidden: &[Hidden]) -> bool {
    equal_counted(a, b, hidden, &mut 0)
}

/// [`equal`], adding the number of nodes it visited to `visited` (the
/// diff's unit of work).
pub fn equal_counted(a: &Node, b: &Node, hidden: &[Hidden], visited: &mut u64) -> bool {
    *visited += 1;
    match (a, b) {
        (Node::Null, Node::Null) => true,
        (Node::Bool(x), Node::Bool(y)) => x == y,
        (Node::Number(x), Node::Number(y)) => numbers_equal(x, y),
        (Node::String(x), Node::String(y)) => x == y,
        (Node::Array(x), Node::Array(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|(a, b)| equal_counted(a, b, hidden, visited))
        }
        (Node::Object(x), Node::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, a), (kb, b))| ka == kb && equal_counted(a, b, hidden, visited))
        }
        (Node::Hidden(x), Node::Hidden(y)) => x == y || digest(hidden, *x) == digest(hidden, *y),
        _ => false,
    }
}

fn digest(hidden: &[Hidden], index: u32) -> Option<&[u8; 32]> {
    hidden.get(index as usize).map(|h| &h.digest)
}

/// Two numbers are equal when their canonical texts are.
pub fn numbers_equal(x: &Number, y: &Number) -> bool {
    match (integer(x), integer(y)) {
        (Some(a), Some(b)) => a == b,
        (None, None) => x.as_f64() == y.as_f64(),
        // An integer and a double: rare, compare what would be written.
        _ => number_text(x) == number_text(y),
    }
}

fn integer(n: &Number) -> Option<i128> {
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
}

fn number_text(n: &Number) -> String {
    canonical::to_string(&Value::Number(n.clone()))
}

/// A hash consistent with [`equal`]: equal values hash alike.
pub fn hash(node: &Node, hidden: &[Hidden]) -> u64 {
    let mut h = Fx(0);
    hash_into(node, hidden, &mut h);
    h.0
}

/// A small multiplicative hash (the rustc "Fx" mix): fast, and only used to
/// skip comparisons, never for anything that is stored.
struct Fx(u64);

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn bytes(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([
                c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
            ]));
        }
        let mut last = [0u8; 8];
        last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.add(u64::from_le_bytes(last) ^ ((bytes.len() as u64) << 56));
    }
}

fn hash_into(node: &Node, hidden: &[Hidden], h: &mut Fx) {
    match node {
        Node::Null => h.add(1),
        Node::Bool(b) => h.add(2 + u64::from(*b)),
        Node::Number(n) => {
            h.add(4);
            // Integers a double holds exactly hash as integers whichever way
            // they were written; every other number by its canonical text.
            const EXACT: f64 = 9_007_199_254_740_992.0;
            let exact = match integer(n) {
                Some(i) if i.unsigned_abs() <= EXACT as u128 => Some(i as i64),
                Some(_) => None,
                None => n
                    .as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() <= EXACT)
                    .map(|f| f as i64),
            };
            match exact {
                Some(i) => h.add(i as u64),
                None => h.bytes(number_text(n).as_bytes()),
            }
        }
        Node::String(s) => {
            h.add(5);
            h.bytes(s.as_bytes());
        }
        Node::Array(items) => {
            h.add(6 ^ ((items.len() as u64) << 8));
            for item in items {
                hash_into(item, hidden, h);
            }
        }
        Node::Object(members) => {
            h.add(7 ^ ((members.len() as u64) << 8));
            for (k, v) in members {
                h.bytes(k.as_bytes());
                hash_into(v, hidden, h);
            }
        }
        Node::Hidden(i) => {
            h.add(8);
            if let Some(d) = digest(hidden, *i) {
                h.bytes(d);
            }
        }
    }
}

/// Appends the canonical JSON text (RFC 8785, as [`crate::json::canonical`]) of
/// a node; hidden values are written as their placeholders.
pub fn write(node: &Node, hidden: &[Hidden], out: &mut String) {
    match node {
        Node::Null => out.push_str("null"),
        Node::Bool(true) => out.push_str("true"),
        Node::Bool(false) => out.push_str("false"),
        Node::Number(n) => canonical::write(&Value::Number(n.clone()), out),
        Node::String(s) => canonical::write_string(s, out),
        Node::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, hidden, out);
            }
            out.push(']');
        }
        Node::Object(members) => {
            out.push('{');
            // Sorted by UTF-8 bytes, which is RFC 8785's UTF-16 order unless
            // a name holds a character above U+FFFF.
            if members
                .iter()
                .any(|(k, _)| k.chars().any(|c| c > '\u{ffff}'))
            {
                let mut sorted: Vec<&(Cow<str>, Node)> = members.iter().collect();
                sorted.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
                write_members(sorted.into_iter(), hidden, out);
            } else {
                write_members(members.iter(), hidden, out);
            }
            out.push('}');
        }
        Node::Hidden(i) => canonical::write_string(placeholder(hidden, *i), out),
    }
}

fn write_members<'x, 'a: 'x>(
    members: impl Iterator<Item = &'x (Cow<'a, str>, Node<'a>)>,
    hidden: &[Hidden],
    out: &mut String,
) {
    for (i, (k, v)) in members.enumerate() {
        if i > 0 {
            out.push(',');
        }
        canonical::write_string(k, out);
        out.push(':');
        write(v, hidden, out);
    }
}

/// What a hidden value is written as.
pub fn placeholder(hidden: &[Hidden], index: u32) -> &str {
    hidden
        .get(index as usize)
        .map_or(PLACEHOLDER, |h| h.display.as_str())
}

/// The number of bytes [`write`] would produce.
pub fn text_len(node: &Node, hidden: &[Hidden]) -> usize {
    match node {
        Node::Null => 4,
        Node::Bool(true) => 4,
        Node::Bool(false) => 5,
        Node::Number(n) => match integer(n) {
            Some(i) => i.to_string().len(),
            None => number_text(n).len(),
        },
        Node::String(s) => string_len(s),
        Node::Array(items) => {
            2 + items.len().saturating_sub(1)
                + items.iter().map(|i| text_len(i, hidden)).sum::<usize>()
        }
        Node::Object(members) => {
            2 + members.len().saturating_sub(1)
                + members
                    .iter()
                    .map(|(k, v)| string_len(k) + 1 + text_len(v, hidden))
                    .sum::<usize>()
        }
        Node::Hidden(i) => string_len(placeholder(hidden, *i)),
    }
}

/// The length of a string literal as [`canonical::write_string`] writes it.
pub fn string_len(s: &str) -> usize {
    2 + s.len()
        + s.bytes()
            .map(|b| match b {
                b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 1,
                0x00..=0x1f => 5,
                _ => 0,
            })
            .sum::<usize>()
}

/// The node as a serde_json value (hidden values as their placeholders).
pub fn to_value(node: &Node, hidden: &[Hidden]) -> Value {
    match node {
        Node::Null => Value::Null,
        Node::Bool(b) => Value::Bool(*b),
        Node::Number(n) => Value::Number(n.clone()),
        Node::String(s) => Value::String(s.to_string()),
        Node::Array(items) => Value::Array(items.iter().map(|i| to_value(i, hidden)).collect()),
        Node::Object(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| (k.to_string(), to_value(v, hidden)))
                .collect(),
        ),
        Node::Hidden(i) => Value::String(placeholder(hidden, *i).to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(text: &str) -> Node<'_> {
        parse("doc", text).unwrap()
    }

    fn canon(text: &str) -> String {
        let mut out = String::new();
        write(&node(text), &[], &mut out);
        out
    }

    #[test]
    fn writes_what_canonical_writes() {
        for text in [
            r#"{"b":[1,2.50,{"z":null,"a":true}],"a":"x\u0001\"","\ud83d\ude00":1,"\ufb33":2}"#,
            "1e21",
            "-0.0",
            "18446744073709551615",
            r#"["\u2028", "tab\t"]"#,
        ] {
            let value: Value = serde_json::from_str(text).unwrap();
            assert_eq!(canon(text), canonical::to_string(&value), "{text}");
            assert_eq!(text_len(&node(text), &[]), canon(text).len(), "{text}");
        }
    }

    #[test]
    fn strings_borrow_from_the_input() {
        let text = r#"{"name":"Smith","esc":"a\nb"}"#;
        let Node::Object(members) = node(text) else {
            panic!("an object")
        };
        assert!(matches!(members[1].0, Cow::Borrowed("name")));
        assert!(matches!(members[1].1, Node::String(Cow::Borrowed("Smith"))));
        assert!(matches!(members[0].1, Node::String(Cow::Owned(_))));
    }

    #[test]
    fn duplicate_members_are_refused_without_quoting_them() {
        let e = parse("before", r#"{"a":{"secret":1,"secret":2}}"#).unwrap_err();
        let m = e.to_string();
        assert!(
            m.starts_with("before: not valid JSON: an object names the same member twice"),
            "{m}"
        );
        assert!(!m.contains("secret"), "{m}");
    }

    #[test]
    fn numbers_compare_by_value() {
        let eq = |a: &str, b: &str| equal(&node(a), &node(b), &[]);
        assert!(eq("1", "1.0"));
        assert!(eq("-0", "0.0"));
        assert!(eq("1e2", "100"));
        assert!(eq("1000000000000000000", "1e18"));
        assert!(!eq("9007199254740993", "9007199254740992.0"));
        assert!(!eq("1", "\"1\""));
        assert!(!eq("{}", "[]"));
        assert!(!eq("null", "{}"));
        for (a, b) in [
            ("1", "1.0"),
            ("1e18", "1000000000000000000"),
            ("[1,{}]", "[1.0,{}]"),
        ] {
            assert_eq!(hash(&node(a), &[]), hash(&node(b), &[]), "{a} {b}");
        }
    }

    #[test]
    fn bad_numbers_and_surrogates_are_typed_errors() {
        assert!(
            parse("x", "1e400")
                .unwrap_err()
                .to_string()
                .starts_with("x: not valid JSON")
        );
        assert!(
            parse("x", r#""\ud800""#)
                .unwrap_err()
                .to_string()
                .starts_with("x: not valid JSON")
        );
        assert!(parse("x", "[1] 2").is_err());
    }
}
