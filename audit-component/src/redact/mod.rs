//! Redaction: secrets are replaced before anything else sees them (the
//! diff, the hash, the store, every output).
//!
//! A value is hidden when
//! - its member name is sensitive: it contains one of the sensitive terms
//!   ([`DEFAULT_KEYS`] and the tenant's extra keys) as whole words, or ends
//!   with one, case and separators aside (`password`, `newPassword`,
//!   `user_password`, `API-Key`, `x-api-key`, `apiKey`, `Set-Cookie`), plural
//!   included (`tokens`); the whole value is hidden, whatever its type,
//!   except `null` (there is nothing to hide);
//! - it is a string holding a JWT (`eyJ...` with three dot-separated
//!   base64url parts) or an `Authorization` credential (`Bearer ...`,
//!   `Basic ...`): the whole string is hidden;
//! - it holds a payment card number: 13 to 19 digits (spaces or dashes
//!   between groups allowed) starting with 2 to 6 (the issuer ranges of card
//!   networks) and passing the Luhn check. The number is masked: the last
//!   four digits stay, and the first six too when at least six digits remain
//!   hidden (16 digits and more), as PCI DSS 3.4.1 allows at most; a JSON
//!   number becomes the masked string.
//!
//! A member named in the exceptions is not hidden for its name, and a
//! scalar under it is kept as it is; what is inside an object or array
//! under it is checked as usual. Member names themselves are never hidden.
//!
//! Hidden values are written as `"[redacted]"` (or the masked number) and
//! compared by a digest: the tenant's keyed fingerprint (HMAC-SHA-256,
//! computed by the host, which holds the key) when the host has a key, else
//! a SHA-256 kept in memory for the length of one diff. So a changed secret
//! is reported as changed, an unchanged one not at all, and the secret
//! itself goes nowhere.

use crate::core::error::{Error, Result};
use crate::json::node::{self, Hidden, Node};
use sha2::{Digest, Sha256};

pub use crate::json::node::PLACEHOLDER;

/// Asks the host for the keyed fingerprints of messages; `Ok(None)` when it
/// has no key.
pub type Fingerprints<'f> = dyn FnMut(&[Vec<u8>]) -> Result<Option<Vec<[u8; 32]>>> + 'f;

/// What the host's keyed fingerprint is computed over: this prefix, then
/// the canonical JSON of the value (RFC 8785, as hashed events).
pub const FINGERPRINT_DOMAIN: &[u8] = b"audit:log/fingerprint/v1\0";

/// The member names that are always sensitive.
pub const DEFAULT_KEYS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "api_key",
    "access_key",
    "private_key",
    "authorization",
    "cookie",
    "set-cookie",
    "credentials",
    "ssn",
    "card_number",
    "cvv",
    "cvc",
];

/// Which member names are sensitive and which are exempt.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rules {
    /// The tenant's extra terms as words (`api_key` is `["api", "key"]`),
    /// beyond [`DEFAULT_KEYS`].
    terms: Vec<Vec<String>>,
    /// The same terms with the words joined (`apikey`).
    joined: Vec<String>,
    /// Exempt names, folded (`csrftoken`).
    exceptions: Vec<String>,
}

/// The default terms, split into words once per process (they never
/// change), with their joined forms.
struct Defaults {
    terms: Vec<Vec<String>>,
    joined: Vec<String>,
    /// The joined terms by their first byte.
    by_first: Vec<Vec<usize>>,
}

fn defaults() -> &'static Defaults {
    static DEFAULTS: std::sync::OnceLock<Defaults> = std::sync::OnceLock::new();
    DEFAULTS.get_or_init(|| {
        let terms: Vec<Vec<String>> = DEFAULT_KEYS.iter().map(|t| words(t)).collect();
        let joined: Vec<String> = terms.iter().map(|w| w.concat()).collect();
        let mut by_first = vec![Vec::new(); 256];
        for (i, j) in joined.iter().enumerate() {
            if let Some(&b) = j.as_bytes().first() {
                by_first[b as usize].push(i);
            }
        }
        Defaults {
            terms,
            joined,
            by_first,
        }
    })
}

impl Rules {
    /// The default terms plus `extra`, minus the names in `exceptions`.
    pub fn new(extra: &[String], exceptions: &[String]) -> Self {
        let mut terms: Vec<Vec<String>> = Vec::new();
        for term in extra {
            let w = words(term);
            if !w.is_empty() && !terms.contains(&w) && !defaults().terms.contains(&w) {
                terms.push(w);
            }
        }
        let joined = terms.iter().map(|w| w.concat()).collect();
        let exceptions = exceptions.iter().map(|e| words(e).concat()).collect();
        Rules {
            terms,
            joined,
            exceptions,
        }
    }

    fn all_terms(&self) -> impl Iterator<Item = (&Vec<String>, &String)> {
        let d = defaults();
        d.terms
            .iter()
            .zip(&d.joined)
            .chain(self.terms.iter().zip(&self.joined))
    }

    /// What the rules say about a member name.
    pub fn classify(&self, name: &str) -> Class {
        let folded = fold(name);
        let folded = folded.as_str();
        if self.exceptions.iter().any(|e| e == folded) {
            return Class::Exempt;
        }
        // Cheap first (this runs for every member of every document): a
        // name can only match a term it contains.
        if !self.contains_a_term(folded.as_bytes()) {
            return Class::Plain;
        }
        let name_words = words(name);
        for (term, joined) in self.all_terms() {
            if ends_with_term(folded, joined) || has_words(&name_words, term) {
                return Class::Sensitive;
            }
        }
        Class::Plain
    }

    fn contains_a_term(&self, folded: &[u8]) -> bool {
        let d = defaults();
        (0..folded.len()).any(|i| {
            let rest = &folded[i..];
            d.by_first[rest[0] as usize]
                .iter()
                .any(|&t| rest.starts_with(d.joined[t].as_bytes()))
                || self.joined.iter().any(|t| rest.starts_with(t.as_bytes()))
        })
    }
}

/// How a member name is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Its value is hidden.
    Sensitive,
    /// Named in the exceptions.
    Exempt,
    /// Checked by value only.
    Plain,
}

/// The name lowercased with everything but letters and digits dropped.
/// Short ASCII names (nearly all) are folded on the stack: this runs for
/// every member of every document.
fn fold(name: &str) -> Folded<'_> {
    if name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return Folded::Borrowed(name);
    }
    if name.len() <= 64 && name.is_ascii() {
        let mut buffer = [0u8; 64];
        let mut len = 0;
        for b in name.bytes().filter(u8::is_ascii_alphanumeric) {
            buffer[len] = b.to_ascii_lowercase();
            len += 1;
        }
        return Folded::Inline(buffer, len);
    }
    Folded::Owned(
        name.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect(),
    )
}

enum Folded<'n> {
    Borrowed(&'n str),
    Inline([u8; 64], usize),
    Owned(String),
}

impl Folded<'_> {
    fn as_str(&self) -> &str {
        match self {
            Folded::Borrowed(s) => s,
            // Only ASCII letters and digits were written.
            Folded::Inline(b, len) => std::str::from_utf8(&b[..*len]).unwrap_or(""),
            Folded::Owned(s) => s,
        }
    }
}

/// The lowercase words of a name: split at anything but letters and
/// digits, and at camelCase boundaries (`APIKey` is `api key`).
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let boundary = c.is_uppercase()
            && prev.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_numeric()
                    || (p.is_uppercase() && next.is_some_and(char::is_lowercase))
            });
        if boundary && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn ends_with_term(folded: &str, joined: &str) -> bool {
    folded.ends_with(joined)
        || folded
            .strip_suffix('s')
            .is_some_and(|f| f.ends_with(joined))
}

/// Whether `name` holds `term`'s words in a row (the last may be plural).
fn has_words(name: &[String], term: &[String]) -> bool {
    if term.is_empty() || name.len() < term.len() {
        return false;
    }
    name.windows(term.len()).any(|window| {
        let last = term.len() - 1;
        window[..last] == term[..last]
            && (window[last] == term[last]
                || window[last].strip_suffix('s') == Some(term[last].as_str()))
    })
}

/// A value hidden while the documents were walked, waiting for its digest.
struct Pending {
    display: String,
    message: Vec<u8>,
}

/// Hides the secrets of one or more documents, sharing one table of hidden
/// values (a diff's `before` and `after`).
pub struct Redactor<'r> {
    rules: &'r Rules,
    pending: Vec<Pending>,
}

impl<'r> Redactor<'r> {
    /// A redactor with these rules.
    pub fn new(rules: &'r Rules) -> Self {
        Redactor {
            rules,
            pending: Vec::new(),
        }
    }

    /// Hides the secrets of a document in place.
    pub fn redact(&mut self, node: &mut Node) {
        let display = match node {
            Node::Object(members) => {
                for (name, value) in members.iter_mut() {
                    match self.rules.classify(name) {
                        Class::Sensitive if !matches!(value, Node::Null) => {
                            self.hide(value, PLACEHOLDER.to_string())
                        }
                        Class::Sensitive => {}
                        Class::Exempt if !value.is_container() => {}
                        Class::Exempt | Class::Plain => self.redact(value),
                    }
                }
                None
            }
            Node::Array(items) => {
                for item in items {
                    self.redact(item);
                }
                None
            }
            Node::String(s) => sensitive_text(s),
            Node::Number(n) => n.as_u64().and_then(|n| mask_card(&n.to_string())),
            _ => None,
        };
        if let Some(display) = display {
            self.hide(node, display);
        }
    }

    fn hide(&mut self, node: &mut Node, display: String) {
        let mut text = String::new();
        node::write(node, &[], &mut text);
        let mut message = Vec::with_capacity(FINGERPRINT_DOMAIN.len() + text.len());
        message.extend_from_slice(FINGERPRINT_DOMAIN);
        message.extend_from_slice(text.as_bytes());
        let index = self.pending.len() as u32;
        self.pending.push(Pending { display, message });
        *node = Node::Hidden(index);
    }

    /// Whether anything was hidden.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// The table of hidden values. `fingerprints` asks the host for the
    /// keyed fingerprints of the messages (`None`: it has no key).
    pub fn finish(self, fingerprints: &mut Fingerprints) -> Result<Vec<Hidden>> {
        if self.pending.is_empty() {
            return Ok(Vec::new());
        }
        let messages: Vec<Vec<u8>> = self.pending.iter().map(|p| p.message.clone()).collect();
        let keyed = fingerprints(&messages)?;
        if let Some(k) = &keyed
            && k.len() != messages.len()
        {
            return Err(Error::Other(format!(
                "the host's keyring returned {} fingerprints for {} values",
                k.len(),
                messages.len()
            )));
        }
        Ok(self
            .pending
            .into_iter()
            .enumerate()
            .map(|(i, p)| match &keyed {
                Some(k) => Hidden {
                    display: p.display,
                    digest: k[i],
                    fingerprint: Some(hex(&k[i])),
                },
                None => Hidden {
                    display: p.display,
                    digest: Sha256::digest(&p.message).into(),
                    fingerprint: None,
                },
            })
            .collect())
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// What a string is written as when it holds a secret.
fn sensitive_text(s: &str) -> Option<String> {
    if holds_jwt(s) || holds_credential(s) {
        return Some(PLACEHOLDER.to_string());
    }
    mask_card(s)
}

fn is_base64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// A JWT (JWS or JWE compact form) anywhere in the text: `eyJ` starting a
/// base64url part, then at least two more parts joined by dots.
fn holds_jwt(s: &str) -> bool {
    let bytes = s.as_bytes();
    let starts = (0..bytes.len().saturating_sub(2)).filter(|&i| &bytes[i..i + 3] == b"eyJ");
    for at in starts {
        if at > 0 && is_base64url(bytes[at - 1]) {
            continue;
        }
        let mut parts = Vec::new();
        let mut i = at;
        loop {
            let start = i;
            while i < bytes.len() && is_base64url(bytes[i]) {
                i += 1;
            }
            parts.push(i - start);
            if i < bytes.len() && bytes[i] == b'.' && parts.len() < 5 {
                i += 1;
            } else {
                break;
            }
        }
        // header.payload.signature (the signature may be empty: alg none).
        if parts.len() >= 3 && parts[0] >= 10 && parts[1] >= 2 {
            return true;
        }
    }
    false
}

/// An HTTP `Authorization` credential anywhere in the text: `Bearer` and a
/// token of at least 16 characters, or `Basic` and base64 that does not read
/// as an ordinary word.
fn holds_credential(s: &str) -> bool {
    let bytes = s.as_bytes();
    // Look only where a scheme could end: at the spaces.
    for space in bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b' ')
        .map(|(i, _)| i)
    {
        for (scheme, min) in [("bearer ", 16), ("basic ", 8)] {
            let Some(at) = (space + 1).checked_sub(scheme.len()) else {
                continue;
            };
            if !bytes[at..=space].eq_ignore_ascii_case(scheme.as_bytes())
                || (at > 0 && bytes[at - 1].is_ascii_alphanumeric())
            {
                continue;
            }
            let rest = &s[space + 1..];
            let token: &str = rest
                .split(|c: char| !(c.is_ascii_alphanumeric() || "-._~+/=".contains(c)))
                .next()
                .unwrap_or("");
            if token.len() < min {
                continue;
            }
            let credential_like = scheme == "bearer "
                || (token.len().is_multiple_of(4)
                    && token
                        .bytes()
                        .any(|b| b.is_ascii_digit() || b.is_ascii_uppercase() || b == b'='));
            if credential_like {
                return true;
            }
        }
    }
    false
}

/// The text with every card number in it masked, or `None` when it holds
/// none.
pub fn mask_card(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    if bytes.len() < 13 || bytes.iter().filter(|b| b.is_ascii_digit()).count() < 13 {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    let mut masked_any = false;
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        // A run of digits, single spaces or dashes allowed between them.
        let start = i;
        let mut end = i;
        let mut digits = Vec::new();
        let mut j = i;
        while j < bytes.len() {
            if bytes[j].is_ascii_digit() {
                digits.push(bytes[j] - b'0');
                j += 1;
                end = j;
            } else if (bytes[j] == b' ' || bytes[j] == b'-')
                && j + 1 < bytes.len()
                && bytes[j + 1].is_ascii_digit()
            {
                j += 1;
            } else {
                break;
            }
        }
        if is_card(&digits) {
            out.push_str(&s[copied..start]);
            out.push_str(&masked(&digits));
            copied = end;
            masked_any = true;
        }
        i = end.max(i + 1);
    }
    if !masked_any {
        return None;
    }
    out.push_str(&s[copied..]);
    Some(out)
}

fn is_card(digits: &[u8]) -> bool {
    (13..=19).contains(&digits.len()) && (2..=6).contains(&digits[0]) && luhn(digits)
}

fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn masked(digits: &[u8]) -> String {
    let n = digits.len();
    let shown_head = if n >= 16 { 6 } else { 0 };
    digits
        .iter()
        .enumerate()
        .map(|(i, d)| {
            if i < shown_head || i >= n - 4 {
                char::from(b'0' + d)
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
