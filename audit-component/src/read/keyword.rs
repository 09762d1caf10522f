//! The keyword search: a text searched, ignoring case, in every text field
//! of an event (the list is in the WIT `filter.text`).
//!
//! "Ignoring case" means: both sides lowercased with Unicode's lowercase
//! mapping (`str::to_lowercase`), then a substring test. Because that is
//! costly on a million events, a row is first tested on its raw canonical
//! JSON: when the keyword is plain ASCII (nothing that JSON escapes), every
//! field that could match holds the keyword's bytes in the body up to ASCII
//! case, so a body without them cannot match and is never decoded.

use crate::core::model::{Change, Event};
use memchr::memmem;
use serde_json::Value;
use std::cell::RefCell;

/// Characters outside ASCII whose lowercase form contains ASCII letters
/// (`K` KELVIN SIGN is `k`, `İ` is `i` + a combining dot): a body holding
/// one may match an ASCII keyword without holding its bytes.
const ASCII_LOWERING: [char; 2] = ['\u{212a}', '\u{130}'];

/// A keyword ready to search.
pub struct Keyword {
    lower: String,
    /// For the raw prefilter: the keyword in ASCII lowercase, when it is
    /// ASCII without characters that JSON escapes.
    ascii: Option<memmem::Finder<'static>>,
    /// The UTF-8 forms of [`ASCII_LOWERING`], to spot them in a body.
    lowering: Vec<memmem::Finder<'static>>,
    /// A body lowered to ASCII lowercase, reused from row to row.
    scratch: RefCell<Vec<u8>>,
}

impl Keyword {
    /// A keyword: 1 or more characters, not only whitespace.
    pub fn new(text: &str) -> Result<Self, &'static str> {
        if text.trim().is_empty() {
            return Err("must not be empty");
        }
        let lower = text.to_lowercase();
        let plain = lower
            .bytes()
            .all(|b| b.is_ascii() && !b.is_ascii_control() && b != b'"' && b != b'\\');
        let ascii = plain.then(|| memmem::Finder::new(lower.as_bytes()).into_owned());
        let lowering = ASCII_LOWERING
            .iter()
            .map(|c| memmem::Finder::new(c.to_string().as_bytes()).into_owned())
            .collect();
        Ok(Keyword {
            lower,
            ascii,
            lowering,
            scratch: RefCell::new(Vec::new()),
        })
    }

    /// False when the body (canonical JSON of a stored event) cannot match.
    pub fn may_match(&self, body: &str) -> bool {
        let Some(finder) = &self.ascii else {
            return true;
        };
        let bytes = body.as_bytes();
        if !bytes.is_ascii() && self.lowering.iter().any(|f| f.find(bytes).is_some()) {
            return true;
        }
        let mut scratch = self.scratch.borrow_mut();
        scratch.clear();
        scratch.extend_from_slice(bytes);
        scratch.make_ascii_lowercase();
        finder.find(&scratch).is_some()
    }

    /// Whether any searched field of the event contains the keyword.
    pub fn matches(&self, e: &Event) -> bool {
        let has = |s: &str| contains(s, &self.lower);
        let opt = |s: &Option<String>| s.as_deref().is_some_and(has);
        has(&e.id)
            || has(&e.action)
            || opt(&e.label)
            || has(&e.category)
            || opt(&e.correlation_id)
            || has(&e.change_type)
            || has(&e.actor.id)
            || opt(&e.actor.name)
            || opt(&e.actor.email)
            || has(e.actor.kind.as_str())
            || e.targets
                .iter()
                .any(|t| has(&t.kind) || has(&t.id) || opt(&t.name))
            || has(e.outcome.as_str())
            || opt(&e.failure_reason)
            || opt(&e.context.ip)
            || opt(&e.context.user_agent)
            || opt(&e.context.session_id)
            || opt(&e.context.request_id)
            || e.changes.iter().any(|c| self.in_change(c))
            || e.metadata.as_ref().is_some_and(|m| self.in_value(m))
    }

    fn in_change(&self, c: &Change) -> bool {
        contains(&c.path, &self.lower)
            || c.old.as_ref().is_some_and(|v| self.in_value(v))
            || c.new.as_ref().is_some_and(|v| self.in_value(v))
    }

    /// Strings as their text, other scalars as JSON, object names too.
    /// Recursion is bounded by the depth limit of every stored document.
    fn in_value(&self, v: &Value) -> bool {
        match v {
            Value::String(s) => contains(s, &self.lower),
            Value::Array(items) => items.iter().any(|i| self.in_value(i)),
            Value::Object(map) => map
                .iter()
                .any(|(k, v)| contains(k, &self.lower) || self.in_value(v)),
            scalar => contains(&crate::json::canonical::to_string(scalar), &self.lower),
        }
    }
}

/// Whether `text` lowercased contains `lower` (already lowercase).
fn contains(text: &str, lower: &str) -> bool {
    if text.len() < lower.len() && text.is_ascii() {
        return false;
    }
    if text.is_ascii() {
        if !text.bytes().any(|b| b.is_ascii_uppercase()) {
            return text.contains(lower);
        }
        return text.to_ascii_lowercase().contains(lower);
    }
    text.to_lowercase().contains(lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_two_characters_lowercase_into_ascii() {
        // The raw prefilter is sound only if this list is complete.
        let found: Vec<char> = (0x80..=0x10ffff)
            .filter_map(char::from_u32)
            .filter(|c| c.to_lowercase().any(|l| l.is_ascii()))
            .collect();
        assert_eq!(
            found,
            ASCII_LOWERING.iter().rev().copied().collect::<Vec<_>>()
        );
    }

    #[test]
    fn the_prefilter_never_rejects_a_match() {
        let k = Keyword::new("Kilo").unwrap();
        assert!(k.may_match(r#"{"a":"KILO"}"#));
        assert!(k.may_match("{\"a\":\"\u{212a}ilo\"}"));
        assert!(!k.may_match(r#"{"a":"kil"}"#));
        // Keywords with characters JSON escapes are not prefiltered.
        let k = Keyword::new("a\"b").unwrap();
        assert!(k.may_match("{}"));
        let k = Keyword::new("Ñ").unwrap();
        assert!(k.may_match("{}"));
        assert!(Keyword::new("  ").is_err());
    }

    #[test]
    fn unicode_case_is_ignored() {
        assert!(contains("ÉCOLE Smyth", "école"));
        assert!(contains("SMYTH", "smyth"));
        assert!(!contains("Smith", "smyth"));
    }
}
