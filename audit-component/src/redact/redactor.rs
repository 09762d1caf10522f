//! The walk that hides values in a parsed document: by member name, or by
//! what a string or number holds; and the digests hidden values are
//! compared by (the host's keyed fingerprint, or a SHA-256 kept in memory).

use super::cards::mask_card;
use super::credentials::{holds_credential, holds_jwt};
use super::names::{Class, Rules};
use crate::core::error::{Error, Result};
use crate::json::node::{self, Hidden, Node, PLACEHOLDER};
use sha2::{Digest, Sha256};

/// Asks the host for the keyed fingerprints of messages; `Ok(None)` when it
/// has no key.
pub type Fingerprints<'f> = dyn FnMut(&[Vec<u8>]) -> Result<Option<Vec<[u8; 32]>>> + 'f;

/// What the host's keyed fingerprint is computed over: this prefix, then
/// the canonical JSON of the value (RFC 8785, as hashed events).
pub const FINGERPRINT_DOMAIN: &[u8] = b"audit:log/fingerprint/v1\0";

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
                        // An exception lifts the name's rule only: what a
                        // value holds (a JWT, a credential, a card number)
                        // is hidden under any name.
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
            // A card number has at least 13 digits: smaller numbers (nearly
            // all) are not written out to be looked at.
            Node::Number(n) => n
                .as_u64()
                .filter(|&n| n >= 1_000_000_000_000)
                .and_then(|n| mask_card(&n.to_string())),
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
/// What a free-text value (a name, a user agent, a reason) is stored as
/// when it holds a secret: `[redacted]` for a JWT or a credential, the text
/// with every card number masked; `None` when it holds none.
pub fn sensitive_text(s: &str) -> Option<String> {
    // One pass says which of the three searches can find anything: a JWT
    // has a `J` (`eyJ`), an `Authorization` value a space after its scheme,
    // a card number at least 13 digits. Most strings (names, ids, times,
    // settings) have none of them, and skip all three.
    let (mut letter_j, mut space, mut digits) = (false, false, 0usize);
    for &b in s.as_bytes() {
        letter_j |= b == b'J';
        space |= b == b' ';
        digits += usize::from(b.is_ascii_digit());
    }
    if (letter_j && holds_jwt(s)) || (space && holds_credential(s)) {
        return Some(PLACEHOLDER.to_string());
    }
    if digits < 13 {
        return None;
    }
    mask_card(s)
}
